// Synthetic SQLite source archives for the source tests: a fake amalgamation (zip or tar.gz) and a
// fake source tree whose ./configure and `make sqlite3.c` generate the files, each carrying a chosen
// SQLITE_VERSION; and a manifest entry pointing at them.
import Foundation
import ZIPFoundation
@testable import CompatMatrix

enum SourceTestArchives {
    static func temporaryFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cm-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func header(_ version: String) -> String {
        "#define SQLITE_VERSION        \"\(version)\"\n#define SQLITE_SOURCE_ID      \"2099-01-01 fake\"\n"
    }

    /// Writes sqlite3.c, sqlite3.h and sqlite3ext.h saying `version` into `folder`.
    static func writeAmalgamation(_ version: String, in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "/* fake amalgamation \(version) */\n".write(to: folder.appendingPathComponent("sqlite3.c"), atomically: true, encoding: .utf8)
        try header(version).write(to: folder.appendingPathComponent("sqlite3.h"), atomically: true, encoding: .utf8)
        try "/* fake sqlite3ext.h */\n".write(to: folder.appendingPathComponent("sqlite3ext.h"), atomically: true, encoding: .utf8)
    }

    /// sqlite-amalgamation-<code>.zip with a single top folder.
    static func zip(_ version: String, in folder: URL, name: String) throws -> URL {
        let staging = try temporaryFolder("zip")
        defer { try? FileManager.default.removeItem(at: staging) }
        let top = staging.appendingPathComponent("sqlite-amalgamation")
        try writeAmalgamation(version, in: top)
        let archive = folder.appendingPathComponent(name)
        try FileManager.default.zipItem(at: top, to: archive)
        return archive
    }

    /// A .tar.gz whose sources sit at `subdir` (or in a single top folder).
    static func tarGz(_ version: String, in folder: URL, name: String, subdir: String = "sqlite-autoconf") async throws -> URL {
        let staging = try temporaryFolder("tar")
        defer { try? FileManager.default.removeItem(at: staging) }
        try writeAmalgamation(version, in: staging.appendingPathComponent(subdir))
        let top = String(subdir.split(separator: "/")[0])
        let archive = folder.appendingPathComponent(name)
        try await run("/usr/bin/tar", ["czf", archive.path, "-C", staging.path, top])
        return archive
    }

    /// A source tree: ./configure writes a marker, `make sqlite3.c` writes sqlite3.c and sqlite3.h.
    static func sourceTree(_ version: String, in folder: URL, name: String, top: String) async throws -> URL {
        let staging = try temporaryFolder("tree")
        defer { try? FileManager.default.removeItem(at: staging) }
        let tree = staging.appendingPathComponent(top)
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("src"), withIntermediateDirectories: true)
        try "#!/bin/sh\necho configured > configured.txt\n"
            .write(to: tree.appendingPathComponent("configure"), atomically: true, encoding: .utf8)
        try header(version).write(to: tree.appendingPathComponent("src/sqlite.h.in"), atomically: true, encoding: .utf8)
        try "sqlite3.c: configured.txt\n\techo '/* made */' > sqlite3.c\n\tcp src/sqlite.h.in sqlite3.h\n"
            .write(to: tree.appendingPathComponent("Makefile"), atomically: true, encoding: .utf8)
        try "/* fake sqlite3ext.h */\n".write(to: tree.appendingPathComponent("src/sqlite3ext.h"), atomically: true, encoding: .utf8)
        let archive = folder.appendingPathComponent(name)
        try await run("/usr/bin/tar", ["cJf", archive.path, "-C", staging.path, top])
        return archive
    }

    static func source(_ archive: URL, layout: Manifest.Layout, subdir: String? = nil, url: String? = nil,
                       pinned: Bool = true) throws -> Manifest.Source {
        Manifest.Source(file: archive.lastPathComponent, url: url,
                        sha256: pinned ? try Digests.sha256(ofFile: archive) : nil,
                        layout: layout, subdir: subdir, origin: "test")
    }

    static func release(_ version: String, _ sources: [Manifest.Source]) -> Manifest.Release {
        Manifest.Release(version: version, date: "2099-01-01", sourceID: nil, sources: sources)
    }

    private static func run(_ tool: String, _ arguments: [String]) async throws {
        let result = try await MatrixProcess.run(tool, arguments)
        guard result.succeeded else { throw SourceError("\(tool) \(arguments) failed: \(result.output)") }
    }
}
