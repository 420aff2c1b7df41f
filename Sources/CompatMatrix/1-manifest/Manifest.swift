// The SQLite release manifest (sqlite-versions/manifest.json): its Codable schema and loading.
import Foundation

public struct Manifest: Codable, Sendable {
    public var generatedFrom: String
    public var note: String?
    public var defaultSet: [String]
    public var availableOffline: [String]
    /// The offline releases where behaviour changes (oldest, newest, API boundaries): `--versions boundary`.
    public var boundarySet: [String]?
    public var features: [Feature]
    public var releases: [Release]

    enum CodingKeys: String, CodingKey {
        case generatedFrom = "generated_from", note, defaultSet = "default_set"
        case availableOffline = "available_offline", boundarySet = "boundary_set", features, releases
    }

    public struct Feature: Codable, Sendable {
        public var since: String
        public var id: String
        public var description: String
    }

    public struct Release: Codable, Sendable {
        public var version: String
        public var date: String
        public var sourceID: String?
        public var sources: [Source]

        enum CodingKeys: String, CodingKey { case version, date, sourceID = "source_id", sources }

        /// The parsed version; `Manifest.load` guarantees it parses.
        public var sqliteVersion: SQLiteVersion { SQLiteVersion(version)! }
    }

    public struct Source: Codable, Sendable, Hashable {
        public var file: String
        public var url: String?
        public var sha256: String?
        public var layout: Layout
        public var subdir: String?
        public var origin: String
        /// sha256 of the sqlite3.c this source yields (pinned for local sources; nil for official downloads).
        public var sqlite3cSHA256: String?
        /// Whether the source has sqlite3ext.h (amalgamations vendored by other projects often lack it); nil: yes.
        public var extensionHeader: Bool?

        public var hasExtensionHeader: Bool { extensionHeader ?? true }
        /// Where sqlite3ext.h is inside the archive, when it is not beside sqlite3.h.
        public var extensionHeaderPath: String?

        enum CodingKeys: String, CodingKey {
            case file, url, sha256, layout, subdir, origin
            case sqlite3cSHA256 = "sqlite3_c_sha256", extensionHeader = "sqlite3ext_h", extensionHeaderPath = "sqlite3ext_h_path"
        }
    }

    public enum Layout: String, Codable, Sendable {
        case amalgamation, autoconf
        case sourceTree = "source-tree"
        /// An amalgamation whose vendor appended its own lines after sqlite3.c's last line (sqlean.py
        /// appends its extension hook): they are cut off before the checks.
        case amalgamationWithTail = "amalgamation-with-tail"
    }

    /// Reads and validates a manifest file; any problem is a configuration error.
    public static func load(from url: URL) throws -> Manifest {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw MatrixConfigurationError("cannot read manifest \(url.path): \(error.localizedDescription)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw MatrixConfigurationError("manifest \(url.path) does not decode: \(error)")
        }
        try manifest.validate()
        return manifest
    }

    func validate() throws {
        for release in releases where SQLiteVersion(release.version) == nil {
            throw MatrixConfigurationError("manifest release '\(release.version)' is not a version number")
        }
        for name in defaultSet + (boundarySet ?? []) where release(named: name) == nil {
            throw MatrixConfigurationError("manifest default_set or boundary_set names \(name), which has no release entry")
        }
    }

    /// Releases sorted oldest first.
    public var sortedReleases: [Release] {
        releases.sorted { $0.sqliteVersion < $1.sqliteVersion }
    }

    public func release(named text: String) -> Release? {
        guard let version = SQLiteVersion(text) else { return nil }
        return releases.first { $0.sqliteVersion == version }
    }

    /// Features whose gate opens exactly at `version`.
    public func features(startingAt version: SQLiteVersion) -> [Feature] {
        features.filter { SQLiteVersion($0.since) == version }
    }
}
