// Parser edge cases: multi-line SQL, comments, missing ----, statement error regex, hash-threshold, digits=, halt,
// gates, and errors that name file:line.
import Testing
@testable import CompatMatrix

@Suite struct FixtureParserTests {
    func parse(_ text: String) throws -> Fixture { try parseFixture(text, name: "t/a.test") }

    func parseError(_ text: String) -> FixtureParseError? {
        do { _ = try parseFixture(text, name: "t/a.test"); return nil } catch { return error }
    }

    @Test func recordsWithLinesAndMultiLineSQL() throws {
        let fixture = try parse("""
            # a comment
            statement ok
            CREATE TABLE t(a INTEGER,
                           b TEXT)

            # another
            query IT rowsort
            SELECT a,
              b FROM t
            ----
            1
            x
            2
            y
            """)
        #expect(fixture.records.count == 2)
        #expect(fixture.records[0] == FixtureRecord(line: 2, kind: .statement(FixtureStatement(
            expectation: .ok, sql: "CREATE TABLE t(a INTEGER,\n               b TEXT)"))))
        guard case .query(let query) = fixture.records[1].kind else { Issue.record("not a query"); return }
        #expect(fixture.records[1].line == 7)
        #expect(query.types == [.integer, .text])
        #expect(query.sort == .rowsort)
        #expect(query.sql == "SELECT a,\n  b FROM t")
        #expect(query.expected == ["1", "x", "2", "y"])
        #expect(query.expectedLine == 11)
    }

    @Test func queryWithoutDashesExpectsNothing() throws {
        let fixture = try parse("query I\nSELECT 1 WHERE 0\n\nstatement ok\nSELECT 1")
        guard case .query(let query) = fixture.records[0].kind else { Issue.record("not a query"); return }
        #expect(query.expected.isEmpty)
        #expect(fixture.records.count == 2)
    }

    @Test func trailingRecordWithoutNewlineAndCRLF() throws {
        let fixture = try parse("statement ok\r\nSELECT 1\r\n\r\nquery T\r\nSELECT 'a'\r\n----\r\na")
        guard case .query(let query) = fixture.records[1].kind else { Issue.record("not a query"); return }
        #expect(query.expected == ["a"])
        #expect(fixture.records[0].kind == .statement(FixtureStatement(expectation: .ok, sql: "SELECT 1")))
    }

    @Test func statementErrorWithAndWithoutRegex() throws {
        let fixture = try parse("statement error\nSELECT x\n\nstatement error vg_distance_l2: dimension mismatch\nSELECT 1")
        #expect(fixture.records[0].kind == .statement(FixtureStatement(expectation: .error(pattern: nil), sql: "SELECT x")))
        #expect(fixture.records[1].kind == .statement(FixtureStatement(
            expectation: .error(pattern: "vg_distance_l2: dimension mismatch"), sql: "SELECT 1")))
    }

    @Test func hashThresholdHaltAndDigits() throws {
        let fixture = try parse("hash-threshold 8\n\nquery R nosort digits=6 lbl\nSELECT 1.5\n----\n1.500000\n\nhalt\n\nstatement ok\nSELECT 1")
        #expect(fixture.records[0].kind == .hashThreshold(8))
        guard case .query(let query) = fixture.records[1].kind else { Issue.record("not a query"); return }
        #expect(query.digits == 6)
        #expect(query.label == "lbl")
        #expect(fixture.records[2].kind == .halt)
        #expect(fixture.records.count == 4)
    }

    @Test func gatesFileLevelAndRecordLevel() throws {
        let fixture = try parse("""
            require sqlite >= 3.38.0
            require sqlite != 3.40.0

            onlyif sqlite >= 3.44.0
            skipif mysql
            statement ok
            SELECT 1
            """)
        #expect(fixture.requirements == [
            FileRequirement(gate: VersionGate(.greaterOrEqual, SQLiteVersion(3, 38, 0)), line: 1),
            FileRequirement(gate: VersionGate(.notEqual, SQLiteVersion(3, 40, 0)), line: 2),
        ])
        #expect(fixture.records[0].line == 4)
        #expect(fixture.records[0].conditions == [
            RecordCondition(kind: .onlyif, engine: "sqlite", gate: VersionGate(.greaterOrEqual, SQLiteVersion(3, 44, 0))),
            RecordCondition(kind: .skipif, engine: "mysql"),
        ])
    }

    @Test func errorsNameFileAndLine() {
        #expect(parseError("statement ok\nSELECT 1\n\nfrobnicate\n")
                == FixtureParseError(file: "t/a.test", line: 4, message: "unknown record kind `frobnicate`"))
        #expect(parseError("\n\nquery\nSELECT 1")?.line == 3)
        #expect(parseError("query IX\nSELECT 1")?.message.contains("bad column types") == true)
        #expect(parseError("require sqlite >= 3.x\n")?.line == 1)
        #expect(parseError("require sqlite => 3.38.0\n")?.message.contains("bad gate") == true)
        #expect(parseError("require duckdb_extension\n") != nil)
        #expect(parseError("statement ok\nSELECT 1\n\nrequire sqlite >= 3.38.0\n")?.line == 4)
        #expect(parseError("\nonlyif sqlite >> 3.38.0\nstatement ok\nSELECT 1")?.line == 2)
        #expect(parseError("skipif sqlite\n\nstatement ok\nSELECT 1")?.message.contains("not followed by a record") == true)
        #expect(parseError("statement ok\n\n")?.message == "statement without SQL")
        #expect(parseError("statement error (unclosed\nSELECT 1")?.message.contains("invalid regular expression") == true)
        #expect(parseError("query I digits=18\nSELECT 1")?.message.contains("digits") == true)
        #expect(parseError("statement okay\nSELECT 1")?.description == "t/a.test:1: expected `statement ok` or `statement error [regex]`")
    }

    /// What SQLite's reference runner (sqllogictest.c) accepts is accepted: text after the engine name,
    /// the engine in any case, words after `statement ok` and `halt`, `----` inside a statement's SQL,
    /// `hash-threshold` read with atoi, and `#` comment lines among the expected values.
    @Test func acceptsWhatTheReferenceRunnerAccepts() throws {
        let fixture = try parse("""
            onlyif sqlite # a comment
            skipif SQLite some words
            statement ok with words after it
            SELECT 1
            ----
            2

            hash-threshold 12abc

            hash-threshold none

            query I nosort
            SELECT 1
            ----
            # not a value
            1

            skipif sqlite < 3.38.0 # a gate with a comment
            halt and stop
            """)
        #expect(fixture.records[0].conditions == [RecordCondition(kind: .onlyif, engine: "sqlite"),
                                                  RecordCondition(kind: .skipif, engine: "SQLite")])
        #expect(fixture.records[0].kind == .statement(FixtureStatement(expectation: .ok, sql: "SELECT 1\n----\n2")))
        #expect(fixture.records[1].kind == .hashThreshold(12))
        #expect(fixture.records[2].kind == .hashThreshold(0))
        guard case .query(let query) = fixture.records[3].kind else { Issue.record("not a query"); return }
        #expect(query.expected == ["1"])
        #expect(fixture.records[4].conditions == [RecordCondition(kind: .skipif, engine: "sqlite",
                                                                  gate: VersionGate(.less, SQLiteVersion(3, 38, 0)))])
        #expect(fixture.records[4].kind == .halt)
        // SQLite in any case is the engine under test; a gate after it must be well formed.
        #expect(RecordCondition(kind: .skipif, engine: "SQLite").skips(SQLiteVersion(3, 40, 0)))
        #expect(parseError("skipif sqlite => 3.38.0\nstatement ok\nSELECT 1")?.line == 1)
        #expect(parseError("skipif sqlite < 3.38.0 junk\nstatement ok\nSELECT 1")?.line == 1)
    }

    /// Only a `#` in the first column starts a comment, as in the reference runner.
    @Test func indentedHashIsSQL() throws {
        let fixture = try parse("statement ok\nSELECT 1\n  # part of the SQL")
        #expect(fixture.records[0].kind == .statement(FixtureStatement(expectation: .ok, sql: "SELECT 1\n  # part of the SQL")))
    }
}
