// The C compiler the matrix builds with: its identity (for build-cache keys) and what it supports
// (MemorySanitizer; the lld linker, which links sanitizer runtimes without ld.gold's warning flood).
import Foundation

public struct BuilderToolchain: Sendable {
    /// The compiler as given (--cc): a name looked up in PATH, or a path.
    public var compiler: String
    /// `cc --version` output: part of every build-cache key.
    public var identity: String
    public var supportsMSan: Bool
    /// Extra link flags every link uses (["-fuse-ld=lld"] when the compiler can use lld).
    public var linkFlags: [String]

    /// Asks the compiler who it is and probes its features in `scratch`.
    public static func probe(_ compiler: String, scratch: URL) async throws -> BuilderToolchain {
        let version: MatrixProcessResult
        do { version = try await MatrixProcess.run(compiler, ["--version"]) } catch {
            throw MatrixConfigurationError("--cc \(compiler): cannot run it: \(error)")
        }
        guard version.succeeded else {
            throw MatrixConfigurationError("--cc \(compiler): `\(compiler) --version` failed: \(version.output)")
        }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let probe = scratch.appendingPathComponent("probe-\(UUID().uuidString).c")
        try "int main(void) { return 0; }\n".write(to: probe, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: probe) }
        func links(_ flags: [String]) async -> Bool {
            let output = probe.deletingPathExtension().path + ".out"
            defer { try? FileManager.default.removeItem(atPath: output) }
            let result = try? await MatrixProcess.run(compiler, flags + [probe.path, "-o", output])
            return result?.succeeded ?? false
        }
        let lld = await links(["-fuse-ld=lld", "-fsanitize=address"])
        return BuilderToolchain(
            compiler: compiler, identity: version.output, supportsMSan: await links(["-fsanitize=memory"]),
            linkFlags: lld ? ["-fuse-ld=lld"] : [])
    }
}
