// The text of `compat-matrix list`: every release with its date, the feature gates that open there,
// its sources, and for each whether it is cached or mirrored and whether its sha256 is pinned.
import Foundation

public enum ManifestListing {
    public static func text(_ manifest: Manifest, preparer: SourcePreparer, systemVersion: SQLiteVersion?) -> String {
        var lines: [String] = []
        let defaults = Set(manifest.defaultSet.compactMap(SQLiteVersion.init))
        for release in manifest.sortedReleases {
            let version = release.sqliteVersion
            var head = "\(release.version)  \(release.date)"
            if defaults.contains(version) { head += "  [default]" }
            if let prepared = preparer.cache.prepared(version) {
                head += "  [prepared from \(prepared.file), sha256 \(prepared.verified ? "verified" : "UNVERIFIED")]"
            }
            lines.append(head)
            for feature in manifest.features(startingAt: version) {
                lines.append("    + \(feature.id): \(feature.description)")
            }
            for source in release.sources {
                var places: [String] = []
                if FileManager.default.fileExists(atPath: preparer.cache.download(source.file).path) { places.append("cached") }
                for case .folder(let folder) in preparer.mirrors
                where FileManager.default.fileExists(atPath: folder.appendingPathComponent(source.file).path) {
                    places.append("mirror \(folder.path)")
                }
                if source.url != nil { places.append("official URL") }
                let pin = source.sha256 == nil ? "no sha256 (needs --allow-unverified)" : "sha256 pinned"
                lines.append("    \(source.file)  \(source.layout.rawValue), \(source.origin); \(pin); "
                             + (places.isEmpty ? "not available" : places.joined(separator: ", ")))
            }
        }
        lines.append("")
        lines.append("system: " + (systemVersion.map { "SQLite \($0) (/usr/include/sqlite3.h, -lsqlite3)" } ?? "no system SQLite headers"))
        lines.append("default set: \(manifest.defaultSet.joined(separator: ", "))")
        lines.append("available without network: " + manifest.sortedReleases.filter(preparer.isAvailableLocally)
            .map(\.version).joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
