// Reads SQLITE_VERSION and SQLITE_SOURCE_ID from a sqlite3.h.
import Foundation

public struct SourceHeader: Sendable, Equatable {
    public var version: SQLiteVersion
    public var sourceID: String?

    /// Parses the text of a sqlite3.h; nil if it has no `#define SQLITE_VERSION "x.y.z"`.
    public init?(text: String) {
        guard let version = Self.define("SQLITE_VERSION", in: text).flatMap(SQLiteVersion.init) else { return nil }
        self.version = version
        self.sourceID = Self.define("SQLITE_SOURCE_ID", in: text)
    }

    public init?(contentsOf url: URL) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// SQLITE_SOURCE_ID as sqlite3.c defines it (the amalgamation carries its own copy of sqlite3.h):
    /// found by a byte search, since the file is about 9 MB.
    public static func sourceID(inFile url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path),
              let start = data.range(of: Data("\n#define SQLITE_SOURCE_ID".utf8)) else { return nil }
        let line = data[start.upperBound...].prefix { $0 != UInt8(ascii: "\n") }
        return define("SQLITE_SOURCE_ID", in: "#define SQLITE_SOURCE_ID" + String(decoding: line, as: UTF8.self))
    }

    /// The string value of `#define NAME "value"`.
    private static func define(_ name: String, in text: String) -> String? {
        let pattern = try! Regex(#"(?m)^#define[ \t]+"# + name + #"[ \t]+"([^"\n]*)""#)
        guard let match = text.firstMatch(of: pattern), let value = match.output[1].substring else { return nil }
        return String(value)
    }
}
