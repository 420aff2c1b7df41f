// Turns one driver run into CaseResults: verdicts for completed records, errors for the record the driver
// died in (crash, timeout, sanitizer report) and for the records it never reached.

import Foundation

func caseResults(_ planned: [PlannedRecord], run: DriverRun, identity: FixtureIdentity,
                 expected: SQLiteVersion, timeout: Duration) -> [CaseResult] {
    let transcript = DriverTranscript(run.stdout)
    let stderr = DriverStderr(run.stderr)
    if let failure = wholeRunFailure(transcript, stderr, run, expected: expected, timeout: timeout) {
        return planned.map { record in
            if let skip = record.skip, !failure.includesSkipped {
                return identity.recordCase(record.record.line, .skipped(message: skip))
            }
            return identity.recordCase(record.record.line, .errored(message: failure.message, details: failure.details),
                                       systemOut: failure.systemOut)
        }
    }

    var completed: [Int: DriverTranscript.RecordRun] = [:]
    for record in transcript.records { completed[record.line] = record }
    let completedSeconds = transcript.records.reduce(0) { $0 + $1.seconds }
    let notRun: String = if let line = transcript.running {
        run.timedOut ? "not run: timed out at line \(line)" : "not run: driver died at line \(line)"
    } else if let line = transcript.records.last?.line {
        "not run: driver stopped after line \(line)"
    } else {
        "not run: driver stopped before the first record"
    }

    var cases: [CaseResult] = []
    var labels = QueryLabels()
    for record in planned {
        let line = record.record.line
        if let skip = record.skip {
            if case .query(let query) = record.record.kind { _ = labels.check(query, line: line, hash: expectedHash(query)) }
            cases.append(identity.recordCase(line, .skipped(message: skip)))
            continue
        }
        let report = trimmedReport(stderr.byRecord[line] ?? "")
        if let done = completed[line] {
            var outcome: CaseOutcome = if let headline = sanitizerHeadline(report) {
                .errored(message: headline, details: report)
            } else {
                record.verdict(done)
            }
            if case .query(let query) = record.record.kind, done.error == nil,
               let disagreement = labels.check(query, line: line, hash: resultHash(renderResult(done.rows, for: query))),
               outcome == .passed {
                outcome = .failed(message: disagreement, details: "SQL:\n\(query.sql)")
            }
            outcome = withFaultProblems(outcome, done, sql: record.scriptRecord?.sql ?? "")
            let tally = done.faults.map { $0.summary } ?? ""
            cases.append(identity.recordCase(line, outcome, seconds: done.seconds,
                                             systemOut: [tally, report].filter { !$0.isEmpty }.joined(separator: "\n"),
                                             faults: done.faults))
        } else if line == transcript.running {
            let cause = deathCause(run, transcript, report: report, timeout: timeout)
            let sql = record.scriptRecord.map { "SQL:\n\($0.sql)" } ?? ""
            cases.append(identity.recordCase(line, .errored(message: cause, details: [sql, report].joined(separator: "\n\n")),
                                             seconds: max(0, run.seconds - completedSeconds), systemOut: report))
        } else {
            cases.append(identity.recordCase(line, .errored(message: notRun, details: "")))
        }
    }
    if let epilogue = epilogueCase(planned, completed: completed, transcript, stderr, run, identity, timeout) {
        cases.append(epilogue)
    }
    return cases
}

/// A record whose fault-free result was right but whose tries under injected faults broke a check
/// (vg_driver_faults.h) fails with the first of them; every one is in the details.
private func withFaultProblems(_ outcome: CaseOutcome, _ run: DriverTranscript.RecordRun, sql: String) -> CaseOutcome {
    guard let first = run.faultProblems.first else { return outcome }
    let problems = run.faultProblems.joined(separator: "\n\n")
    switch outcome {
    case .passed:
        return .failed(message: first.split(separator: "\n").first.map(String.init) ?? first,
                       details: "SQL:\n\(sql)\n\n\(problems)")
    case .failed(let message, let details):
        return .failed(message: message, details: details + "\n\nand under injected faults:\n" + problems)
    case .errored, .skipped:
        return outcome
    }
}

private struct RunFailure {
    var message: String
    var details: String
    var systemOut = ""
    /// Whether gated records error too (the gates were evaluated against a version that is not the one running).
    var includesSkipped = false
}

