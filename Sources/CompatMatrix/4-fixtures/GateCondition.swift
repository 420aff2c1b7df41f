// Record prefixes `skipif <engine>` / `onlyif <engine>`, with our `sqlite <op> <version>` form, and whether they skip.

public struct RecordCondition: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case skipif, onlyif
    }

    public var kind: Kind
    /// The engine named: `sqlite` is us; any other name never matches.
    public var engine: String
    /// For `sqlite`, an optional version comparison; without it the condition matches every version.
    public var gate: VersionGate?

    public init(kind: Kind, engine: String, gate: VersionGate? = nil) {
        self.kind = kind
        self.engine = engine
        self.gate = gate
    }

    /// Whether the condition names the engine under test (at this version).
    public func matches(_ running: SQLiteVersion) -> Bool {
        guard engine.lowercased() == "sqlite" else { return false }
        return gate?.holds(for: running) ?? true
    }

    /// Whether this condition makes the record skip.
    public func skips(_ running: SQLiteVersion) -> Bool {
        switch kind {
        case .skipif: matches(running)
        case .onlyif: !matches(running)
        }
    }

    public var description: String {
        "\(kind.rawValue) " + (gate.map(\.description) ?? engine)
    }
}

/// The skip message for a record under `running`, naming the first condition that skips it, or nil if it runs.
public func skipReason(_ conditions: [RecordCondition], running: SQLiteVersion) -> String? {
    conditions.first { $0.skips(running) }.map { "\($0) (running \(running))" }
}

/// The skip message for a whole file whose `require` lines do not all hold, or nil if it runs.
public func skipReason(_ requirements: [FileRequirement], running: SQLiteVersion) -> String? {
    requirements.first { !$0.gate.holds(for: running) }.map { "require \($0.gate) (running \(running))" }
}
