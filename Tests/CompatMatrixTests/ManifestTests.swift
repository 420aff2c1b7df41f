// Manifest decoding (a sample and the real sqlite-versions/manifest.json) and --versions selection.
import Foundation
import Testing
@testable import CompatMatrix

@Suite struct ManifestTests {
    static let sample = """
    { "generated_from": "test", "default_set": ["3.21.0", "3.40.1"], "available_offline": ["3.40.1"],
      "boundary_set": ["3.21.0", "3.40.1"],
      "features": [{"since": "3.38.0", "id": "vtab-in", "description": "IN at once"}],
      "releases": [
        {"version": "3.21.0", "date": "2017-10-24", "source_id": null,
         "sources": [{"file": "sqlite-amalgamation-3210000.zip", "url": "https://example.invalid/a.zip",
                      "sha256": null, "layout": "amalgamation", "subdir": null, "origin": "official"}]},
        {"version": "3.38.0", "date": "2022-02-22", "source_id": "2022-02-22 x",
         "sources": [{"file": "sqlite-autoconf-3380000.tar.gz", "url": null, "sha256": "00",
                      "layout": "autoconf", "subdir": null, "origin": "official"}]},
        {"version": "3.40.1", "date": "2022-12-28", "source_id": null,
         "sources": [{"file": "sqlite3_3.40.1.orig.tar.xz", "url": null, "sha256": "ab",
                      "layout": "source-tree", "subdir": "sqlite3-3.40.1", "origin": "debian bookworm"}]}
      ] }
    """

    static func manifest() throws -> Manifest {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString).json")
        try sample.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try Manifest.load(from: file)
    }

    static func selection(system: SQLiteVersion? = SQLiteVersion(3, 40, 1),
                          available: Set<String> = ["3.38.0"]) throws -> ManifestSelection {
        ManifestSelection(manifest: try manifest(), systemVersion: system) { available.contains($0.version) }
    }

    @Test func decodesTheSample() throws {
        let manifest = try Self.manifest()
        #expect(manifest.releases.count == 3)
        #expect(manifest.releases[2].sources[0].layout == .sourceTree)
        #expect(manifest.releases[2].sources[0].subdir == "sqlite3-3.40.1")
        #expect(manifest.releases[0].sources[0].sha256 == nil)
        #expect(manifest.features(startingAt: SQLiteVersion(3, 38, 0)).map(\.id) == ["vtab-in"])
    }

    @Test func decodesTheRealManifest() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../sqlite-versions/manifest.json").standardizedFileURL
        try #require(FileManager.default.fileExists(atPath: url.path), "no sqlite-versions/manifest.json yet")
        let manifest = try Manifest.load(from: url)
        #expect(manifest.release(named: "3.21.0") != nil)
        for name in manifest.availableOffline {
            let release = try #require(manifest.release(named: name))
            let local = try #require(release.sources.first)
            #expect(local.url == nil && local.sha256 != nil && local.sqlite3cSHA256 != nil,
                    "\(name): a local source pinned by archive and sqlite3.c sha256")
            #expect(release.sourceID != nil, "\(name): a SOURCE_ID to check against")
        }
        // The releases of issue #14 that are still obtainable, those found since in sqlean.py's sdists
        // (3.44.0 to 3.50.4, with a tail to cut off), and the boundary set msan runs on.
        #expect(manifest.availableOffline.count == 30)
        for name in ["3.24.0", "3.38.3", "3.41.0", "3.30.1", "3.44.0", "3.50.1", "3.50.4", "3.52.0", "3.53.0"] {
            #expect(manifest.availableOffline.contains(name))
        }
        for name in ["3.44.0", "3.45.0", "3.45.1", "3.47.0", "3.50.4"] {
            #expect(manifest.release(named: name)?.sources.first?.layout == .amalgamationWithTail, "\(name): sqlean.py's copy")
        }
        #expect(manifest.boundarySet == ["3.24.0", "3.38.3", "3.41.0", "3.46.1", "3.53.4"])
    }

    @Test func selectsSetsAndLists() throws {
        let selection = try Self.selection()
        #expect(try selection.targets(for: "default").map(\.label) == ["3.21.0", "3.40.1"])
        #expect(try selection.targets(for: "all").map(\.label) == ["3.21.0", "3.38.0", "3.40.1"])
        #expect(try selection.targets(for: "latest").map(\.label) == ["3.40.1"])
        #expect(try selection.targets(for: "boundary").map(\.label) == ["3.21.0", "3.40.1"])
        #expect(try selection.targets(for: "available").map(\.label) == ["3.38.0"])
        #expect(try selection.targets(for: "system").map(\.label) == ["system-3.40.1"])
        #expect(try selection.targets(for: "3.40.1, 3.21.0,system,latest").map(\.label)
            == ["3.21.0", "3.40.1", "system-3.40.1"])
        #expect(try selection.targets(for: "3.38").map(\.label) == ["3.38.0"])
    }

    @Test(arguments: ["9.9.9", "3.22.0", "newest", "", "3.40.1,bogus"])
    func rejectsUnknownVersions(expression: String) throws {
        #expect(throws: MatrixConfigurationError.self) { try Self.selection().targets(for: expression) }
    }

    @Test func rejectsSystemWithoutHeadersAndEmptyAvailable() throws {
        #expect(throws: MatrixConfigurationError.self) { try Self.selection(system: nil).targets(for: "system") }
        #expect(throws: MatrixConfigurationError.self) { try Self.selection(available: []).targets(for: "available") }
    }

    @Test func rejectsABrokenManifest() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try #"{"generated_from": "x", "default_set": ["3.99.0"], "available_offline": [], "features": [], "releases": []}"#
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: MatrixConfigurationError.self) { try Manifest.load(from: file) }
    }

    @Test func readsVersionsFromHeaders() {
        let header = SourceHeader(text: "#define SQLITE_VERSION        \"3.40.1\"\n#define SQLITE_SOURCE_ID      \"2022-12-28 abc\"\n")
        #expect(header?.version == SQLiteVersion(3, 40, 1))
        #expect(header?.sourceID == "2022-12-28 abc")
        #expect(SourceHeader(text: "#define SQLITE_VERSION_NUMBER 3040001\n") == nil)
    }
}
