// Writes the JUnit XML report: testsuites -> one testsuite per SQLite version x mode x build -> one testcase per case.

import Foundation

/// Limits that keep the report readable by CI tools.
let junitMessageLimit = 4 * 1024
let junitTextLimit = 1024 * 1024

/// Counts of a set of cases, as JUnit's `tests failures errors skipped time` attributes.
struct JUnitTotals {
    var tests = 0, failures = 0, errors = 0, skipped = 0
    var seconds = 0.0

    init(_ cases: [CaseResult]) {
        for result in cases { add(result.outcome, seconds: result.seconds) }
    }

    mutating func add(_ outcome: CaseOutcome, seconds: Double) {
        tests += 1
        self.seconds += seconds
        switch outcome {
        case .passed: break
        case .failed: failures += 1
        case .errored: errors += 1
        case .skipped: skipped += 1
        }
    }

    var attributes: String {
        "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(junitSeconds(seconds))\""
    }
}

public func junitXML(_ suites: [SuiteResult], timestamp: Date?) -> String {
    let stamp = timestamp.map { " timestamp=\"\(xmlAttribute(iso8601(UTC: $0)))\"" } ?? ""
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"compat-matrix\" \(JUnitTotals(suites.flatMap(\.cases)).attributes)>\n"
    for suite in suites {
        xml += "  <testsuite name=\"\(xmlAttribute(suite.name))\" \(JUnitTotals(suite.cases).attributes)\(stamp)>\n"
        for result in suite.cases { xml += testcase(result, suite: suite) }
        xml += "  </testsuite>\n"
    }
    xml += "</testsuites>\n"
    return xml
}

private func testcase(_ result: CaseResult, suite: SuiteResult) -> String {
    var attributes = "classname=\"\(xmlAttribute(suite.name + "." + result.group))\" name=\"\(xmlAttribute(result.name))\""
    if let file = result.file { attributes += " file=\"\(xmlAttribute(file))\"" }
    if let line = result.line { attributes += " line=\"\(line)\"" }
    attributes += " time=\"\(junitSeconds(result.seconds))\""
    var body = ""
    if let faults = result.faults { body += faultProperties(faults) }
    switch result.outcome {
    case .passed: break
    case .failed(let message, let details): body += outcomeElement("failure", message: message, text: details)
    case .errored(let message, let details): body += outcomeElement("error", message: message, text: details)
    case .skipped(let message): body += "      <skipped message=\"\(xmlAttribute(truncatedForReport(message, limit: junitMessageLimit)))\"/>\n"
    }
    if !result.systemOut.isEmpty {
        body += "      <system-out>\(xmlText(truncatedForReport(result.systemOut, limit: junitTextLimit)))</system-out>\n"
    }
    if body.isEmpty { return "    <testcase \(attributes)/>\n" }
    return "    <testcase \(attributes)>\n\(body)    </testcase>\n"
}

/// The fault points a fault-injection mode tried in the record, as testcase properties.
private func faultProperties(_ f: FaultTally) -> String {
    let values: [(String, String)] = [("fault_mode", f.mode), ("fault_points", "\(f.points)"), ("fault_points_tried", "\(f.tried)"),
                                      ("fault_runs", "\(f.runs)"), ("fault_runs_failed", "\(f.failed)"),
                                      ("fault_sites", "\(f.sites)"), ("fault_sites_failed", "\(f.sitesFailed)")]
    return "      <properties>\n"
        + values.map { "        <property name=\"\($0.0)\" value=\"\(xmlAttribute($0.1))\"/>\n" }.joined()
        + "      </properties>\n"
}

private func outcomeElement(_ name: String, message: String, text: String) -> String {
    let attribute = xmlAttribute(truncatedForReport(message, limit: junitMessageLimit))
    return "      <\(name) message=\"\(attribute)\">\(xmlText(truncatedForReport(text, limit: junitTextLimit)))</\(name)>\n"
}

/// "2024-05-01T12:00:00Z"
private func iso8601(UTC date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
