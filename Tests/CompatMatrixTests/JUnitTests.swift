// The JUnit writer (escaping, forbidden characters, big outputs, counts) checked by re-parsing with FoundationXML; merging.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CompatMatrix

@Suite struct JUnitTests {
    let nasty = "a & b < c > d \"q\" 'a' ]]> \u{1b}[31m \u{0}\u{FFFE} é 🚀\ttab\r\nline2"

    func suite(_ label: String = "3.40.1", mode: BuildMode = .asan, cases: [CaseResult]) -> SuiteResult {
        SuiteResult(sqliteLabel: label, mode: mode, build: .release, cases: cases)
    }

    var sample: [SuiteResult] {
        [suite(cases: [
            CaseResult(group: "vector", name: "vector/distance.test:3", file: "Fixtures/vector/distance.test", line: 3,
                       seconds: 0.0125, outcome: .passed),
            CaseResult(group: "vector", name: "vector/distance.test:7", line: 7, seconds: 1,
                       outcome: .failed(message: nasty, details: nasty), systemOut: nasty),
            CaseResult(group: "vector", name: "vector/distance.test:9", seconds: 0,
                       outcome: .errored(message: "AddressSanitizer: heap-buffer-overflow", details: "report")),
            CaseResult(group: "graph", name: "graph/a.test:1", seconds: 0, outcome: .skipped(message: "skipif sqlite < 3.38.0")),
        ]), suite("3.21.0", mode: .plain, cases: [CaseResult(group: "g", name: "g/b.test:1", seconds: 2.0005, outcome: .passed)])]
    }

    @Test func wellFormedWithTotalsAndEscapes() throws {
        let xml = junitXML(sample, timestamp: Date(timeIntervalSince1970: 0))
        #expect(wellFormed(xml))
        let document = try XMLDocument(xmlString: xml, options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "5")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
        #expect(root.attribute(forName: "time")?.stringValue == "3.013")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["sqlite-3.40.1.asan.release", "sqlite-3.21.0.plain.release"])
        #expect(suites[0].attribute(forName: "timestamp")?.stringValue == "1970-01-01T00:00:00Z")
        let cases = suites[0].elements(forName: "testcase")
        #expect(cases[0].attribute(forName: "classname")?.stringValue == "sqlite-3.40.1.asan.release.vector")
        #expect(cases[0].attribute(forName: "file")?.stringValue == "Fixtures/vector/distance.test")
        #expect(cases[0].attribute(forName: "line")?.stringValue == "3")
        #expect(cases[0].attribute(forName: "time")?.stringValue == "0.013")
        let failure = try #require(cases[1].elements(forName: "failure").first)
        let visible = "a & b < c > d \"q\" 'a' ]]> \\x1b[31m \\x00\\u{FFFE} é 🚀\ttab\r\nline2"
        #expect(failure.attribute(forName: "message")?.stringValue == visible)
        #expect(failure.stringValue == visible)
        #expect(cases[1].elements(forName: "system-out").first?.stringValue == visible)
        #expect(cases[2].elements(forName: "error").first?.attribute(forName: "message")?.stringValue
                == "AddressSanitizer: heap-buffer-overflow")
        #expect(cases[3].elements(forName: "skipped").first?.attribute(forName: "message")?.stringValue == "skipif sqlite < 3.38.0")
        #expect(!xml.contains("]]>"))
    }

    @Test func timesIgnoreLocale() {
        #expect(junitSeconds(0) == "0.000")
        #expect(junitSeconds(1.0005) == "1.001")
        #expect(junitSeconds(12.3456) == "12.346")
    }

    @Test func hugeOutputIsTruncated() throws {
        let big = String(repeating: "0123456789abcdef\n", count: 5 * 1024 * 1024 / 17)
        let xml = junitXML([suite(cases: [CaseResult(group: "g", name: "g/a.test:1", seconds: 0,
                                                     outcome: .errored(message: big, details: big), systemOut: big)])],
                           timestamp: nil)
        #expect(xml.utf8.count < 3 * 1024 * 1024)
        #expect(xml.contains("[truncated"))
        #expect(wellFormed(xml))
    }

    @Test func mergeConcatenatesAndRecounts() throws {
        let first = junitXML([sample[0]], timestamp: nil)
        let second = junitXML([sample[1]], timestamp: nil)
        let merged = try mergeJUnit([first, second])
        #expect(wellFormed(merged))
        let root = try #require(try XMLDocument(xmlString: merged, options: []).rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "name")?.stringValue == "compat-matrix")
        #expect(root.attribute(forName: "tests")?.stringValue == "5")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "errors")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
        #expect(root.elements(forName: "testsuite").count == 2)
        let failure = root.elements(forName: "testsuite")[0].elements(forName: "testcase")[1].elements(forName: "failure")[0]
        #expect(failure.stringValue?.contains("]]>") == true)

        let bare = "<testsuite name=\"x\"><testcase classname=\"c\" name=\"n\" time=\"0.5\"><skipped/></testcase></testsuite>"
        let withBare = try XMLDocument(xmlString: try mergeJUnit([first, bare]), options: []).rootElement()
        #expect(withBare?.attribute(forName: "tests")?.stringValue == "5")
        #expect(withBare?.attribute(forName: "skipped")?.stringValue == "2")
        #expect(throws: JUnitMergeError.self) { try mergeJUnit(["<testsuites>"]) }
        #expect(throws: JUnitMergeError.self) { try mergeJUnit(["<other/>"]) }
    }
}

/// Strict well-formedness: on Linux XMLParser.parse() may return true while recording an error.
private func wellFormed(_ xml: String) -> Bool {
    let parser = XMLParser(data: Data(xml.utf8))
    return parser.parse() && parser.parserError == nil
}
