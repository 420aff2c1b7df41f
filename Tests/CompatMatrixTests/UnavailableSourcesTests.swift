// A new user's first run without network: every download fails at name resolution. The run still
// ends (each case of those releases errored in JUnit), and the summary says it once: which releases,
// why, and the offline way to run.
import Foundation
import Logging
import Testing
@testable import CompatMatrix

@Suite struct UnavailableSourcesTests {
    @Test(.enabled(if: BuilderHeaders.system() != nil, "no system SQLite headers in /usr/include"), .timeLimit(.minutes(2)))
    func unresolvableHostIsSaidOnce() async throws {
        let folder = try SourceTestArchives.temporaryFolder("offline")
        defer { try? FileManager.default.removeItem(at: folder) }
        func release(_ version: String) -> String {
            let code = SQLiteVersion(version)!.archiveCode
            return """
                {"version": "\(version)", "date": "2018-01-01", "source_id": null, "sources": [
                  {"file": "sqlite-amalgamation-\(code).zip", "url": "https://compat-matrix-test.invalid/sqlite-amalgamation-\(code).zip",
                   "sha256": "\(String(repeating: "ab", count: 32))", "layout": "amalgamation", "subdir": null, "origin": "official"},
                  {"file": "sqlite-autoconf-\(code).tar.gz", "url": "https://compat-matrix-test.invalid/sqlite-autoconf-\(code).tar.gz",
                   "sha256": "\(String(repeating: "cd", count: 32))", "layout": "autoconf", "subdir": null, "origin": "official"}]}
                """
        }
        let manifest = folder.appendingPathComponent("manifest.json")
        try """
            {"generated_from": "test", "default_set": ["3.22.0", "3.23.1"], "available_offline": [], "features": [],
             "releases": [\(release("3.22.0")), \(release("3.23.1"))]}
            """.write(to: manifest, atomically: true, encoding: .utf8)
        let fixtures = try MatrixTestSupport.fixtureRoot("smoke/one.test", "query I\nSELECT 1\n----\n1")
        defer { try? FileManager.default.removeItem(at: fixtures) }

        var options = MatrixTestSupport.options(versions: "default", modes: [.plain], fixtureRoot: fixtures)
        options.offline = false
        options.mirrors = []
        options.manifest = manifest
        options.cache = folder.appendingPathComponent("cache")
        options.junit = folder.appendingPathComponent("junit.xml")
        let report = try await MatrixRunner(options: options, logger: Logger(label: "offline")).run()

        #expect(report.exitStatus == 1)
        let notice = try #require(report.unavailable)
        #expect(notice.contains("- 3.22.0, 3.23.1: "), "\(notice)")
        #expect(notice.contains("--offline --versions available"))
        // Said once: one line for both releases, and the summary holds the notice once.
        #expect(notice.split(separator: "\n").filter { $0.hasPrefix("- ") }.count == 1, "\(notice)")
        #expect(report.summary.components(separatedBy: "### Sources not available").count == 2)
        #expect(!report.summary.contains("### First failures"), "\(report.summary)")
        // JUnit still has every case of both releases, errored, with the full reasons.
        let junit = try String(contentsOf: options.junit!, encoding: .utf8)
        #expect(junit.components(separatedBy: "<error ").count - 1 == 4)
        #expect(junit.contains("compat-matrix-test.invalid"))
    }
}
