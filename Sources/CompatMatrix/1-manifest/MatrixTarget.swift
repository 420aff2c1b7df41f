// One SQLite the matrix tests: a manifest release built from its sources, or the system library.

public enum MatrixTarget: Sendable, Hashable {
    case release(version: SQLiteVersion)
    /// The system SQLite (libsqlite3 + /usr/include/sqlite3.h) of the given version.
    case system(version: SQLiteVersion)

    public var version: SQLiteVersion {
        switch self {
        case .release(let version), .system(let version): version
        }
    }

    /// "3.40.1" or "system-3.40.1", as used in suite names.
    public var label: String {
        switch self {
        case .release(let version): version.description
        case .system(let version): "system-\(version)"
        }
    }

    public var isSystem: Bool {
        if case .system = self { true } else { false }
    }
}
