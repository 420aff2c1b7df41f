// Renders a query's rows, applies nosort/rowsort/valuesort and hashing, and compares with the expected lines.

/// The rendered values of `rows` under the query's types, in the order its sort mode asks for.
public func renderResult(_ rows: [[SQLValue]], for query: FixtureQuery) -> [String] {
    var rendered = rows.map { row in
        row.enumerated().map { column, value in
            renderValue(value, as: column < query.types.count ? query.types[column] : .text, digits: query.digits)
        }
    }
    switch query.sort {
    case .nosort:
        return rendered.flatMap { $0 }
    case .rowsort:
        rendered.sort { $0.lexicographicallyPrecedes($1, by: bytewiseLess) }
        return rendered.flatMap { $0 }
    case .valuesort:
        return rendered.flatMap { $0 }.sorted(by: bytewiseLess)
    }
}

/// sqllogictest's hash line for rendered values: MD5 of each value followed by "\n".
public func hashLine(_ values: [String]) -> String {
    "\(values.count) values hashing to \(Digests.md5(Array(values.map { $0 + "\n" }.joined().utf8)))"
}

/// Compares a query's result with its expected lines; `hashThreshold` is the `hash-threshold` in force.
public func compareQuery(_ query: FixtureQuery, rows: [[SQLValue]], hashThreshold: Int) -> CaseOutcome {
    if let width = rows.first?.count, width != query.types.count {
        return .failed(message: "query returned \(width) columns, its types `\(String(query.types.map(\.rawValue)))` "
                       + "declare \(query.types.count)",
                       details: queryDetails(query, expected: query.expected, actual: []))
    }
    let values = renderResult(rows, for: query)
    let expectsHash = query.expected.count == 1 && isHashLine(query.expected[0])
    let hashed = expectsHash || (hashThreshold > 0 && values.count > hashThreshold)
    let actual = hashed ? [hashLine(values)] : values
    let expected = hashed && !expectsHash ? [hashLine(query.expected)] : query.expected
    guard actual != expected else { return .passed }
    return .failed(message: firstDifference(expected: expected, actual: actual, firstLine: query.expectedLine),
                   details: queryDetails(query, expected: query.expected, actual: hashed ? actual + values : values))
}

private func bytewiseLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

func isHashLine(_ line: String) -> Bool {
    let parts = line.split(separator: " ")
    return parts.count == 5 && parts[0].allSatisfy(\.isASCII) && Int(parts[0]) != nil
        && parts[1] == "values" && parts[2] == "hashing" && parts[3] == "to"
        && parts[4].count == 32 && parts[4].allSatisfy { $0.isHexDigit && !$0.isUppercase }
}

private func firstDifference(expected: [String], actual: [String], firstLine: Int) -> String {
    let i = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expected.count, actual.count)
    if i < expected.count, i < actual.count {
        return "result mismatch at line \(firstLine + i): expected `\(expected[i])`, got `\(actual[i])`"
    }
    if i < expected.count {
        return "result too short: \(actual.count) values, expected `\(expected[i])` at line \(firstLine + i)"
    }
    return "result too long: unexpected value `\(actual[i])` after \(expected.count) expected values"
}

private let shownLines = 200

private func queryDetails(_ query: FixtureQuery, expected: [String], actual: [String]) -> String {
    func block(_ lines: [String]) -> String {
        if lines.isEmpty { return "(no values)" }
        let shown = lines.prefix(shownLines).joined(separator: "\n")
        return lines.count > shownLines ? shown + "\n... (\(lines.count - shownLines) more)" : shown
    }
    return "SQL:\n\(query.sql)\n\nexpected:\n\(block(expected))\n\nactual:\n\(block(actual))"
}
