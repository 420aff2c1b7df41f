// Unpacking synthetic zip, tar.gz and source-tree archives from a mirror folder into prepared
// amalgamations, and rejecting an archive whose sqlite3.h names another version.
import Foundation
import Logging
import Testing
@testable import CompatMatrix

@Suite struct SourceUnpackTests {
    static func preparer(cache: URL, mirror: URL, allowUnverified: Bool = false) -> SourcePreparer {
        SourcePreparer(cache: SourceCache(root: cache), mirrors: [.folder(mirror)], offline: true,
                       allowUnverified: allowUnverified, logger: Logger(label: "test"))
    }

    @Test func unpacksZipTarGzAndSourceTree() async throws {
        let root = try SourceTestArchives.temporaryFolder("unpack")
        defer { try? FileManager.default.removeItem(at: root) }
        let mirror = root.appendingPathComponent("mirror")
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        let zip = try SourceTestArchives.zip("3.21.0", in: mirror, name: "sqlite-amalgamation-3210000.zip")
        let tar = try await SourceTestArchives.tarGz("3.25.2", in: mirror, name: "supersqlite-0.0.78.tar.gz",
                                                     subdir: "supersqlite-0.0.78/third_party/raw")
        let tree = try await SourceTestArchives.sourceTree("3.40.1", in: mirror, name: "sqlite3_3.40.1.orig.tar.xz",
                                                           top: "sqlite3-3.40.1")
        let releases = [
            SourceTestArchives.release("3.21.0", [try SourceTestArchives.source(zip, layout: .amalgamation)]),
            SourceTestArchives.release("3.25.2", [try SourceTestArchives.source(
                tar, layout: .amalgamation, subdir: "supersqlite-0.0.78/third_party/raw")]),
            SourceTestArchives.release("3.40.1", [try SourceTestArchives.source(
                tree, layout: .sourceTree, subdir: "sqlite3-3.40.1")]),
        ]
        let preparer = Self.preparer(cache: root.appendingPathComponent("cache"), mirror: mirror)
        for release in releases {
            #expect(preparer.isAvailableLocally(release))
            let prepared = try await preparer.prepare(release)
            #expect(prepared.version == release.version)
            #expect(prepared.verified)
            let header = try #require(SourceHeader(contentsOf: prepared.folder!.appendingPathComponent("sqlite3.h")))
            #expect(header.version.description == release.version)
            #expect(FileManager.default.fileExists(atPath: prepared.folder!.appendingPathComponent("sqlite3ext.h").path))
        }
        // Warm: prepared amalgamations are found without reading the mirror.
        try FileManager.default.removeItem(at: mirror)
        for release in releases { #expect(try await preparer.prepare(release).version == release.version) }
        // Scratch folders are gone.
        let work = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cache/work").path)
        #expect(work.isEmpty)
    }

    @Test func rejectsAVersionMismatch() async throws {
        let root = try SourceTestArchives.temporaryFolder("mismatch")
        defer { try? FileManager.default.removeItem(at: root) }
        let zip = try SourceTestArchives.zip("3.99.0", in: root, name: "sqlite-amalgamation-3210000.zip")
        let release = SourceTestArchives.release("3.21.0", [try SourceTestArchives.source(zip, layout: .amalgamation)])
        let cache = root.appendingPathComponent("cache")
        let error = await #expect(throws: SourceError.self) {
            try await Self.preparer(cache: cache, mirror: root).prepare(release)
        }
        #expect(error?.description.contains("SQLITE_VERSION \"3.99.0\"") == true)
        #expect(SourceCache(root: cache).prepared(SQLiteVersion(3, 21, 0)) == nil)
    }

    @Test func refusesUnpinnedSourcesUnlessAllowed() async throws {
        let root = try SourceTestArchives.temporaryFolder("unpinned")
        defer { try? FileManager.default.removeItem(at: root) }
        let zip = try SourceTestArchives.zip("3.21.0", in: root, name: "sqlite-amalgamation-3210000.zip")
        let release = SourceTestArchives.release("3.21.0", [try SourceTestArchives.source(zip, layout: .amalgamation, pinned: false)])
        let cache = root.appendingPathComponent("cache")
        let error = await #expect(throws: SourceError.self) {
            try await Self.preparer(cache: cache, mirror: root).prepare(release)
        }
        #expect(error?.description.contains("--allow-unverified") == true)
        let prepared = try await Self.preparer(cache: cache, mirror: root, allowUnverified: true).prepare(release)
        #expect(!prepared.verified)
        #expect(prepared.warnings.contains { $0.contains("UNVERIFIED") })
    }

    @Test func rejectsACorruptedMirrorFileAndFallsBack() async throws {
        let root = try SourceTestArchives.temporaryFolder("fallback")
        defer { try? FileManager.default.removeItem(at: root) }
        let zip = try SourceTestArchives.zip("3.21.0", in: root, name: "sqlite-amalgamation-3210000.zip")
        let tar = try await SourceTestArchives.tarGz("3.21.0", in: root, name: "sqlite-autoconf-3210000.tar.gz")
        var bad = try SourceTestArchives.source(zip, layout: .amalgamation)
        bad.sha256 = String(repeating: "0", count: 64)
        let release = SourceTestArchives.release("3.21.0", [bad, try SourceTestArchives.source(tar, layout: .autoconf)])
        let prepared = try await Self.preparer(cache: root.appendingPathComponent("cache"), mirror: root).prepare(release)
        #expect(prepared.file == "sqlite-autoconf-3210000.tar.gz")
        #expect(FileManager.default.fileExists(atPath: zip.path), "a mirror folder is never modified")
    }
}
