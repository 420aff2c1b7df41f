// Reads sqllogictest text into a Fixture, or a file:line error: everything SQLite's reference runner
// (sqllogictest.c) accepts, plus our `require`, `sqlite <op> X.Y.Z` gates, `statement error <regex>` and
// `digits=N`. As there, a comment is a line whose first character is `#` (also among the expected values),
// the engine name is matched without case and only the first tokens of a line count.

public struct FixtureParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Parses the text of a fixture; `name` is used in error messages and becomes `Fixture.name`.
public func parseFixture(_ text: String, name: String) throws(FixtureParseError) -> Fixture {
    var parser = FixtureParser(text: text, name: name)
    return try parser.parse()
}

private struct FixtureParser {
    let name: String
    let lines: [Substring]
    /// Index of the current line (0-based; line numbers are index + 1).
    var index = 0

    init(text: String, name: String) {
        self.name = name
        // "\r\n" is a single Character, so both line ends are separators.
        self.lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    }

    mutating func parse() throws(FixtureParseError) -> Fixture {
        var requirements: [FileRequirement] = []
        var records: [FixtureRecord] = []
        while skipToNextRecord() {
            let startLine = index + 1
            let conditions = try readConditions()
            let tokens = words(lines[index])
            switch tokens[0] {
            case "require":
                guard conditions.isEmpty, records.isEmpty else {
                    throw error("`require` must come before the first record", line: index + 1)
                }
                requirements.append(FileRequirement(gate: try requireGate(tokens), line: index + 1))
                try endRequireLine()
            case "statement":
                records.append(FixtureRecord(line: startLine, conditions: conditions, kind: .statement(try readStatement())))
            case "query":
                records.append(FixtureRecord(line: startLine, conditions: conditions, kind: .query(try readQuery(tokens))))
            case "hash-threshold":
                // atoi, as the reference runner reads it: the leading digits, 0 without any.
                let n = Int(tokens.count > 1 ? String(tokens[1].prefix { $0.isASCII && $0.isNumber }) : "") ?? 0
                records.append(FixtureRecord(line: startLine, conditions: conditions, kind: .hashThreshold(n)))
                try endSingleLineRecord("hash-threshold")
            case "halt":
                records.append(FixtureRecord(line: startLine, conditions: conditions, kind: .halt))
                try endSingleLineRecord("halt")
            default:
                throw error("unknown record kind `\(tokens[0])`", line: index + 1)
            }
        }
        return Fixture(name: name, requirements: requirements, records: records)
    }

    // MARK: Records

    mutating func readConditions() throws(FixtureParseError) -> [RecordCondition] {
        var conditions: [RecordCondition] = []
        while index < lines.count, !isBlank(lines[index]) {
            if isComment(lines[index]) { index += 1; continue }
            let tokens = words(lines[index])
            guard let kind = RecordCondition.Kind(rawValue: String(tokens[0])) else { return conditions }
            conditions.append(try condition(kind, tokens))
            index += 1
        }
        throw error("`\(conditions.last.map { $0.kind.rawValue } ?? "condition")` is not followed by a record",
                    line: index)
    }

    /// `skipif ENGINE ...` / `onlyif ENGINE ...`. After the engine name the reference runner ignores the
    /// rest of the line (`onlyif sqlite # a comment`); here a rest that starts with a comparison operator
    /// is a version gate, and must be a well-formed one.
    func condition(_ kind: RecordCondition.Kind, _ tokens: [Substring]) throws(FixtureParseError) -> RecordCondition {
        guard tokens.count >= 2 else { throw error("`\(kind.rawValue)` needs an engine name", line: index + 1) }
        let engine = String(tokens[1])
        guard engine.lowercased() == "sqlite" else { return RecordCondition(kind: kind, engine: engine) }
        guard tokens.count > 2, let first = tokens[2].first, "<>=!".contains(first) else {
            return RecordCondition(kind: kind, engine: engine)
        }
        guard let gate = VersionGate(tokens: Array(tokens[2...].prefix(2))), tokens.count == 4 || tokens[4].hasPrefix("#") else {
            throw error("bad version gate `\(tokens.joined(separator: " "))`: expected `\(kind.rawValue) sqlite <op> X.Y.Z` "
                        + "with <op> one of >= > <= < == !=", line: index + 1)
        }
        return RecordCondition(kind: kind, engine: engine, gate: gate)
    }

    func requireGate(_ tokens: [Substring]) throws(FixtureParseError) -> VersionGate {
        guard tokens.count == 4, tokens[1] == "sqlite", let gate = VersionGate(tokens: Array(tokens.dropFirst(2))) else {
            throw error("bad gate `\(tokens.joined(separator: " "))`: expected `require sqlite <op> X.Y.Z` "
                        + "with <op> one of >= > <= < == !=", line: index + 1)
        }
        return gate
    }

