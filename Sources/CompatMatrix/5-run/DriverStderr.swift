// Splits vg_driver's stderr at its per-record markers, and finds sanitizer reports in it.

/// The driver's stderr, cut where the driver announced each record.
struct DriverStderr: Sendable, Equatable {
    /// Output before the first record (opening the database, loading the extension).
    var beforeRecords = ""
    /// Output while each record ran, by record line.
    var byRecord: [Int: String] = [:]
    /// Output after the last record (for example LeakSanitizer's report at exit).
    var afterScript = ""

    init(_ bytes: [UInt8]) {
        var current: Int?
        var ended = false
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(recordMarker), let n = Int(line.dropFirst(recordMarker.count)) {
                current = n
            } else if line == endMarker {
                ended = true
            } else if ended {
                afterScript += line + "\n"
            } else if let n = current {
                byRecord[n, default: ""] += line + "\n"
            } else {
                beforeRecords += line + "\n"
            }
        }
        beforeRecords = beforeRecords.trimmingTrailingNewlines()
        afterScript = afterScript.trimmingTrailingNewlines()
        byRecord = byRecord.mapValues { $0.trimmingTrailingNewlines() }
    }

    /// Everything except the markers, for reports that cannot be pinned to one record.
    var all: String {
        ([beforeRecords] + byRecord.keys.sorted().compactMap { byRecord[$0] } + [afterScript])
            .filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

private let recordMarker = "vg_driver: record "
private let endMarker = "vg_driver: end of script"

/// Markers of the sanitizer reports the harness treats as errors.
private let sanitizerMarkers = [
    "ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer", "WARNING: MemorySanitizer",
]

/// The first line of `text` that starts a sanitizer report, without the `==pid==` prefix; nil if there is none.
func sanitizerHeadline(_ text: String) -> String? {
    for line in text.split(separator: "\n") where sanitizerMarkers.contains(where: { line.contains($0) }) {
        var headline = line[...]
        if headline.hasPrefix("=="), let end = headline.dropFirst(2).firstRange(of: "==") {
            headline = headline[end.upperBound...]
        }
        return String(headline.prefix(300))
    }
    return nil
}

/// Keeps the head of a report up to `limit` UTF-8 bytes, noting how much was cut.
func trimmedReport(_ text: String, limit: Int = 64 * 1024) -> String {
    let utf8 = text.utf8
    guard utf8.count > limit else { return text }
    let head = String(decoding: utf8.prefix(limit), as: UTF8.self)
    return head + "\n... [truncated \(utf8.count - limit) bytes]"
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var s = self[...]
        while s.last == "\n" { s = s.dropLast() }
        return String(s)
    }
}
