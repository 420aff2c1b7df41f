// The layout of the compat-matrix cache folder (default ~/.cache/vec_graph/compat-matrix, MatrixOptions.userCache).
//   downloads/<file>            archives fetched from mirror URLs or the official site, verified
//   sqlite/<version>/           prepared amalgamation: sqlite3.c, sqlite3.h, [sqlite3ext.h], prepared.json
//   builds/<artifact>-<key>/    build outputs, one folder per build-cache key
//   work/                       scratch space (unpacking, test databases), safe to delete
import Foundation

public struct SourceCache: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var downloads: URL { root.appendingPathComponent("downloads") }
    public var builds: URL { root.appendingPathComponent("builds") }
    public var work: URL { root.appendingPathComponent("work") }

    public func amalgamation(_ version: SQLiteVersion) -> URL {
        root.appendingPathComponent("sqlite/\(version)")
    }

    public func download(_ file: String) -> URL { downloads.appendingPathComponent(file) }

    /// The record of a prepared amalgamation, if it is complete.
    public func prepared(_ version: SQLiteVersion) -> PreparedSQLite? {
        let folder = amalgamation(version)
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("prepared.json").path),
              var record = try? JSONDecoder().decode(PreparedSQLite.self, from: data),
              (SourceAmalgamator.required + (record.hasExtensionHeader ? [SourceAmalgamator.extensionHeader] : []))
                .allSatisfy({ FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) })
        else { return nil }
        record.folder = folder
        return record
    }
}

/// A prepared amalgamation and where it came from.
public struct PreparedSQLite: Codable, Sendable {
    public var version: String
    public var file: String
    public var origin: String
    /// Where the archive was read: a cache path, a mirror folder path, or a URL.
    public var location: String
    public var sha256: String
    /// True when the manifest pinned the digest and it matched.
    public var verified: Bool
    public var sourceID: String?
    /// sha256 of sqlite3.c (checked against the manifest's pin where it has one).
    public var sqlite3cSHA256: String
    /// Whether sqlite3ext.h is there: without it the extension cannot be built against this release.
    public var hasExtensionHeader: Bool
    public var warnings: [String]
    /// The folder with the files (not stored: it is where the record is).
    public var folder: URL?

    enum CodingKeys: String, CodingKey {
        case version, file, origin, location, sha256, verified, sourceID, sqlite3cSHA256, hasExtensionHeader, warnings
    }

    /// Whether this record was prepared from one of `release`'s sources as the manifest pins it now
    /// (the cache outlives clones, whose manifests may differ).
    public func matches(_ release: Manifest.Release) -> Bool {
        release.sources.contains { source in
            source.file == file && (source.sha256 == nil || source.sha256?.lowercased() == sha256)
                && (source.sqlite3cSHA256 == nil || source.sqlite3cSHA256?.lowercased() == sqlite3cSHA256)
        }
    }
}
