// The oom mode end to end on a real release: a planted bug (VEC_GRAPH_FAULT=nomem-as-error: vg_f32
// reports its own failed allocation as a plain error) passes unnoticed under asan and fails the
// record under oom, whose JUnit names the fault point and the wrong error.
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
}
