// The parsed form of a sqllogictest fixture file: its file-level gates and its records, with line numbers.

/// One parsed `.test` file.
public struct Fixture: Sendable, Equatable {
    /// The name used in messages ("vector/distance.test").
    public var name: String
    /// File-level `require sqlite <op> <version>` lines; all must hold for the file to run.
    public var requirements: [FileRequirement]
    /// The records in file order (`halt` and `hash-threshold` included).
    public var records: [FixtureRecord]

    public init(name: String, requirements: [FileRequirement], records: [FixtureRecord]) {
        self.name = name
        self.requirements = requirements
        self.records = records
    }
}

/// A file-level `require sqlite >= 3.38.0` line.
public struct FileRequirement: Sendable, Equatable {
    public var gate: VersionGate
    public var line: Int

    public init(gate: VersionGate, line: Int) {
        self.gate = gate
        self.line = line
    }
}

/// One record: its first line (the first prefix or the command line), its prefixes and what it does.
public struct FixtureRecord: Sendable, Equatable {
    public var line: Int
    public var conditions: [RecordCondition]
    public var kind: RecordKind

    public init(line: Int, conditions: [RecordCondition] = [], kind: RecordKind) {
        self.line = line
        self.conditions = conditions
        self.kind = kind
    }
}

public enum RecordKind: Sendable, Equatable {
    case statement(FixtureStatement)
    case query(FixtureQuery)
    /// `hash-threshold N`: later queries with more than N values compare by MD5 (0 turns hashing off).
    case hashThreshold(Int)
    /// `halt`: the records after it are not run.
    case halt
}

public struct FixtureStatement: Sendable, Equatable {
    public enum Expectation: Sendable, Equatable {
        case ok
        /// `statement error [regex]`: an error whose message matches the regex (any message if nil).
        case error(pattern: String?)
    }

    public var expectation: Expectation
    public var sql: String

    public init(expectation: Expectation, sql: String) {
        self.expectation = expectation
        self.sql = sql
    }
}

/// Column types of a query: `T` text, `I` integer, `R` real.
public enum ColumnType: Character, Sendable, Equatable {
    case text = "T"
    case integer = "I"
    case real = "R"
}

public enum SortMode: String, Sendable, Equatable {
    case nosort, rowsort, valuesort
}

public struct FixtureQuery: Sendable, Equatable {
    public var types: [ColumnType]
    public var sort: SortMode
    public var label: String?
    /// Decimals for `R` values (`digits=N`, default 3).
    public var digits: Int
    public var sql: String
    /// Expected rendered values, one per line (or one `N values hashing to MD5` line).
    public var expected: [String]
    /// Line of the first expected value (the line after `----`).
    public var expectedLine: Int
    public init(types: [ColumnType], sort: SortMode = .nosort, label: String? = nil, digits: Int = 3,
                sql: String, expected: [String], expectedLine: Int) {
        self.types = types
        self.sort = sort
        self.label = label
        self.digits = digits
        self.sql = sql
        self.expected = expected
        self.expectedLine = expectedLine
    }
}
