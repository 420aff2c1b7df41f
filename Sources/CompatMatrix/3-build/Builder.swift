// Compiles, per SQLite x mode: sqlite3.o from the amalgamation, the C test driver linked with it
// (or with the system -lsqlite3), and the extension vec_graph.so against a given set of headers.
// Every output goes through the BuildCache, keyed by everything that decides it.
import Foundation

/// A compile that failed: the suite that needed it reports this as an error on each of its cases.
public struct BuildFailure: Error, CustomStringConvertible, Sendable {
    public var step: String
    /// The command line and the compiler's output.
    public var output: String
    public var description: String { "\(step) failed:\n\(output)" }
}

public struct Builder: Sendable {
    public var toolchain: BuilderToolchain
    public var cache: BuildCache
    public var sources: BuilderSources
    public var profiles: [BuildMode: SanitizerProfile]
    /// Extra flags for the extension only (--extension-cflags).
    public var extensionCFlags: [String]

    public init(toolchain: BuilderToolchain, cache: BuildCache, sources: BuilderSources,
                profiles: [BuildMode: SanitizerProfile], extensionCFlags: [String]) {
        self.toolchain = toolchain
        self.cache = cache
        self.sources = sources
        self.profiles = profiles
        self.extensionCFlags = extensionCFlags
    }

    static let sqliteDefines = ["-DSQLITE_ENABLE_JSON1", "-DSQLITE_THREADSAFE=1"]

    private func modeFlags(_ mode: BuildMode) -> [String] { profiles[mode]?.cflags ?? [] }

    /// sqlite3.o of a prepared amalgamation; returns the object file and its cache key.
    public func sqliteObject(_ headers: BuilderHeaders, mode: BuildMode) async throws -> (object: URL, key: String) {
        let flags = Self.sqliteDefines + modeFlags(mode) + (profiles[mode]?.sqliteCFlags ?? [])
        let key = BuildCache.key(["sqlite3.o", headers.identity, mode.rawValue, toolchain.identity] + flags)
        let folder = try await cache.artifact(name: "sqlite3-\(headers.label)-\(mode.rawValue)", key: key) { out in
            try await compile("sqlite3.o \(headers.label) \(mode.rawValue)",
                              ["-c", headers.folder.appendingPathComponent("sqlite3.c").path,
                               "-I", headers.folder.path, "-o", out.appendingPathComponent("sqlite3.o").path] + flags)
        }
        return (folder.appendingPathComponent("sqlite3.o"), key)
    }

    /// The test driver for a target: linked with sqlite3.o from `headers`, or with -lsqlite3 for the system;
    /// with the fault-injection files (-DVG_DRIVER_FAULTS), so every driver can run the oom and ioerr modes.
    /// `sqliteMode` is the mode sqlite3.o is compiled in: `mode` itself, or `plain` for an asan driver
    /// that links the plain object (SQLite not instrumented; the driver and the extension are).
    public func driver(for target: MatrixTarget, headers: BuilderHeaders, mode: BuildMode,
                       sqliteMode: BuildMode? = nil) async throws -> URL {
        let flags = modeFlags(mode) + ["-DVG_DRIVER_FAULTS"]
        let sqlite: [String]
        let identity: String
        if target.isSystem {
            sqlite = ["-lsqlite3"]
            identity = headers.identity
        } else {
            let (object, objectKey) = try await sqliteObject(headers, mode: sqliteMode ?? mode)
            sqlite = [object.path]
            identity = objectKey
        }
        let linkInputs = sqlite + ["-ldl", "-lpthread", "-lm"] + toolchain.linkFlags
        let key = BuildCache.key(["vg_driver", identity, sources.driverHash, mode.rawValue, toolchain.identity]
            + flags + linkInputs.filter { !$0.hasPrefix("/") })
        let suffix = sqliteMode.map { $0 == mode ? "" : "-sqlite-\($0.rawValue)" } ?? ""
        let folder = try await cache.artifact(name: "driver-\(target.label)-\(mode.rawValue)\(suffix)", key: key) { out in
            try await compile("vg_driver \(target.label) \(mode.rawValue)",
                              flags + ["-I", headers.folder.path] + sources.driverFiles.map(\.path)
                                + ["-o", out.appendingPathComponent("vg_driver").path] + linkInputs)
        }
        return folder.appendingPathComponent("vg_driver")
    }

    /// vec_graph.so compiled against `headers` in `mode`.
    public func extensionLibrary(headers: BuilderHeaders, mode: BuildMode) async throws -> URL {
        let flags = ["-std=c11", "-fPIC", "-shared", "-fvisibility=hidden",
                     "-I", sources.extensionInclude.path, "-I", headers.folder.path,
                     "-DVEC_GRAPH_VERSION=\"\(sources.projectVersion)\""] + modeFlags(mode) + extensionCFlags
        let key = BuildCache.key(["vec_graph.so", headers.identity, sources.extensionHash, mode.rawValue,
                                  toolchain.identity] + flags.filter { !$0.hasPrefix("/") } + toolchain.linkFlags)
        let folder = try await cache.artifact(name: "ext-\(headers.label)-\(mode.rawValue)", key: key) { out in
            try await compile("vec_graph.so (headers \(headers.label), \(mode.rawValue))",
                              flags + sources.extensionFiles.map(\.path)
                                + ["-o", out.appendingPathComponent("vec_graph.so").path, "-lm"] + toolchain.linkFlags)
        }
        return folder.appendingPathComponent("vec_graph.so")
    }

    private func compile(_ step: String, _ arguments: [String]) async throws {
        let result = try await MatrixProcess.run(toolchain.compiler, arguments)
        guard result.succeeded else {
            let command = ([toolchain.compiler] + arguments).joined(separator: " ")
            throw BuildFailure(step: "\(step) (\(result.status))", output: "$ \(command)\n\(result.output)")
        }
    }
}
