// Turns a --versions expression (3.25.2,latest,system,default,boundary,all,available) into matrix targets.
import Foundation

public struct ManifestSelection {
    public let manifest: Manifest
    /// The system SQLite's version, or nil when no system SQLite is installed.
    public let systemVersion: SQLiteVersion?
    /// Whether a release's sources are already in the cache or a mirror folder.
    public let isAvailable: (Manifest.Release) -> Bool

    public init(manifest: Manifest, systemVersion: SQLiteVersion?,
                isAvailable: @escaping (Manifest.Release) -> Bool) {
        self.manifest = manifest
        self.systemVersion = systemVersion
        self.isAvailable = isAvailable
    }

    /// Resolves the comma list; the result is deduplicated, releases oldest first, then the system.
    public func targets(for expression: String) throws -> [MatrixTarget] {
        let tokens = expression.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !tokens.isEmpty else { throw MatrixConfigurationError("--versions is empty") }
        var versions = Set<SQLiteVersion>()
        var wantsSystem = false
        for token in tokens {
            switch token {
            case "default": versions.formUnion(manifest.defaultSet.compactMap(SQLiteVersion.init))
            case "boundary": versions.formUnion((manifest.boundarySet ?? []).compactMap(SQLiteVersion.init))
            case "all": versions.formUnion(manifest.releases.map(\.sqliteVersion))
            case "latest":
                guard let newest = manifest.sortedReleases.last else {
                    throw MatrixConfigurationError("the manifest lists no release")
                }
                versions.insert(newest.sqliteVersion)
            case "available": versions.formUnion(manifest.releases.filter(isAvailable).map(\.sqliteVersion))
            case "system": wantsSystem = true
            default:
                guard let release = manifest.release(named: token) else {
                    throw MatrixConfigurationError(
                        "unknown SQLite version '\(token)': not in the manifest (see `compat-matrix list`)")
                }
                versions.insert(release.sqliteVersion)
            }
        }
        var targets = versions.sorted().map { MatrixTarget.release(version: $0) }
        if wantsSystem {
            guard let systemVersion else {
                throw MatrixConfigurationError("--versions system: no system SQLite headers found")
            }
            targets.append(.system(version: systemVersion))
        }
        guard !targets.isEmpty else {
            throw MatrixConfigurationError("--versions \(expression) selects no SQLite (nothing cached or mirrored?)")
        }
        return targets
    }
}
