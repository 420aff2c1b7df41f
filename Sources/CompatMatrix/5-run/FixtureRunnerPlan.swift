// Decides, for the version under test, which statement/query records run, which skip (and why), and the hash threshold of each.

struct PlannedRecord: Sendable, Equatable {
    var record: FixtureRecord
    /// The skip message, or nil when the record runs.
    var skip: String?
    /// The `hash-threshold` in force for this record.
    var hashThreshold: Int

    var runs: Bool { skip == nil }
}

/// The statement and query records of `fixture` up to an active `halt`, with gates evaluated against `running`.
func planFixture(_ fixture: Fixture, running: SQLiteVersion) -> [PlannedRecord] {
    let fileSkip = skipReason(fixture.requirements, running: running)
    var planned: [PlannedRecord] = []
    var hashThreshold = 0
    for record in fixture.records {
        let skip = fileSkip ?? skipReason(record.conditions, running: running)
        switch record.kind {
        case .hashThreshold(let n):
            if skip == nil { hashThreshold = n }
        case .halt:
            if skip == nil { return planned }
        case .statement, .query:
            planned.append(PlannedRecord(record: record, skip: skip, hashThreshold: hashThreshold))
        }
    }
    return planned
}

extension PlannedRecord {
    /// The record as the driver script carries it.
    var scriptRecord: DriverScriptRecord? {
        switch record.kind {
        case .statement(let statement): DriverScriptRecord(line: record.line, isQuery: false, sql: statement.sql)
        case .query(let query): DriverScriptRecord(line: record.line, isQuery: true, sql: query.sql)
        case .hashThreshold, .halt: nil
        }
    }

    /// Judges what the driver reported for this record.
    func verdict(_ run: DriverTranscript.RecordRun) -> CaseOutcome {
        switch record.kind {
        case .statement(let statement):
            return compareStatement(statement, error: run.error)
        case .query(let query):
            if let error = run.error {
                return .failed(message: "query failed: \(error)", details: "SQL:\n\(query.sql)\n\nerror: \(error)")
            }
            return compareQuery(query, rows: run.rows, hashThreshold: hashThreshold)
        case .hashThreshold, .halt:
            return .passed
        }
    }
}
