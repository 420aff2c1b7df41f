// End to end on real SQLite releases from the provisioned mirror (make test provisions it): the
// matrix in asan mode on 3.25.2 and 3.53.4, its JUnit read back; and the sanitizer proof: an
// injected 1-byte heap overflow in vg_f32 is an errored case with the ASan report under asan,
// and passes unnoticed under plain.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Logging
import Testing
@testable import CompatMatrix

@Suite(.serialized) struct EndToEndTests {
    static let realArchives = ["supersqlite-0.0.78.tar.gz", "sqlite3_3.53.4.orig.tar.xz"]
    static let mirrorReady = MatrixTestSupport.mirrorHolds(realArchives)
    static let skipMessage: Comment = "the offline mirror \(MatrixTestSupport.mirror.path) lacks \(realArchives.joined(separator: ", ")): run sqlite-versions/provision-mirror.sh (make test does)"

    /// Fixtures/ if it has fixtures, else a small one written for the test.
    static func fixtureRoot() throws -> URL {
        let real = MatrixTestSupport.packageRoot.appendingPathComponent("Fixtures")
        if !listFixtures(root: real, glob: nil).isEmpty { return real }
        return try MatrixTestSupport.fixtureRoot("smoke/version.test", """
            query I nosort
            SELECT sqlite_version() GLOB '3.*'
            ----
            1
            """)
    }

    @Test(.enabled(if: mirrorReady, skipMessage), .timeLimit(.minutes(20)))
    func asanOnTwoRealReleases() async throws {
        var options = MatrixTestSupport.options(versions: "3.25.2,3.53.4", modes: [.asan], fixtureRoot: try Self.fixtureRoot())
        options.mirrors = [.folder(MatrixTestSupport.mirror)]
        let output = try SourceTestArchives.temporaryFolder("e2e")
        defer { try? FileManager.default.removeItem(at: output) }
        options.junit = output.appendingPathComponent("junit.xml")
        options.summary = output.appendingPathComponent("summary.md")
        let report = try await MatrixRunner(options: options, logger: Logger(label: "e2e")).run()
        #expect(report.exitStatus == 0, "\(report.summary)")

        let document = try XMLDocument(contentsOf: options.junit!, options: [])
        let suites = try document.nodes(forXPath: "//testsuite").compactMap { $0 as? XMLElement }
        #expect(Set(suites.compactMap { $0.attribute(forName: "name")?.stringValue })
            == ["sqlite-3.25.2.asan.release", "sqlite-3.25.2.asan.native",
                "sqlite-3.53.4.asan.release", "sqlite-3.53.4.asan.native"])
        for suite in suites {
            let count = { (name: String) in Int(suite.attribute(forName: name)?.stringValue ?? "") ?? -1 }
            #expect(count("tests") > 0)
            #expect(count("failures") == 0)
            #expect(count("errors") == 0)
            #expect(try suite.nodes(forXPath: "testcase").count == count("tests"))
        }
        #expect(try document.nodes(forXPath: "//failure | //error").isEmpty)
        #expect(try String(contentsOf: options.summary!, encoding: .utf8).contains("3.53.4"))
    }

    @Test(.timeLimit(.minutes(10)))
    func asanCatchesAnInjectedOverflowThatPlainMisses() async throws {
        let mirror = Self.mirrorReady
        let root = try MatrixTestSupport.fixtureRoot("fault/oob.test", """
            # With VEC_GRAPH_FAULT=oob, vg_f32 also writes one byte past a heap block of its own.
            query I nosort
            SELECT length(vg_f32('[1,2]'))
            ----
            8
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        // A real release when the mirror is there, else the system SQLite (same driver and extension path).
        var options = MatrixTestSupport.options(versions: mirror ? "3.53.4" : "system", modes: [.plain, .asan], fixtureRoot: root)
        if mirror { options.mirrors = [.folder(MatrixTestSupport.mirror)] }
        options.extensionCFlags = ["-DVG_FAULT_INJECTION"]
        options.environment = ["VEC_GRAPH_FAULT": "oob"]
        let output = try SourceTestArchives.temporaryFolder("fault")
        defer { try? FileManager.default.removeItem(at: output) }
        options.junit = output.appendingPathComponent("junit.xml")
        let report = try await MatrixRunner(options: options, logger: Logger(label: "fault")).run()

        #expect(report.exitStatus == 1)
        for suite in report.suites {
            #expect(!suite.cases.isEmpty)
            for result in suite.cases {
                switch (suite.mode, result.outcome) {
                case (.plain, .passed): break
                case (.asan, .errored(_, let details)), (.asan, .failed(_, let details)):
                    #expect((details + result.systemOut).contains("AddressSanitizer"), "\(details)")
                default: Issue.record("\(suite.name): unexpected \(result.outcome)")
                }
            }
        }
        let junit = try String(contentsOf: options.junit!, encoding: .utf8)
        #expect(junit.contains("heap-buffer-overflow"))
    }
}
