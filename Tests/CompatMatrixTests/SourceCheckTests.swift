// The checks every prepared source passes: SQLITE_SOURCE_ID in sqlite3.h and in sqlite3.c, the pinned
// sqlite3.c sha256, sqlite3ext.h where the manifest says the source has it (beside sqlite3.h, one folder
// up, or at its own path), a vendor's tail after sqlite3.c's last line cut off only where the manifest
// says so, and a cached amalgamation reused only while it matches the manifest.
import Foundation
import Logging
import Testing
@testable import CompatMatrix

@Suite struct SourceCheckTests {
    static let sourceID = "2099-01-01 00:00:00 fake"
    static let amalgamation = "/* vendored amalgamation */\n#define SQLITE_VERSION \"3.30.1\"\n#define SQLITE_SOURCE_ID \"\(sourceID)\"\n"

    /// A vendored copy as projects keep it: pkg/c/sqlite3.c, pkg/sqlite3.h, optionally pkg/extensions/sqlite3ext.h.
    static func vendoredArchive(in root: URL, sourceIDInC: String = sourceID, extensionHeader: Bool,
                                sqlite3c: String = amalgamation) async throws -> URL {
        let staging = root.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("pkg/c"), withIntermediateDirectories: true)
        try sqlite3c.replacingOccurrences(of: sourceID, with: sourceIDInC)
            .write(to: staging.appendingPathComponent("pkg/c/sqlite3.c"), atomically: true, encoding: .utf8)
        try "#define SQLITE_VERSION        \"3.30.1\"\n#define SQLITE_SOURCE_ID      \"\(sourceID)\"\n"
            .write(to: staging.appendingPathComponent("pkg/sqlite3.h"), atomically: true, encoding: .utf8)
        if extensionHeader {
            try FileManager.default.createDirectory(at: staging.appendingPathComponent("pkg/extensions"), withIntermediateDirectories: true)
            try "/* sqlite3ext.h */\n".write(to: staging.appendingPathComponent("pkg/extensions/sqlite3ext.h"), atomically: true, encoding: .utf8)
        }
        let archive = root.appendingPathComponent("vendored-\(UUID().uuidString).tar.gz")
        let tar = try await MatrixProcess.run("/usr/bin/tar", ["czf", archive.path, "-C", staging.path, "pkg"])
        try #require(tar.succeeded, "\(tar.output)")
        try FileManager.default.removeItem(at: staging)
        return archive
    }

    static func release(_ archive: URL, sourceID: String? = sourceID, cDigest: String?, extensionHeader: Bool,
                        extensionHeaderPath: String? = nil, layout: Manifest.Layout = .amalgamation) throws -> Manifest.Release {
        var source = try SourceTestArchives.source(archive, layout: layout, subdir: "pkg/c")
        source.sqlite3cSHA256 = cDigest
        source.extensionHeader = extensionHeader
        source.extensionHeaderPath = extensionHeaderPath
        var release = SourceTestArchives.release("3.30.1", [source])
        release.sourceID = sourceID
        return release
    }

    static func prepare(_ release: Manifest.Release, mirror: URL, cache: URL) async throws -> PreparedSQLite {
        try await SourcePreparer(cache: SourceCache(root: cache), mirrors: [.folder(mirror)], offline: true,
                                 allowUnverified: false, logger: Logger(label: "check")).prepare(release)
    }

    @Test func acceptsAVendoredCopyWithoutSqlite3extH() async throws {
        let root = try SourceTestArchives.temporaryFolder("vendored")
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try await Self.vendoredArchive(in: root, extensionHeader: false)
        let digest = Digests.sha256(Array(Self.amalgamation.utf8))
        let prepared = try await Self.prepare(try Self.release(archive, cDigest: digest, extensionHeader: false),
                                              mirror: root, cache: root.appendingPathComponent("cache"))
        #expect(!prepared.hasExtensionHeader)
        #expect(prepared.sqlite3cSHA256 == digest)
        #expect(prepared.sourceID == Self.sourceID)
        #expect(BuilderHeaders(prepared: prepared, folder: prepared.folder!).hasExtensionHeader == false)
    }

    @Test func findsSqlite3extHAtItsOwnPath() async throws {
        let root = try SourceTestArchives.temporaryFolder("vendored-ext")
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try await Self.vendoredArchive(in: root, extensionHeader: true)
        let cache = root.appendingPathComponent("cache")
        // Told it has one beside sqlite3.h: it is not there, so the source is rejected.
        let missing = await #expect(throws: SourceError.self) {
            try await Self.prepare(try Self.release(archive, cDigest: nil, extensionHeader: true), mirror: root, cache: cache)
        }
        #expect(missing?.description.contains("has no sqlite3ext.h, but the manifest says it has") == true)
        let prepared = try await Self.prepare(
            try Self.release(archive, cDigest: nil, extensionHeader: true, extensionHeaderPath: "pkg/extensions/sqlite3ext.h"),
            mirror: root, cache: cache)
        #expect(prepared.hasExtensionHeader)
        #expect(FileManager.default.fileExists(atPath: prepared.folder!.appendingPathComponent("sqlite3ext.h").path))
    }

    @Test func rejectsAnotherSourceIDOrSqlite3cDigest() async throws {
        let root = try SourceTestArchives.temporaryFolder("vendored-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")
        let archive = try await Self.vendoredArchive(in: root, extensionHeader: false)
        let wrongID = await #expect(throws: SourceError.self) {
            try await Self.prepare(try Self.release(archive, sourceID: "2019-10-10 20:19:45 other", cDigest: nil,
                                                    extensionHeader: false), mirror: root, cache: cache)
        }
        #expect(wrongID?.description.contains("sqlite3.h has SQLITE_SOURCE_ID \"\(Self.sourceID)\"") == true)
        let wrongDigest = await #expect(throws: SourceError.self) {
            try await Self.prepare(try Self.release(archive, cDigest: String(repeating: "0", count: 64), extensionHeader: false),
                                   mirror: root, cache: cache)
        }
        #expect(wrongDigest?.description.contains("sqlite3.c has sha256") == true)
        // sqlite3.c that carries another SOURCE_ID than its sqlite3.h.
        let mixed = try await Self.vendoredArchive(in: root, sourceIDInC: "2019-10-10 20:19:45 other", extensionHeader: false)
        let mixedError = await #expect(throws: SourceError.self) {
            try await Self.prepare(try Self.release(mixed, cDigest: nil, extensionHeader: false), mirror: root, cache: cache)
        }
        #expect(mixedError?.description.contains("sqlite3.c has SQLITE_SOURCE_ID") == true)
        #expect(SourceCache(root: cache).prepared(SQLiteVersion(3, 30, 1)) == nil)
    }

    @Test func cutsAVendorsTailAfterTheLastLineOnlyWhereTheManifestSaysSo() async throws {
        let root = try SourceTestArchives.temporaryFolder("vendored-tail")
        defer { try? FileManager.default.removeItem(at: root) }
        let own = Self.amalgamation + "/* End of sqlite3.c appears in a comment too */\n" + SourceAmalgamator.lastLine
        let tail = "#include \"init.h\"\n\nint core_init(const char* dummy) {\n    return 0;\n}\n"
        let archive = try await Self.vendoredArchive(in: root, extensionHeader: false, sqlite3c: own + tail)
        let digest = Digests.sha256(Array(own.utf8))
        // As a plain amalgamation, the file with its tail is not the pinned one.
        let plain = await #expect(throws: SourceError.self) {
            try await Self.prepare(try Self.release(archive, cDigest: digest, extensionHeader: false),
                                   mirror: root, cache: root.appendingPathComponent("cache-plain"))
        }
        #expect(plain?.description.contains("sqlite3.c has sha256 \(Digests.sha256(Array((own + tail).utf8)))") == true)
        let prepared = try await Self.prepare(
            try Self.release(archive, cDigest: digest, extensionHeader: false, layout: .amalgamationWithTail),
            mirror: root, cache: root.appendingPathComponent("cache"))
        #expect(prepared.sqlite3cSHA256 == digest)
        let text = try String(contentsOf: prepared.folder!.appendingPathComponent("sqlite3.c"), encoding: .utf8)
        #expect(text == own)
        // Without SQLite's last line there is nothing to cut at: rejected.
        let noEnd = try await Self.vendoredArchive(in: root, extensionHeader: false, sqlite3c: Self.amalgamation + tail)
        let missing = await #expect(throws: SourceError.self) {
            try await Self.prepare(try Self.release(noEnd, cDigest: nil, extensionHeader: false, layout: .amalgamationWithTail),
                                   mirror: root, cache: root.appendingPathComponent("cache-noend"))
        }
        #expect(missing?.description.contains("to cut the appended tail at") == true)
    }

    @Test func cachedAmalgamationIsReusedOnlyWhileItMatchesTheManifest() async throws {
        let root = try SourceTestArchives.temporaryFolder("vendored-cache")
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = root.appendingPathComponent("cache")
        let archive = try await Self.vendoredArchive(in: root, extensionHeader: false)
        let digest = Digests.sha256(Array(Self.amalgamation.utf8))
        let release = try Self.release(archive, cDigest: digest, extensionHeader: false)
        _ = try await Self.prepare(release, mirror: root, cache: cache)
        let preparer = SourcePreparer(cache: SourceCache(root: cache), mirrors: [], offline: true, allowUnverified: false,
                                      logger: Logger(label: "check"))
        #expect(preparer.cached(release) != nil)
        var repinned = release
        repinned.sources[0].sqlite3cSHA256 = String(repeating: "1", count: 64)
        #expect(preparer.cached(repinned) == nil, "another clone's manifest pins another sqlite3.c")
        #expect(!preparer.isAvailableLocally(repinned))
    }
}
