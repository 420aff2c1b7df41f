// Version gates: every operator at and around its bound, other engines, and the plan built from them.
import Testing
@testable import CompatMatrix

@Suite struct GateTests {
    let bound = SQLiteVersion(3, 38, 0)

    @Test(arguments: [
        (GateOperator.greaterOrEqual, [false, true, true]),
        (.greater, [false, false, true]),
        (.lessOrEqual, [true, true, false]),
        (.less, [true, false, false]),
        (.equal, [false, true, false]),
        (.notEqual, [true, false, true]),
    ])
    func operatorsAtBoundaries(op: GateOperator, expected: [Bool]) {
        let running = [SQLiteVersion(3, 37, 2), SQLiteVersion(3, 38, 0), SQLiteVersion(3, 38, 1)]
        #expect(running.map { VersionGate(op, bound).holds(for: $0) } == expected)
    }

    @Test func conditionsSkipOrRun() {
        let v = SQLiteVersion(3, 34, 1)
        #expect(skipReason([RecordCondition(kind: .skipif, engine: "sqlite", gate: VersionGate(.less, bound))], running: v)
                == "skipif sqlite < 3.38.0 (running 3.34.1)")
        #expect(skipReason([RecordCondition(kind: .onlyif, engine: "sqlite", gate: VersionGate(.greaterOrEqual, bound))],
                           running: v) == "onlyif sqlite >= 3.38.0 (running 3.34.1)")
        #expect(skipReason([RecordCondition(kind: .onlyif, engine: "sqlite")], running: v) == nil)
        #expect(skipReason([RecordCondition(kind: .skipif, engine: "sqlite")], running: v) != nil)
        #expect(skipReason([RecordCondition(kind: .skipif, engine: "postgresql")], running: v) == nil)
        #expect(skipReason([RecordCondition(kind: .onlyif, engine: "mysql")], running: v) == "onlyif mysql (running 3.34.1)")
        #expect(skipReason([FileRequirement(gate: VersionGate(.greaterOrEqual, bound), line: 1)], running: v)
                == "require sqlite >= 3.38.0 (running 3.34.1)")
    }

    @Test func planAppliesHaltHashThresholdAndFileGate() throws {
        let fixture = try parseFixture("""
            hash-threshold 4

            onlyif sqlite < 3.30.0
            hash-threshold 1

            statement ok
            SELECT 1

            onlyif mysql
            halt

            skipif sqlite >= 3.0.0
            statement ok
            SELECT 2

            halt

            statement ok
            SELECT 3
            """, name: "a.test")
        let planned = planFixture(fixture, running: SQLiteVersion(3, 40, 1))
        #expect(planned.map(\.record.line) == [6, 12])
        #expect(planned.map(\.hashThreshold) == [4, 4])
        #expect(planned.map(\.runs) == [true, false])

        let gated = try parseFixture("require sqlite >= 3.44.0\n\nstatement ok\nSELECT 1", name: "a.test")
        #expect(planFixture(gated, running: SQLiteVersion(3, 40, 1)).map(\.skip)
                == ["require sqlite >= 3.44.0 (running 3.40.1)"])
    }

    @Test func globs() {
        #expect(globMatches("**/*.test", "vector/distance.test"))
        #expect(globMatches("**/*.test", "top.test"))
        #expect(globMatches("vector/*.test", "vector/distance.test"))
        #expect(!globMatches("vector/*.test", "vector/deep/distance.test"))
        #expect(globMatches("vector/**", "vector/deep/distance.test"))
        #expect(globMatches("*/dist?nce.test", "vector/distance.test"))
        #expect(!globMatches("?", "/"))
        #expect(!globMatches("graph/*", "vector/distance.test"))
    }
}
