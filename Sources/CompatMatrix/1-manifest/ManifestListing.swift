// The text of `compat-matrix list`: every release with its date, the feature gates that open there,
// its sources, and for each whether it is cached or mirrored and whether its sha256 is pinned; then
// the releases available without network, each with the source it would be prepared from.
import Foundation

public enum ManifestListing {
    public static func text(_ manifest: Manifest, preparer: SourcePreparer, systemVersion: SQLiteVersion?) -> String {
        var lines: [String] = []
        let defaults = Set(manifest.defaultSet.compactMap(SQLiteVersion.init))
        for release in manifest.sortedReleases {
            let version = release.sqliteVersion
            var head = "\(release.version)  \(release.date)"
            if defaults.contains(version) { head += "  [default]" }
            if let prepared = preparer.cached(release) {
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
        let available = manifest.sortedReleases.filter(preparer.isAvailableLocally)
        lines.append("boundary set: \((manifest.boundarySet ?? []).joined(separator: ", "))")
        lines.append("")
        lines.append("available without network (\(available.count) releases; `--offline --versions available`):")
        for release in available {
            lines.append("  \(release.version)  " + offlineSource(release, preparer))
        }
        return lines.joined(separator: "\n")
    }

    /// Where an available release comes from: the prepared amalgamation, else the first local archive.
    private static func offlineSource(_ release: Manifest.Release, _ preparer: SourcePreparer) -> String {
        if let prepared = preparer.cached(release) {
            return "prepared from \(prepared.file) (\(prepared.origin))"
                + (prepared.hasExtensionHeader ? "" : "; no sqlite3ext.h: native build skipped")
        }
        let local = release.sources.first { source in
            FileManager.default.fileExists(atPath: preparer.cache.download(source.file).path)
                || preparer.mirrors.contains { mirror in
                    if case .folder(let folder) = mirror {
                        return FileManager.default.fileExists(atPath: folder.appendingPathComponent(source.file).path)
                    }
                    return false
                }
        }
        guard let local else { return "?" }
        return "\(local.file) (\(local.origin))" + (local.hasExtensionHeader ? "" : "; no sqlite3ext.h: native build skipped")
    }
}
