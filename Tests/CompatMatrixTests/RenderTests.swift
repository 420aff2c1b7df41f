// Rendering like sqllogictest's C runner, sorting, hashing, and comparison messages.
import Testing
@testable import CompatMatrix

@Suite struct RenderTests {
    func text(_ s: String) -> SQLValue { .text(Array(s.utf8)) }

    @Test func nullEmptyAndControlCharacters() {
        for type in [ColumnType.text, .integer, .real] { #expect(renderValue(.null, as: type) == "NULL") }
        #expect(renderValue(text(""), as: .text) == "(empty)")
        #expect(renderValue(.blob([]), as: .text) == "(empty)")
        #expect(renderValue(text("a\tb\nc\u{7f}"), as: .text) == "a@b@c@")
        #expect(renderValue(.blob([0x41, 0x00, 0x42]), as: .text) == "A@B")
        #expect(renderValue(.real(1.5, text: "1.5"), as: .text) == "1.5")
        #expect(renderValue(.integer(-7), as: .text) == "-7")
    }

    @Test func integersFromRealAndText() {
        #expect(renderValue(.integer(42), as: .integer) == "42")
        #expect(renderValue(.real(-2.9, text: "-2.9"), as: .integer) == "-2")
        #expect(renderValue(.real(2.9, text: "2.9"), as: .integer) == "2")
        #expect(renderValue(.real(1e300, text: "1e+300"), as: .integer) == "9223372036854775807")
        #expect(renderValue(text("  12abc"), as: .integer) == "12")
        #expect(renderValue(text("-3.7"), as: .integer) == "-3")
        #expect(renderValue(text("abc"), as: .integer) == "0")
        #expect(renderValue(text("99999999999999999999"), as: .integer) == "9223372036854775807")
    }

    @Test func realsWithDigits() {
        #expect(renderValue(.real(1.0 / 3, text: ""), as: .real) == "0.333")
        // SQLite's printf: half up, and at most 16 significant digits.
        #expect(renderValue(.real(2.5, text: ""), as: .real, digits: 0) == "3")
        #expect(renderValue(.real(0.1, text: ""), as: .real, digits: 17) == "0.10000000000000000")
        #expect(renderValue(.real(-9223372036854775808.0, text: ""), as: .real) == "-9223372036854776000.000")
        #expect(renderValue(.real(-0.0, text: ""), as: .real) == "0.000")
        #expect(renderValue(.real(-0.0001, text: ""), as: .real) == "-0.000")
        #expect(renderValue(.real(0.0006, text: ""), as: .real) == "0.001")
        #expect(renderValue(.real(.infinity, text: ""), as: .real) == "Inf")
        #expect(renderValue(.real(-.infinity, text: ""), as: .real) == "-Inf")
        #expect(renderValue(.real(1e20, text: ""), as: .real) == "100000000000000000000.000")
        #expect(renderValue(.real(999.9996, text: ""), as: .real) == "1000.000")
        #expect(renderValue(.integer(3), as: .real) == "3.000")
        #expect(renderValue(text("1.25e1xyz"), as: .real) == "12.500")
        #expect(renderValue(text(".5"), as: .real) == "0.500")
        #expect(renderValue(text("1e"), as: .real) == "1.000")
        #expect(renderValue(text("x"), as: .real) == "0.000")
    }

    @Test func sortModes() {
        let rows: [[SQLValue]] = [[.integer(2), text("b")], [.integer(10), text("a")], [.integer(2), text("a")]]
        let query = FixtureQuery(types: [.integer, .text], sql: "", expected: [], expectedLine: 1)
        #expect(renderResult(rows, for: query) == ["2", "b", "10", "a", "2", "a"])
        var rowsorted = query
        rowsorted.sort = .rowsort
        #expect(renderResult(rows, for: rowsorted) == ["10", "a", "2", "a", "2", "b"])
        var valuesorted = query
        valuesorted.sort = .valuesort
        #expect(renderResult(rows, for: valuesorted) == ["10", "2", "2", "a", "a", "b"])
    }

    @Test func comparisonPassesFailsAndHashes() {
        let rows: [[SQLValue]] = [[.integer(1)], [.integer(2)], [.integer(3)]]
        var query = FixtureQuery(types: [.integer], sql: "SELECT x", expected: ["1", "2", "3"], expectedLine: 10)
        #expect(compareQuery(query, rows: rows, hashThreshold: 0) == .passed)
        #expect(compareQuery(query, rows: rows, hashThreshold: 2) == .passed)

        query.expected = [hashLine(["1", "2", "3"])]
        #expect(query.expected == ["3 values hashing to \(Digests.md5(Array("1\n2\n3\n".utf8)))"])
        #expect(compareQuery(query, rows: rows, hashThreshold: 0) == .passed)

        query.expected = ["1", "5", "3"]
        guard case .failed(let message, let details) = compareQuery(query, rows: rows, hashThreshold: 0) else {
            Issue.record("expected a failure"); return
        }
        #expect(message == "result mismatch at line 11: expected `5`, got `2`")
        #expect(details.contains("SQL:\nSELECT x") && details.contains("expected:\n1\n5\n3") && details.contains("actual:\n1\n2\n3"))

        query.expected = ["1"]
        guard case .failed(let long, _) = compareQuery(query, rows: rows, hashThreshold: 0) else { Issue.record("pass"); return }
        #expect(long.contains("result too long"))

        guard case .failed(let width, _) = compareQuery(query, rows: [[.integer(1), .integer(2)]], hashThreshold: 0) else {
            Issue.record("pass"); return
        }
        #expect(width.contains("2 columns"))
    }

    @Test func statements() {
        let ok = FixtureStatement(expectation: .ok, sql: "SELECT 1")
        #expect(compareStatement(ok, error: nil) == .passed)
        #expect(compareStatement(ok, error: "boom") != .passed)
        let anyError = FixtureStatement(expectation: .error(pattern: nil), sql: "SELECT x")
        #expect(compareStatement(anyError, error: "no such column: x") == .passed)
        #expect(compareStatement(anyError, error: nil) != .passed)
        let matching = FixtureStatement(expectation: .error(pattern: "no such column: [a-z]+"), sql: "SELECT x")
        #expect(compareStatement(matching, error: "no such column: x") == .passed)
        #expect(compareStatement(matching, error: "syntax error") != .passed)
    }
}
