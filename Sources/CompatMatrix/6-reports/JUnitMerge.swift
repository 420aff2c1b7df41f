// Merges JUnit documents (shards of the matrix) into one: all testsuites under one testsuites, totals recomputed.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

public struct JUnitMergeError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Each document's root is `testsuites` (its `testsuite` children are taken) or a single `testsuite`.
public func mergeJUnit(_ documents: [String]) throws -> String {
    var suites: [XMLElement] = []
    for (index, text) in documents.enumerated() {
        // On Linux XMLDocument recovers from errors and XMLParser.parse() can return true while setting
        // parserError: well-formed means parse() succeeded and no error was recorded.
        let parser = XMLParser(data: Data(text.utf8))
        guard parser.parse(), parser.parserError == nil, let document = try? XMLDocument(xmlString: text, options: []) else {
            let reason = parser.parserError.map { ": \($0.localizedDescription)" } ?? ""
            throw JUnitMergeError(description: "JUnit document \(index + 1) is not well-formed XML\(reason)")
        }
        switch document.rootElement()?.name {
        case "testsuites": suites += document.rootElement()!.elements(forName: "testsuite")
        case "testsuite": suites.append(document.rootElement()!)
        default: throw JUnitMergeError(description: "JUnit document \(index + 1) has no testsuites or testsuite root")
        }
    }
    let root = XMLElement(name: "testsuites")
    var total = SuiteCounts()
    for suite in suites {
        let counts = SuiteCounts(suite)
        counts.write(to: suite)
        total.add(counts)
        suite.detach()
        root.addChild(suite)
    }
    root.addAttribute(XMLNode.attribute(withName: "name", stringValue: "compat-matrix") as! XMLNode)
    total.write(to: root)
    let merged = XMLDocument(rootElement: root)
    merged.version = "1.0"
    merged.characterEncoding = "UTF-8"
    return merged.xmlString(options: [.nodePrettyPrint]) + "\n"
}

/// Totals of a testsuite element, counted from its testcase children.
private struct SuiteCounts {
    var tests = 0, failures = 0, errors = 0, skipped = 0
    var seconds = 0.0

    init() {}

    init(_ suite: XMLElement) {
        var caseSeconds = 0.0
        for testcase in suite.elements(forName: "testcase") {
            tests += 1
            caseSeconds += Double(testcase.attribute(forName: "time")?.stringValue ?? "") ?? 0
            if !testcase.elements(forName: "failure").isEmpty { failures += 1 }
            else if !testcase.elements(forName: "error").isEmpty { errors += 1 }
            else if !testcase.elements(forName: "skipped").isEmpty { skipped += 1 }
        }
        seconds = Double(suite.attribute(forName: "time")?.stringValue ?? "") ?? caseSeconds
    }

    mutating func add(_ other: SuiteCounts) {
        tests += other.tests
        failures += other.failures
        errors += other.errors
        skipped += other.skipped
        seconds += other.seconds
    }

    func write(to element: XMLElement) {
        for (name, value) in [("tests", String(tests)), ("failures", String(failures)), ("errors", String(errors)),
                              ("skipped", String(skipped)), ("time", junitSeconds(seconds))] {
            element.removeAttribute(forName: name)
            element.addAttribute(XMLNode.attribute(withName: name, stringValue: value) as! XMLNode)
        }
    }
}
