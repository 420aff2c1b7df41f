// A version comparison such as `sqlite >= 3.38.0`: parsed from fixture text, evaluated against the version under test.

public enum GateOperator: String, Sendable, Equatable, CaseIterable {
    case greaterOrEqual = ">="
    case greater = ">"
    case lessOrEqual = "<="
    case less = "<"
    case equal = "=="
    case notEqual = "!="

    public func holds(_ running: SQLiteVersion, _ bound: SQLiteVersion) -> Bool {
        switch self {
        case .greaterOrEqual: running >= bound
        case .greater: running > bound
        case .lessOrEqual: running <= bound
        case .less: running < bound
        case .equal: running == bound
        case .notEqual: running != bound
        }
    }
}

/// `sqlite <op> <version>`: the engine name is always `sqlite`.
public struct VersionGate: Sendable, Equatable, CustomStringConvertible {
    public var op: GateOperator
    public var version: SQLiteVersion

    public init(_ op: GateOperator, _ version: SQLiteVersion) {
        self.op = op
        self.version = version
    }

    /// Parses the two tokens after `sqlite` (`[">=", "3.38.0"]`); nil when they are not a valid gate.
    public init?(tokens: [Substring]) {
        guard tokens.count == 2, let op = GateOperator(rawValue: String(tokens[0])),
              let version = SQLiteVersion(String(tokens[1])) else { return nil }
        self.init(op, version)
    }

    public func holds(for running: SQLiteVersion) -> Bool { op.holds(running, version) }

    public var description: String { "sqlite \(op.rawValue) \(version)" }
}
