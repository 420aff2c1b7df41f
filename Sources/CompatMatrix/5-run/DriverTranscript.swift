// Parses vg_driver's stdout (see the protocol at the top of vg_driver.c) into what each record produced.

/// What the driver printed, as far as it got.
struct DriverTranscript: Sendable, Equatable {
    enum Load: Sendable, Equatable {
        case ok, notRequested
        case failed(String)
    }

    struct RecordRun: Sendable, Equatable {
        var line: Int
        var rows: [[SQLValue]]
        /// The error message, or nil when every statement succeeded.
        var error: String?
        var seconds: Double
        /// The fault-injection modes: what was tried (the FAULTS line), and the checks that failed.
        var faults: FaultTally? = nil
        var faultProblems: [String] = []
    }

    /// `sqlite3_libversion()` and `sqlite3_sourceid()` of the linked SQLite.
    var sqliteVersion: String?
    var sourceID: String?
    var load: Load?
    /// Records that completed, in order.
    var records: [RecordRun] = []
    /// The line of a record that began but never completed.
    var running: Int?
    /// Whether the driver reached the end of the script (`DONE`).
    var finished = false
    /// Set when the output does not follow the protocol (rather than merely stopping early).
    var protocolError: String?

    init(_ bytes: [UInt8]) {
        var reader = TranscriptReader(bytes: bytes)
        do {
            try read(&reader)
        } catch TranscriptReader.Stop.truncated {
            return
        } catch {
            protocolError = "unexpected driver output at byte \(reader.offset)"
        }
    }

    private mutating func read(_ reader: inout TranscriptReader) throws(TranscriptReader.Stop) {
        let header = try reader.line().split(separator: " ", maxSplits: 2)
        guard header.count >= 2, header[0] == "SQLITE" else { throw .malformed }
        sqliteVersion = String(header[1])
        sourceID = header.count > 2 ? String(header[2]) : ""
        let loadLine = try reader.line()
        switch loadLine {
        case "LOAD OK": load = .ok
        case "LOAD NONE": load = .notRequested
        case _ where loadLine.hasPrefix("LOAD ERR "):
            let message = try reader.framed(count: loadLine.dropFirst("LOAD ERR ".count))
            load = .failed(String(decoding: message, as: UTF8.self))
        default: throw .malformed
        }
        while true {
            let line = try reader.line()
            if line == "DONE" { finished = true; return }
            guard line.hasPrefix("BEGIN "), let recordLine = Int(line.dropFirst("BEGIN ".count)) else { throw .malformed }
            running = recordLine
            records.append(try readRecord(&reader, line: recordLine))
            running = nil
        }
    }

    private func readRecord(_ reader: inout TranscriptReader, line: Int) throws(TranscriptReader.Stop) -> RecordRun {
        var rows: [[SQLValue]] = []
        var faults: FaultTally?
        var problems: [String] = []
        while true {
            let text = try reader.line()
            let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            switch words.first {
            case "FAULTS":
                guard let tally = FaultTally(line: text) else { throw .malformed }
                faults = tally
            case "FAULT":
                guard words.count == 2 else { throw .malformed }
                problems.append(String(decoding: try reader.framed(count: words[1]), as: UTF8.self))
            case "ROW":
                guard words.count == 2, let n = Int(words[1]), n >= 0 else { throw .malformed }
                var row: [SQLValue] = []
                for _ in 0..<n { row.append(try reader.value()) }
                rows.append(row)
            case "OK":
                guard words.count == 2, let usec = Double(words[1]) else { throw .malformed }
                return RecordRun(line: line, rows: rows, error: nil, seconds: usec / 1e6, faults: faults,
                                 faultProblems: problems)
            case "ERR":
                guard words.count == 3, let usec = Double(words[1]) else { throw .malformed }
                let message = String(decoding: try reader.framed(count: words[2]), as: UTF8.self)
                return RecordRun(line: line, rows: rows, error: message, seconds: usec / 1e6, faults: faults,
                                 faultProblems: problems)
            default:
                throw .malformed
            }
        }
    }
}

/// A cursor over the driver's bytes.
private struct TranscriptReader {
    enum Stop: Error { case truncated, malformed }

    let bytes: [UInt8]
    var offset = 0

    /// The next line without its "\n"; `.truncated` if the output stops before the newline.
    mutating func line() throws(Stop) -> String {
        guard let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { throw .truncated }
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    /// `count` bytes followed by "\n", where `count` is the decimal text given.
    mutating func framed(count text: Substring) throws(Stop) -> [UInt8] {
        guard let n = Int(text), n >= 0 else { throw .malformed }
        guard bytes.count - offset >= n + 1 else { throw .truncated }
        guard bytes[offset + n] == UInt8(ascii: "\n") else { throw .malformed }
        defer { offset += n + 1 }
        return Array(bytes[offset..<offset + n])
    }

    mutating func value() throws(Stop) -> SQLValue {
        let text = try line()
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        switch (words.first, words.count) {
        case ("n", 1):
            return .null
        case ("i", 2):
            guard let v = Int64(words[1]) else { throw .malformed }
            return .integer(v)
        case ("r", 3):
            guard let v = Double(words[1]) else { throw .malformed }
            return .real(v, text: String(decoding: try framed(count: words[2]), as: UTF8.self))
        case ("t", 2):
            return .text(try framed(count: words[1]))
        case ("b", 2):
            return .blob(try framed(count: words[1]))
        default:
            throw .malformed
        }
    }
}