    mutating func readStatement() throws(FixtureParseError) -> FixtureStatement {
        let header = lines[index]
        let tokens = words(header)
        let expectation: FixtureStatement.Expectation
        switch tokens.count >= 2 ? tokens[1] : "" {
        case "ok":
            // The reference runner ignores what follows `ok`.
            expectation = .ok
        case "error":
            let rest = header.drop { $0.isWhitespace }.dropFirst("statement".count)
                .drop { $0.isWhitespace }.dropFirst("error".count)
            let pattern = String(rest.trimmingWhitespace())
            if !pattern.isEmpty, (try? Regex(pattern)) == nil {
                throw error("invalid regular expression `\(pattern)`", line: index + 1)
            }
            expectation = .error(pattern: pattern.isEmpty ? nil : pattern)
        default:
            throw error("expected `statement ok` or `statement error [regex]`", line: index + 1)
        }
        let headerLine = index + 1
        index += 1
        // Every line up to the blank one is SQL, as in the reference runner (even a `----`).
        var sql: [Substring] = []
        while index < lines.count, !isBlank(lines[index]) {
            if !isComment(lines[index]) { sql.append(lines[index]) }
            index += 1
        }
        guard !sql.isEmpty else { throw error("statement without SQL", line: headerLine) }
        return FixtureStatement(expectation: expectation, sql: sql.joined(separator: "\n"))
    }

    mutating func readQuery(_ tokens: [Substring]) throws(FixtureParseError) -> FixtureQuery {
        let headerLine = index + 1
        guard tokens.count >= 2 else { throw error("query without column types (e.g. `query IT`)", line: headerLine) }
        var types: [ColumnType] = []
        for c in tokens[1] {
            guard let type = ColumnType(rawValue: c) else {
                throw error("bad column types `\(tokens[1])`: use T, I and R", line: headerLine)
            }
            types.append(type)
        }
        var sort = SortMode.nosort
        var label: String?
        var digits = 3
        for token in tokens.dropFirst(2) {
            if let mode = SortMode(rawValue: String(token)) {
                sort = mode
            } else if token.hasPrefix("digits=") {
                guard let n = Int(token.dropFirst("digits=".count)), (0...17).contains(n) else {
                    throw error("bad `\(token)`: digits must be 0...17", line: headerLine)
                }
                digits = n
            } else if label == nil {
                label = String(token)
            } else {
                throw error("unexpected `\(token)` in query header", line: headerLine)
            }
        }
        index += 1
        let (sql, stoppedAtDashes) = readSQL()
        guard !sql.isEmpty else { throw error("query without SQL", line: headerLine) }
        var expected: [String] = []
        let expectedLine = index + 2
        if stoppedAtDashes {
            index += 1
            while index < lines.count, !isBlank(lines[index]) {
                if !isComment(lines[index]) { expected.append(String(lines[index])) }
                index += 1
            }
        }
        return FixtureQuery(types: types, sort: sort, label: label, digits: digits, sql: sql,
                            expected: expected, expectedLine: expectedLine)
    }

    /// Reads SQL lines up to a blank line, the end, or `----` (left as the current line).
    mutating func readSQL() -> (sql: String, stoppedAtDashes: Bool) {
        var sql: [Substring] = []
        while index < lines.count, !isBlank(lines[index]) {
            if lines[index].trimmingWhitespace() == "----" { return (sql.joined(separator: "\n"), true) }
            if !isComment(lines[index]) { sql.append(lines[index]) }
            index += 1
        }
        return (sql.joined(separator: "\n"), false)
    }

    /// `require` lines may follow each other; anything else needs a blank line first.
    mutating func endRequireLine() throws(FixtureParseError) {
        index += 1
        if index < lines.count, !isBlank(lines[index]), !isComment(lines[index]), words(lines[index]).first != "require" {
            throw error("unexpected text after `require` (it is a one-line record)", line: index + 1)
        }
    }

    mutating func endSingleLineRecord(_ kind: String) throws(FixtureParseError) {
        index += 1
        while index < lines.count, !isBlank(lines[index]) {
            guard isComment(lines[index]) else {
                throw error("unexpected text after `\(kind)` (it is a one-line record)", line: index + 1)
            }
            index += 1
        }
    }

    // MARK: Lines

    /// Moves past blank and comment lines; false at the end of the text.
    mutating func skipToNextRecord() -> Bool {
        while index < lines.count, isBlank(lines[index]) || isComment(lines[index]) { index += 1 }
        return index < lines.count
    }

    func error(_ message: String, line: Int) -> FixtureParseError {
        FixtureParseError(file: name, line: line, message: message)
    }
}

private func isBlank(_ line: Substring) -> Bool { line.allSatisfy(\.isWhitespace) }

/// As in the reference runner: `#` in the first column.
private func isComment(_ line: Substring) -> Bool { line.hasPrefix("#") }

private func words(_ line: Substring) -> [Substring] { line.split(whereSeparator: \.isWhitespace) }

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}
