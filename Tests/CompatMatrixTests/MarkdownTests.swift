// The Markdown summary: the versions x (mode, build) table and the first-failures section.
import Testing
@testable import CompatMatrix

@Suite struct MarkdownTests {
    @Test func tableAndFirstFailures() {
        let pass = CaseResult(group: "v", name: "v/a.test:1", seconds: 0, outcome: .passed)
        let skip = CaseResult(group: "v", name: "v/a.test:5", seconds: 0, outcome: .skipped(message: "gate"))
        let fail = CaseResult(group: "v", name: "v/a.test:9", seconds: 0,
                              outcome: .failed(message: "result mismatch at line 12", details: "SQL:\nSELECT ```x```\n"))
        let suites = [
            SuiteResult(sqliteLabel: "3.40.1", mode: .plain, build: .release, cases: [pass, skip]),
            SuiteResult(sqliteLabel: "3.9.0", mode: .plain, build: .release, cases: [pass]),
            SuiteResult(sqliteLabel: "3.40.1", mode: .asan, build: .release, cases: [pass, fail]),
        ]
        let md = markdownSummary(suites, title: "Compat matrix")
        #expect(md.hasPrefix("## Compat matrix\n"))
        #expect(md.contains("| SQLite | plain · release | asan · release |\n|---|---|---|\n"))
        #expect(md.contains("| 3.9.0 | ✅ 1 passed | — |\n| 3.40.1 | ✅ 1 passed, 1 skipped | ❌ 1 failed, 1 passed |"))
        #expect(md.contains("### First failures"))
        #expect(md.contains("**sqlite-3.40.1.asan.release** — `v/a.test:9` failed: result mismatch at line 12"))
        #expect(md.contains("````\nSQL:\nSELECT ```x```\n````"))
    }
}
