// The fault-injection modes' tallies: vg_driver's FAULTS line parsed (and malformed ones refused), summed
// per suite, and reported as JUnit testcase properties and the summary's "Fault injection" section.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CompatMatrix

@Suite struct FaultTallyTests {
    @Test func parsesTheDriversLine() throws {
        let tally = try #require(FaultTally(line: "FAULTS oom 120 104 190 187 31 30"))
        #expect(tally == FaultTally(mode: "oom", points: 120, tried: 104, runs: 190, failed: 187, sites: 31, sitesFailed: 30))
        #expect(FaultTally(line: "FAULTS oom 120 104 190 187 31") == nil)
        #expect(FaultTally(line: "FAULTS oom 120 104 190 187 31 -1") == nil)
        #expect(FaultTally(line: "FAULTS oom 120 104 190 x 31 30") == nil)
        #expect(FaultTally(line: "FAULT oom 120 104 190 187 31 30") == nil)
    }

    @Test func sumsAndReportsPerSuite() throws {
        let a = FaultTally(mode: "ioerr", points: 10, tried: 10, runs: 25, failed: 24, sites: 7, sitesFailed: 6)
        let b = FaultTally(mode: "ioerr", points: 5, tried: 4, runs: 9, failed: 9, sites: 3, sitesFailed: 3)
        #expect(FaultTally.sum([]) == nil)
        #expect(FaultTally.sum([a, b]) == FaultTally(mode: "ioerr", points: 15, tried: 14, runs: 34, failed: 33, sites: 10,
                                                     sitesFailed: 9))
        let suite = SuiteResult(sqliteLabel: "3.53.4", mode: .ioerr, build: .release, cases: [
            CaseResult(group: "vector", name: "vector/a.test:3", seconds: 0.5, outcome: .passed, faults: a),
            CaseResult(group: "vector", name: "vector/a.test:9", seconds: 0.5, outcome: .passed, faults: b),
            CaseResult(group: "vector", name: "vector/a.test:12", seconds: 0, outcome: .skipped(message: "gate")),
        ])
        let summary = markdownSummary([suite], title: "t")
        #expect(summary.contains("### Fault injection"))
        #expect(summary.contains("ioerr: 15 fault points, 14 tried in 34 runs (33 failed), 10 call sites, 9 of them failed"))
        #expect(!markdownSummary([SuiteResult(sqliteLabel: "3.53.4", mode: .asan, build: .release, cases: [])], title: "t")
            .contains("Fault injection"))

        let document = try XMLDocument(xmlString: junitXML([suite], timestamp: nil), options: [])
        let cases = try #require(document.rootElement()?.elements(forName: "testsuite").first?.elements(forName: "testcase"))
        func properties(_ testcase: XMLElement) -> [String: String] {
            let list = testcase.elements(forName: "properties").first?.elements(forName: "property") ?? []
            return Dictionary(uniqueKeysWithValues: list.map {
                ($0.attribute(forName: "name")?.stringValue ?? "", $0.attribute(forName: "value")?.stringValue ?? "")
            })
        }
        #expect(properties(cases[0]) == ["fault_mode": "ioerr", "fault_points": "10", "fault_points_tried": "10",
                                         "fault_runs": "25", "fault_runs_failed": "24", "fault_sites": "7",
                                         "fault_sites_failed": "6"])
        #expect(properties(cases[2]).isEmpty)
    }
}
