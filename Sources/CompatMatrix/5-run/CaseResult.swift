// What running fixtures produced: one CaseResult per fixture file (or record), grouped into suites.

/// The outcome of one test case.
public enum CaseOutcome: Sendable, Equatable, Codable {
    case passed
    /// The case failed: a short message, and the details (SQL, expected, actual) for the report.
    case failed(message: String, details: String)
    /// The case crashed, hung, or a sanitizer reported: an error rather than a mismatch.
    case errored(message: String, details: String)
    /// Skipped by a gate; the message names the gate.
    case skipped(message: String)
}

public struct CaseResult: Sendable, Equatable, Codable {
    /// Group of the case: for fixtures, the fixture's folder under Fixtures/ ("vector").
    public var group: String
    /// Name of the case: "vector/distance.test" or "vector/distance.test:42".
    public var name: String
    /// Fixture file path relative to the package root, and the line of the record (if per record).
    public var file: String?
    public var line: Int?
    public var seconds: Double
    public var outcome: CaseOutcome
    /// Captured output (sanitizer reports, driver stderr).
    public var systemOut: String
    /// The fault-injection modes: what was tried in this record.
    public var faults: FaultTally?

    public init(group: String, name: String, file: String? = nil, line: Int? = nil,
                seconds: Double, outcome: CaseOutcome, systemOut: String = "", faults: FaultTally? = nil) {
        self.faults = faults
        self.group = group
        self.name = name
        self.file = file
        self.line = line
        self.seconds = seconds
        self.outcome = outcome
        self.systemOut = systemOut
    }
}

/// One suite: one SQLite version x mode x extension build.
public struct SuiteResult: Sendable, Equatable {
    /// "3.40.1" or "system-3.40.1".
    public var sqliteLabel: String
    public var mode: BuildMode
    public var build: ExtensionBuild
    public var cases: [CaseResult]
    /// The name of a suite that is not one SQLite x mode x build (a prebuilt driver and extension).
    public var customName: String?

    public init(sqliteLabel: String, mode: BuildMode, build: ExtensionBuild, cases: [CaseResult],
                customName: String? = nil) {
        self.sqliteLabel = sqliteLabel
        self.mode = mode
        self.build = build
        self.cases = cases
        self.customName = customName
    }

    /// "sqlite-3.40.1.asan.release", or the custom name.
    public var name: String { customName ?? "sqlite-\(sqliteLabel).\(mode.rawValue).\(build.rawValue)" }
}
