// What one run covers: the (SQLite, mode) units after sharding, and the suites each unit yields.

/// One SQLite in one build mode: one sqlite3.o and driver, two extension builds, two suites.
public struct MatrixUnit: Sendable, Hashable, CustomStringConvertible {
    public var target: MatrixTarget
    public var mode: BuildMode
    public var description: String { "\(target.label) \(mode.rawValue)" }
}

public struct MatrixPlan: Sendable {
    public var units: [MatrixUnit]

    /// Every target in every mode (targets outer, in the order given; modes in BuildMode order), less the
    /// targets a mode is limited away from (`limits`: mode -> the targets it may run on), then the shard.
    public init(targets: [MatrixTarget], modes: [BuildMode], shard: MatrixShard,
                limits: [BuildMode: Set<MatrixTarget>] = [:]) {
        let ordered = BuildMode.allCases.filter(modes.contains)
        units = shard.select(targets.flatMap { target in
            ordered.filter { limits[$0]?.contains(target) ?? true }.map { MatrixUnit(target: target, mode: $0) }
        })
    }

    /// The release versions whose sources this plan needs.
    public var releaseVersions: [SQLiteVersion] {
        var seen = Set<SQLiteVersion>()
        return units.compactMap { unit in
            guard case .release(let version) = unit.target, seen.insert(version).inserted else { return nil }
            return version
        }
    }

    public var suiteCount: Int { units.count * ExtensionBuild.allCases.count }
}
