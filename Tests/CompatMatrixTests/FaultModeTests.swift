// The oom mode end to end on a real release: a planted bug (VEC_GRAPH_FAULT=nomem-as-error: vg_f32
// reports its own failed allocation as a plain error) passes unnoticed under asan and fails the
// record under oom, whose JUnit names the fault point and the wrong error; and oom's one allowance
// beside SQLITE_NOMEM (a record's own error code with SQLite's default text) is as narrow as it says.
import Foundation
import Logging
import Testing
@testable import CompatMatrix

@Suite(.serialized) struct FaultModeTests {
    @Test(.enabled(if: EndToEndTests.mirrorReady, EndToEndTests.skipMessage), .timeLimit(.minutes(10)))
    func oomCatchesAnOutOfMemoryReportedAsAnotherError() async throws {
        let root = try MatrixTestSupport.fixtureRoot("fault/nomem.test", """
            # With VEC_GRAPH_FAULT=nomem-as-error, vg_f32 reports out of memory as 'vg_f32: failed'.
            query I nosort
            SELECT length(vg_f32('[1,2]'))
            ----
            8
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        var options = MatrixTestSupport.options(versions: "3.53.4", modes: [.asan, .oom], fixtureRoot: root)
        options.mirrors = [.folder(MatrixTestSupport.mirror)]
        options.extensionCFlags = ["-DVG_FAULT_INJECTION"]
        options.environment = ["VEC_GRAPH_FAULT": "nomem-as-error"]
        let output = try SourceTestArchives.temporaryFolder("oom-proof")
        defer { try? FileManager.default.removeItem(at: output) }
        options.junit = output.appendingPathComponent("junit.xml")
        let run = try await MatrixRunner(options: options, logger: Logger(label: "oom-proof")).run()

        #expect(run.exitStatus == 1)
        let oom = try #require(run.suites.first { $0.mode == .oom && $0.build == .release })
        let record = try #require(oom.cases.first { $0.name.hasPrefix("fault/nomem.test:") }, "\(oom.cases.map(\.name))")
        guard case .failed(let message, _) = record.outcome else {
            Issue.record("oom: expected a failed case, got \(record.outcome)")
            return
        }
        #expect(message.contains("not SQLITE_NOMEM"), "\(message)")
        #expect(message.contains("oom fault point"), "\(message)")
        let tally = try #require(record.faults)
        #expect(tally.points > 0 && tally.tried > 0 && tally.failed > 0)
        for suite in run.suites where suite.mode == .asan {
            for result in suite.cases { #expect(result.outcome == .passed, "\(suite.name) \(result.name): \(result.outcome)") }
        }
        let junit = try String(contentsOf: options.junit!, encoding: .utf8)
        #expect(junit.contains("fault_points_tried"))
    }

    /// The allowance (vg_driver_faults.c, lost_message): where SQLite's copy of an error message fails
    /// (sqlite3VdbeTransferError), the record's expected error comes back with its code and exactly
    /// sqlite3_errstr(code). With VEC_GRAPH_FAULT=nomem-as-errstr, vg_f32 reports its failed allocation
    /// as SQLITE_ERROR "SQL logic error": accepted in a record that fails with SQLITE_ERROR anyway;
    /// refused in one that succeeds and in one that fails with another code (a CHECK constraint). With
    /// nomem-as-error ("vg_f32: failed", SQLITE_ERROR too) it is refused even in the first.
    @Test(.enabled(if: EndToEndTests.mirrorReady, EndToEndTests.skipMessage), .timeLimit(.minutes(10)))
    func oomAcceptsTheRecordsOwnErrorWithSQLitesDefaultTextOnly() async throws {
        let root = try MatrixTestSupport.fixtureRoot("fault/lost.test", """
            # fails anyway (the second vector is malformed) with SQLITE_ERROR
            statement error vg_f32
            SELECT vg_f32('[1,2]'), vg_f32('[1,')

            # succeeds
            query I nosort
            SELECT length(vg_f32('[1,2]'))
            ----
            8

            statement ok
            CREATE TABLE t(x CHECK (length(x) > 100))

            # fails with SQLITE_CONSTRAINT_CHECK
            statement error CHECK constraint failed
            INSERT INTO t VALUES (vg_f32('[1,2]'))
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        func run(_ fault: String) async throws -> [Int: CaseResult] {
            var options = MatrixTestSupport.options(versions: "3.53.4", modes: [.oom], fixtureRoot: root)
            options.mirrors = [.folder(MatrixTestSupport.mirror)]
            options.extensionCFlags = ["-DVG_FAULT_INJECTION"]
            options.environment = ["VEC_GRAPH_FAULT": fault]
            options.rerun = true
            let report = try await MatrixRunner(options: options, logger: Logger(label: "oom-errstr")).run()
            let suite = try #require(report.suites.first { $0.mode == .oom && $0.build == .release })
            return Dictionary(uniqueKeysWithValues: suite.cases.compactMap { c in c.line.map { ($0, c) } })
        }
        func failure(_ result: CaseResult?) -> String? {
            if case .failed(let message, _) = result?.outcome { return message }
            return nil
        }
        let errstr = try await run("nomem-as-errstr")
        #expect(errstr[2]?.outcome == .passed, "\(String(describing: errstr[2]))")
        #expect((errstr[2]?.faults?.failed ?? 0) > 0)
        #expect(failure(errstr[6])?.contains("failed with SQL logic error (1), not SQLITE_NOMEM") == true,
                "\(String(describing: errstr[6]))")
        #expect(errstr[11]?.outcome == .passed)
        #expect(failure(errstr[15])?.contains("failed with SQL logic error (1), not SQLITE_NOMEM") == true,
                "\(String(describing: errstr[15]))")
        let other = try await run("nomem-as-error")
        #expect(failure(other[2])?.contains("failed with SQL logic error (1), not SQLITE_NOMEM") == true,
                "\(String(describing: other[2]))")
        if case .failed(_, let details) = other[2]?.outcome { #expect(details.contains("vg_f32: failed"), "\(details)") }
    }

    /// --fault-points new-sites: a record tries the first point of each site no earlier record of the
    /// file failed, and its last point. Of two identical records the first tries every site; the second
    /// only what the first left (here: its last point), where `sites` tries every site again.
    @Test(.enabled(if: EndToEndTests.mirrorReady, EndToEndTests.skipMessage), .timeLimit(.minutes(10)))
    func newSitesSkipsTheSitesAnEarlierRecordFailed() async throws {
        let root = try MatrixTestSupport.fixtureRoot("fault/twice.test", """
            query I nosort
            SELECT length(vg_f32('[1,2]')) + length(vg_to_json('[3,4]'))
            ----
            13

            query I nosort
            SELECT length(vg_f32('[1,2]')) + length(vg_to_json('[3,4]'))
            ----
            13
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        func run(_ points: FaultPoints) async throws -> [FaultTally] {
            var options = MatrixTestSupport.options(versions: "3.53.4", modes: [.oom], fixtureRoot: root)
            options.mirrors = [.folder(MatrixTestSupport.mirror)]
            options.faultPointRules = [FaultPointRule(glob: "fault/*", points: points)]
            options.rerun = true
            let report = try await MatrixRunner(options: options, logger: Logger(label: "new-sites")).run()
            let suite = try #require(report.suites.first { $0.mode == .oom && $0.build == .release })
            for c in suite.cases { #expect(c.outcome == .passed, "\(c.name): \(c.outcome)") }
            return suite.cases.compactMap(\.faults)
        }
        let fresh = try await run(.newSites), every = try await run(.sites)
        try #require(fresh.count == 2 && every.count == 2)
        #expect(fresh[0].sites > 1 && fresh[0].tried >= fresh[0].sites, "\(fresh)")
        #expect(fresh[1].sites == fresh[0].sites && fresh[1].tried >= 1 && fresh[1].tried < fresh[1].sites, "\(fresh)")
        #expect(fresh[1].sitesFailed >= 1)
        #expect(every[1].tried == every[1].sites, "\(every)")
    }
}
