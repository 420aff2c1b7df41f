// Releases whose sources could not be had: said once, in the Markdown summary and on the terminal,
// grouped by reason, with the offline way to run. (JUnit still has every case of those releases, errored.)
import Foundation

public struct UnavailableSources: Sendable {
    public var version: SQLiteVersion
    public var error: SourceError

    /// The distinct last reasons of each attempt ("A server with the specified hostname could not be
    /// found"), without the URL each attempt names.
    var reasons: [String] {
        var seen: [String] = []
        for line in error.description.split(separator: "\n") where line.hasPrefix("  - ") {
            var reason = line.dropFirst(4)
            // "<url or path>: " prefixes (each attempt names where it read), then the retry count.
            while let range = reason.range(of: ": "), reason[..<range.lowerBound].contains("://") || reason.hasPrefix("/") {
                reason = reason[range.upperBound...]
            }
            if let range = reason.range(of: "attempt(s): ") { reason = reason[range.upperBound...] }
            if !seen.contains(String(reason)) { seen.append(String(reason)) }
        }
        return seen.isEmpty ? [error.description] : seen
    }
}

/// The offline way to run, as the notice gives it.
let offlineAdvice = "Without network access, run the releases this machine has: `make matrix`, or "
    + "`compat-matrix run --offline --versions available` (`compat-matrix list` shows them)."

/// The notice, one line per group of releases that failed for the same reasons; nil if none failed.
func unavailableNotice(_ unavailable: [UnavailableSources]) -> String? {
    guard !unavailable.isEmpty else { return nil }
    var groups: [(reasons: [String], versions: [SQLiteVersion])] = []
    for item in unavailable {
        if let index = groups.firstIndex(where: { $0.reasons == item.reasons }) { groups[index].versions.append(item.version) }
        else { groups.append((item.reasons, [item.version])) }
    }
    var lines = ["Sources could not be had for \(unavailable.count) release(s); their cases are errored in the JUnit report:"]
    for group in groups {
        lines.append("- \(group.versions.map(\.description).joined(separator: ", ")): "
                     + group.reasons.joined(separator: "; "))
    }
    lines.append(offlineAdvice)
    return lines.joined(separator: "\n")
}
