// The Markdown summary for $GITHUB_STEP_SUMMARY: a versions x (mode, build) table of counts, the
// releases whose sources could not be had (once), then the first failure of every other failing suite.

import Foundation

public func markdownSummary(_ suites: [SuiteResult], title: String, unavailable: [UnavailableSources] = [],
                            notes: [String] = []) -> String {
    var out = "## \(title)\n\n"
    let all = suites.flatMap(\.cases)
    out += "\(cellText(all)) in \(suites.count) suites.\n\n"
    if let notice = unavailableNotice(unavailable) { out += "### Sources not available\n\n\(notice)\n\n" }
    guard !suites.isEmpty else { return out }
    let missing = Set(unavailable.map(\.version.description))

    let columns = BuildMode.allCases.flatMap { mode in ExtensionBuild.allCases.map { (mode, $0) } }
        .filter { column in suites.contains { $0.mode == column.0 && $0.build == column.1 } }
    let rows = orderedLabels(suites)
    out += "| SQLite | " + columns.map { "\($0.0.rawValue) · \($0.1.rawValue)" }.joined(separator: " | ") + " |\n"
    out += "|---|" + String(repeating: "---|", count: columns.count) + "\n"
    for label in rows {
        let cells = columns.map { column -> String in
            let matching = suites.filter { $0.sqliteLabel == label && $0.mode == column.0 && $0.build == column.1 }
            return matching.isEmpty ? "—" : cellText(matching.flatMap(\.cases))
        }
        out += "| \(tableEscape(label)) | " + cells.joined(separator: " | ") + " |\n"
    }
    for note in notes { out += "\n\(note)\n" }
    out += faultSection(suites)

    let failing = suites.filter { !missing.contains($0.sqliteLabel) }
        .compactMap { suite in suite.cases.first(where: isProblem).map { (suite, $0) } }
    guard !failing.isEmpty else { return out }
    out += "\n### First failures\n"
    for (suite, result) in failing {
        let (kind, message, details) = problemParts(result.outcome)
        out += "\n**\(markdownEscape(suite.name))** — `\(codeSpan(result.name))` \(kind): \(markdownEscape(oneLine(message)))\n"
        let excerpt = excerptLines(details.isEmpty ? result.systemOut : details)
        if !excerpt.isEmpty {
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(excerpt) + 1))
            out += "\n\(fence)\n\(excerpt)\n\(fence)\n"
        }
    }
    return out
}

/// "✅ 12 passed, 1 skipped" or "❌ 1 failed, 2 errors, 9 passed".
private func cellText(_ cases: [CaseResult]) -> String {
    var passed = 0, failed = 0, errors = 0, skipped = 0
    for result in cases {
        switch result.outcome {
        case .passed: passed += 1
        case .failed: failed += 1
        case .errored: errors += 1
        case .skipped: skipped += 1
        }
    }
    var parts: [String] = []
    if failed > 0 { parts.append("\(failed) failed") }
    if errors > 0 { parts.append("\(errors) \(errors == 1 ? "error" : "errors")") }
    parts.append("\(passed) passed")
    if skipped > 0 { parts.append("\(skipped) skipped") }
    return (failed + errors > 0 ? "❌ " : "✅ ") + parts.joined(separator: ", ")
}

private func isProblem(_ result: CaseResult) -> Bool {
    switch result.outcome {
    case .failed, .errored: true
    case .passed, .skipped: false
    }
}

private func problemParts(_ outcome: CaseOutcome) -> (kind: String, message: String, details: String) {
    switch outcome {
    case .failed(let message, let details): ("failed", message, details)
    case .errored(let message, let details): ("errored", message, details)
    case .passed, .skipped: ("", "", "")
    }
}

/// Suite labels in version order (labels such as "system-3.40.1" are ordered by their version part).
private func orderedLabels(_ suites: [SuiteResult]) -> [String] {
    var labels: [String] = []
    for suite in suites where !labels.contains(suite.sqliteLabel) { labels.append(suite.sqliteLabel) }
    func version(_ label: String) -> SQLiteVersion? {
        SQLiteVersion(String(label.split(separator: "-").last ?? ""))
    }
    return labels.enumerated().sorted { a, b in
        switch (version(a.element), version(b.element)) {
        case let (x?, y?) where x != y: x < y
        default: a.offset < b.offset
        }
    }.map(\.element)
}

private let excerptLineLimit = 15
private let excerptWidth = 300

private func excerptLines(_ text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var shown = lines.prefix(excerptLineLimit).map { $0.count > excerptWidth ? $0.prefix(excerptWidth) + "…" : $0 }
    if lines.count > excerptLineLimit { shown.append("… (\(lines.count - excerptLineLimit) more lines)") }
    return shown.joined(separator: "\n").trimmingCharacters(in: CharacterSet(charactersIn: "\n"))
}

private func oneLine(_ text: String) -> String {
    let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
    return line.count > excerptWidth ? String(line.prefix(excerptWidth)) + "…" : line
}

private func tableEscape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

private func markdownEscape(_ text: String) -> String {
    var out = ""
    for c in text {
        if "\\`*_[]<>|#".contains(c) { out.append("\\") }
        out.append(c)
    }
    return out
}

private func codeSpan(_ text: String) -> String { text.replacingOccurrences(of: "`", with: "'") }

private func longestBacktickRun(_ text: String) -> Int {
    var longest = 0, run = 0
    for c in text {
        run = c == "`" ? run + 1 : 0
        longest = max(longest, run)
    }
    return longest
}

/// For the suites of the oom and ioerr modes: the fault points tried, summed over their records.
private func faultSection(_ suites: [SuiteResult]) -> String {
    let lines = suites.compactMap { suite -> String? in
        guard let total = FaultTally.sum(suite.cases.compactMap(\.faults)) else { return nil }
        return "- **\(markdownEscape(suite.name))** — \(total.summary)"
    }
    return lines.isEmpty ? "" : "\n### Fault injection\n\n" + lines.joined(separator: "\n") + "\n"
}
