// Turns an unpacked source folder into the amalgamation files, by layout: amalgamation and autoconf
// archives already hold them (an amalgamation-with-tail loses what its vendor appended after SQLite's
// last line); a full source tree is configured and runs its own `make sqlite3.c`.
// sqlite3.c and sqlite3.h are required; sqlite3ext.h only where the manifest says the source has it.
import Foundation

enum SourceAmalgamator {
    static let required = ["sqlite3.c", "sqlite3.h"]
    static let extensionHeader = "sqlite3ext.h"
    /// The last line of every sqlite3.c that SQLite's own tooling writes.
    static let lastLine = "/************************** End of sqlite3.c ******************************/\n"

    /// Copies the files from `sources` (a private, disposable copy) to `output`. Each is looked for in
    /// `sources`, `sources/src`, then the folder above `sources` (vendored copies sometimes keep
    /// sqlite3.c in c/ and sqlite3.h beside it); sqlite3ext.h at the manifest's path under `archive` (the
    /// unpacked archive) when it gives one. Returns whether sqlite3ext.h was there.
    static func amalgamate(_ sources: URL, archive: URL, source: Manifest.Source, into output: URL) async throws -> Bool {
        if source.layout == .sourceTree { try await makeAmalgamation(in: sources) }
        let manager = FileManager.default
        func find(_ file: String) -> URL? {
            [sources, sources.appendingPathComponent("src"), sources.deletingLastPathComponent()]
                .map { $0.appendingPathComponent(file) }.first { manager.fileExists(atPath: $0.path) }
        }
        for file in required {
            guard let found = find(file) else {
                throw SourceError("\(source.layout.rawValue) sources at \(sources.lastPathComponent) have no \(file)")
            }
            try manager.copyItem(at: found, to: output.appendingPathComponent(file))
        }
        if source.layout == .amalgamationWithTail { try cutAppendedTail(output.appendingPathComponent("sqlite3.c")) }
        let header = source.extensionHeaderPath.map { archive.appendingPathComponent($0) }
            .flatMap { manager.fileExists(atPath: $0.path) ? $0 : nil } ?? find(extensionHeader)
        guard let header else {
            if source.hasExtensionHeader {
                throw SourceError("\(source.file) has no \(extensionHeader), but the manifest says it has")
            }
            return false
        }
        try manager.copyItem(at: header, to: output.appendingPathComponent(extensionHeader))
        return true
    }

    /// Truncates `file` after its last `End of sqlite3.c` line: what a vendor appended goes, SQLite's
    /// own file stays (its pinned sha256 is then checked like any other).
    static func cutAppendedTail(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        guard let end = data.range(of: Data(lastLine.utf8), options: .backwards) else {
            throw SourceError("sqlite3.c has no line \"\(lastLine.dropLast())\" to cut the appended tail at")
        }
        try data[..<end.upperBound].write(to: file, options: .atomic)
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
