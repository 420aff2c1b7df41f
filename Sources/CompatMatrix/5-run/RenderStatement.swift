// Judges a statement record: `statement ok` must succeed, `statement error [regex]` must fail with a matching message.

/// `error` is the driver's error message, or nil when the statement succeeded.
public func compareStatement(_ statement: FixtureStatement, error: String?) -> CaseOutcome {
    let details = "SQL:\n\(statement.sql)"
    switch (statement.expectation, error) {
    case (.ok, nil):
        return .passed
    case (.ok, let message?):
        return .failed(message: "statement failed: \(message)", details: details + "\n\nexpected: ok\nactual: error: \(message)")
    case (.error(let pattern), nil):
        return .failed(message: "statement succeeded, expected an error" + (pattern.map { " matching /\($0)/" } ?? ""),
                       details: details + "\n\nexpected: error\nactual: ok")
    case (.error(nil), _?):
        return .passed
    case (.error(let pattern?), let message?):
        if let regex = try? Regex(pattern), message.firstMatch(of: regex) != nil { return .passed }
        return .failed(message: "error message does not match /\(pattern)/: \(message)",
                       details: details + "\n\nexpected: error matching /\(pattern)/\nactual: error: \(message)")
    }
}
