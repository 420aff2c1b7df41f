// A set of SQLite headers to compile against: a prepared amalgamation's, or the system's.
import Foundation

public struct BuilderHeaders: Sendable {
    /// "3.53.4" or "system-3.40.1".
    public var label: String
    public var version: SQLiteVersion
    /// The folder holding sqlite3.h and sqlite3ext.h.
    public var folder: URL
    /// What identifies the contents, for build-cache keys.
    public var identity: String
    /// Whether sqlite3ext.h is there (the extension can be compiled against these headers).
    public var hasExtensionHeader: Bool
    /// Where the headers came from, for messages.
    public var origin: String

    public init(prepared: PreparedSQLite, folder: URL) {
        label = prepared.version
        version = SQLiteVersion(prepared.version)!
        self.folder = folder
        identity = "sqlite-\(prepared.version)-\(prepared.sqlite3cSHA256)"
        hasExtensionHeader = prepared.hasExtensionHeader
        origin = "\(prepared.file) (\(prepared.origin))"
    }

    /// The system headers in `folder` (normally /usr/include); nil if there is no sqlite3.h there.
    public static func system(in folder: URL = URL(fileURLWithPath: "/usr/include")) -> BuilderHeaders? {
        let header = folder.appendingPathComponent("sqlite3.h")
        let ext = folder.appendingPathComponent("sqlite3ext.h")
        guard let parsed = SourceHeader(contentsOf: header),
              let hash = try? BuilderSources.hash([header, ext]) else { return nil }
        return BuilderHeaders(label: "system-\(parsed.version)", version: parsed.version, folder: folder,
                              identity: "system-\(hash)", hasExtensionHeader: true, origin: folder.path)
    }

    private init(label: String, version: SQLiteVersion, folder: URL, identity: String, hasExtensionHeader: Bool,
                 origin: String) {
        self.label = label
        self.version = version
        self.folder = folder
        self.identity = identity
        self.hasExtensionHeader = hasExtensionHeader
        self.origin = origin
    }
}
