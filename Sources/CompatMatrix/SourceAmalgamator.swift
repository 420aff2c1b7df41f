// Turns an unpacked source folder into the three amalgamation files, by layout: amalgamation and
// autoconf archives already hold them; a full source tree is configured and runs its own `make sqlite3.c`.
import Foundation

enum SourceAmalgamator {
    static let files = ["sqlite3.c", "sqlite3.h", "sqlite3ext.h"]

    /// Copies sqlite3.c, sqlite3.h and sqlite3ext.h from `sources` (a private, disposable copy) to `output`.
    static func amalgamate(_ sources: URL, layout: Manifest.Layout, into output: URL) async throws {
        if layout == .sourceTree { try await makeAmalgamation(in: sources) }
        let manager = FileManager.default
        for file in files {
            let candidates = [sources.appendingPathComponent(file), sources.appendingPathComponent("src/\(file)")]
            guard let found = candidates.first(where: { manager.fileExists(atPath: $0.path) }) else {
                throw SourceError("\(layout.rawValue) sources at \(sources.lastPathComponent) have no \(file)")
            }
            try manager.copyItem(at: found, to: output.appendingPathComponent(file))
        }
    }

    /// `./configure` then `make sqlite3.c` (needs a C compiler and tclsh).
    private static func makeAmalgamation(in tree: URL) async throws {
        let configure = try await MatrixProcess.run("/bin/sh", ["./configure"], in: tree)
        guard configure.succeeded else {
            throw SourceError("./configure failed (\(configure.status)):\n\(configure.output.suffix(4000))")
        }
        let make = try await MatrixProcess.run("make", ["sqlite3.c"], in: tree)
        guard make.succeeded else {
            throw SourceError("make sqlite3.c failed (\(make.status)):\n\(make.output.suffix(4000))")
        }
    }
}