/// A failure that hits every record: the driver did not start, died before the script, runs the wrong SQLite,
/// or could not load the extension.
private func wholeRunFailure(_ transcript: DriverTranscript, _ stderr: DriverStderr, _ run: DriverRun,
                             expected: SQLiteVersion, timeout: Duration) -> RunFailure? {
    let report = trimmedReport(stderr.all)
    if let error = run.launchError {
        return RunFailure(message: "driver could not start: \(error)", details: error)
    }
    guard let version = transcript.sqliteVersion else {
        let cause = deathCause(run, transcript, report: report, timeout: timeout)
        return RunFailure(message: "driver died before reporting its SQLite: \(cause)", details: report, systemOut: report)
    }
    if SQLiteVersion(version) != expected {
        return RunFailure(message: "wrong SQLite linked: the driver reports \(version), expected \(expected)",
                          details: "sqlite3_libversion(): \(version)\nsqlite3_sourceid(): \(transcript.sourceID ?? "")",
                          includesSkipped: true)
    }
    switch transcript.load {
    case nil:
        let cause = deathCause(run, transcript, report: report, timeout: timeout)
        return RunFailure(message: "driver died while loading the extension: \(cause)", details: report, systemOut: report)
    case .failed(let message):
        return RunFailure(message: "extension failed to load: \(message)", details: message, systemOut: report)
    case .ok, .notRequested:
        return nil
    }
}

/// A file-level case for trouble after every record completed: a report at exit, a bad exit status, no `DONE`.
private func epilogueCase(_ planned: [PlannedRecord], completed: [Int: DriverTranscript.RecordRun],
                          _ transcript: DriverTranscript, _ stderr: DriverStderr, _ run: DriverRun,
                          _ identity: FixtureIdentity, _ timeout: Duration) -> CaseResult? {
    guard planned.allSatisfy({ !$0.runs || completed[$0.record.line] != nil }) else { return nil }
    let outside = trimmedReport([stderr.beforeRecords, stderr.afterScript].filter { !$0.isEmpty }.joined(separator: "\n"))
    if let headline = sanitizerHeadline(outside) {
        return identity.fileCase(.errored(message: headline, details: outside), systemOut: outside)
    }
    if transcript.finished, run.status?.isSuccess == true, !run.timedOut { return nil }
    let cause = deathCause(run, transcript, report: outside, timeout: timeout)
    return identity.fileCase(.errored(message: "after the last record: \(cause)", details: outside), systemOut: outside)
}

/// Why the driver stopped, in a few words.
private func deathCause(_ run: DriverRun, _ transcript: DriverTranscript, report: String, timeout: Duration) -> String {
    if run.timedOut { return "timed out after \(formatSeconds(durationSeconds(timeout)))s" }
    if let headline = sanitizerHeadline(report) { return headline }
    if run.stdoutOverflowed { return "driver output exceeded \(driverStdoutLimit / (1024 * 1024)) MiB" }
    if let error = transcript.protocolError { return error }
    switch run.status {
    case .signaled(let signal)?:
        return "driver killed by signal \(signal)" + (signalNames[signal].map { " (\($0))" } ?? "")
    case .exited(let code)?:
        return "driver exited with status \(code)"
    case nil:
        return "driver stopped"
    }
}

private let signalNames: [Int32: String] = [
    SIGILL: "SIGILL", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
    SIGTERM: "SIGTERM",
]

private func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}

/// sqllogictest's labels: every query with the same label (`query I nosort mylabel`) must give the same
/// result, compared by the MD5 of the rendered values. As in the reference runner, a skipped query
/// with a label contributes its expected values.
struct QueryLabels {
    private var seen: [String: (hash: String, line: Int)] = [:]

    /// nil when `query` has no label or agrees with the first query of its label; else the message.
    mutating func check(_ query: FixtureQuery, line: Int, hash: String?) -> String? {
        guard let label = query.label, let hash else { return nil }
        guard let first = seen[label] else {
            seen[label] = (hash, line)
            return nil
        }
        return first.hash == hash ? nil
            : "labeled result [\(label)] does not agree with the one at line \(first.line)"
    }
}

/// The MD5 of rendered values, as a label compares them.
private func resultHash(_ values: [String]) -> String {
    String(hashLine(values).split(separator: " ").last ?? "")
}

/// The MD5 a skipped query's expected values stand for (the hash of a hash line, or of the values).
private func expectedHash(_ query: FixtureQuery) -> String? {
    if query.expected.isEmpty { return nil }
    if query.expected.count == 1, isHashLine(query.expected[0]) {
        return String(query.expected[0].split(separator: " ").last ?? "")
    }
    return resultHash(query.expected)
}
