// Fetching against a loopback HTTP server: a good archive is verified and cached atomically, a
// corrupted one is rejected and not left in the cache, a failing URL is retried then fails only
// its version, and a warm or --offline run does not touch the network.
import Foundation
import Logging
import Testing
@testable import CompatMatrix

@Suite(.serialized) struct SourceResolutionTests {
    struct Fixture {
        var root: URL
        var served: URL
        var good: Manifest.Release
        var corrupted: Manifest.Release
        var closing: Manifest.Release
        var missing: Manifest.Release
    }

    /// Archives for 3.21.0 (good), 3.22.0 (corrupted on the server), 3.23.0 (connection closed), 3.24.0 (404).
    static func fixture() async throws -> Fixture {
        let root = try SourceTestArchives.temporaryFolder("fetch")
        let served = root.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        let good = try SourceTestArchives.zip("3.21.0", in: served, name: "sqlite-amalgamation-3210000.zip")
        let corrupted = try await SourceTestArchives.tarGz("3.22.0", in: served, name: "sqlite-autoconf-3220000.tar.gz")
        let corruptedSource = try SourceTestArchives.source(corrupted, layout: .autoconf)
        var bytes = try Data(contentsOf: corrupted)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: corrupted)
        func release(_ version: String, _ file: String, _ path: String, sha: String = String(repeating: "a", count: 64),
                     layout: Manifest.Layout = .amalgamation) -> Manifest.Release {
            SourceTestArchives.release(version, [Manifest.Source(
                file: file, url: path, sha256: sha, layout: layout, subdir: nil, origin: "test")])
        }
        return Fixture(
            root: root, served: served,
            good: release("3.21.0", good.lastPathComponent, "files/\(good.lastPathComponent)",
                          sha: try Digests.sha256(Data(contentsOf: good))),
            corrupted: release("3.22.0", corrupted.lastPathComponent, "files/\(corrupted.lastPathComponent)",
                               sha: corruptedSource.sha256!, layout: .autoconf),
            closing: release("3.23.0", "sqlite-amalgamation-3230000.zip", "close/sqlite-amalgamation-3230000.zip"),
            missing: release("3.24.0", "sqlite-amalgamation-3240000.zip", "status/404/sqlite-amalgamation-3240000.zip"))
    }

    /// Points every source URL of `release` at the server.
    static func onServer(_ release: Manifest.Release, _ server: SourceTestServer) -> Manifest.Release {
        var release = release
        release.sources = release.sources.map { source in
            var source = source
            source.url = server.base.appendingPathComponent(source.url!).absoluteString
            return source
        }
        return release
    }

    static func preparer(_ root: URL, offline: Bool = false) -> SourcePreparer {
        SourcePreparer(cache: SourceCache(root: root.appendingPathComponent("cache")), mirrors: [], offline: offline,
                       allowUnverified: false,
                       downloader: SourceDownloader(attempts: 3, initialBackoff: .milliseconds(20), timeout: 10),
                       logger: Logger(label: "test"))
    }

    /// Files in the downloads folder, partial ones included.
    static func downloads(_ root: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cache/downloads").path)) ?? []
    }

    @Test func goodCorruptedAndFailingArchives() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await SourceTestServer.with(serving: fixture.served) { server in
            let preparer = Self.preparer(fixture.root)
            let releases = [fixture.good, fixture.corrupted, fixture.closing, fixture.missing].map { Self.onServer($0, server) }
            // All four at once, as the matrix does: only the good one succeeds, the others fail alone.
            let results = await withTaskGroup(of: (String, Result<PreparedSQLite, Error>).self) { group in
                for release in releases {
                    group.addTask {
                        do { return (release.version, .success(try await preparer.prepare(release))) } catch {
                            return (release.version, .failure(error))
                        }
                    }
                }
                var results: [String: Result<PreparedSQLite, Error>] = [:]
                for await (version, result) in group { results[version] = result }
                return results
            }
            let good = try results["3.21.0"]!.get()
            #expect(good.verified && good.location.hasPrefix("http://127.0.0.1:"))
            #expect(Self.downloads(fixture.root) == ["sqlite-amalgamation-3210000.zip"])

            func failure(_ version: String) -> String {
                if case .failure(let error) = results[version]! { return "\(error)" }
                return "succeeded"
            }
            #expect(failure("3.22.0").contains("sha256 mismatch"))
            #expect(failure("3.23.0").contains("failed after 3 attempt(s)"))
            #expect(failure("3.24.0").contains("HTTP 404"))
            let requests = server.requests
            #expect(requests.filter { $0.hasPrefix("/close/") }.count == 3, "a dropped connection is retried")
            #expect(requests.filter { $0.hasPrefix("/status/404/") }.count == 1, "a 404 is not retried")
            #expect(requests.filter { $0.hasPrefix("/files/sqlite-autoconf") }.count == 1, "a bad checksum is not retried")

            // Warm: nothing is fetched again.
            let before = server.requests.count
            #expect(try await preparer.prepare(releases[0]).version == "3.21.0")
            #expect(server.requests.count == before)
        }
    }

    @Test func cachedDownloadIsUsedWithoutNetwork() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await SourceTestServer.with(serving: fixture.served) { server in
            let release = Self.onServer(fixture.good, server)
            _ = try await Self.preparer(fixture.root).prepare(release)
            // Drop the prepared amalgamation but keep the download: an --offline run rebuilds it from the cache.
            try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("cache/sqlite"))
            let before = server.requests.count
            let prepared = try await Self.preparer(fixture.root, offline: true).prepare(release)
            #expect(prepared.location.hasSuffix("downloads/sqlite-amalgamation-3210000.zip"))
            #expect(server.requests.count == before)
        }
    }

    @Test func offlineNeverFetches() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await SourceTestServer.with(serving: fixture.served) { server in
            let error = await #expect(throws: SourceError.self) {
                try await Self.preparer(fixture.root, offline: true).prepare(Self.onServer(fixture.good, server))
            }
            #expect(error?.description.contains("--offline") == true)
            #expect(server.requests.isEmpty)
        }
    }

    @Test func mirrorURLComesBeforeTheOfficialURL() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await SourceTestServer.with(serving: fixture.served) { server in
            var preparer = Self.preparer(fixture.root)
            preparer.mirrors = [try SourceMirror(server.base.appendingPathComponent("files").absoluteString)]
            let prepared = try await preparer.prepare(Self.onServer(fixture.good, server))
            #expect(prepared.location.contains("/files/sqlite-amalgamation-3210000.zip"))
            #expect(server.requests == ["/files/sqlite-amalgamation-3210000.zip"])
        }
    }

    @Test func checksumMismatchLeavesNoFile() async throws {
        let fixture = try await Self.fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        try await SourceTestServer.with(serving: fixture.served) { server in
            let destination = fixture.root.appendingPathComponent("cache/downloads/x.tar.gz")
            let url = server.base.appendingPathComponent("files/sqlite-autoconf-3220000.tar.gz")
            await #expect(throws: SourceError.self) {
                try await SourceDownloader(attempts: 1).download(url, to: destination, expectedSHA256: String(repeating: "0", count: 64))
            }
            #expect(Self.downloads(fixture.root).isEmpty)
        }
    }
}
