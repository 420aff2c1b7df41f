// Names of a fixture's cases: path under Fixtures/ ("vector/distance.test"), group (first folder), file path for reports.

import Foundation

struct FixtureIdentity: Sendable, Equatable {
    /// Path relative to the fixture root.
    var name: String
    /// First folder under the fixture root ("fixtures" for files directly in it).
    var group: String
    /// Path relative to the package root (the nearest folder above the fixture root holding Package.swift),
    /// else relative to the fixture root.
    var file: String

    init(fixture: URL, root: URL) {
        let fixturePath = fixtureCanonicalPath(fixture)
        name = fixtureRelativePath(fixturePath, to: fixtureCanonicalPath(root)) ?? fixture.lastPathComponent
        let components = name.split(separator: "/")
        group = components.count > 1 ? String(components[0]) : "fixtures"
        file = packageRoot(above: root).flatMap { fixtureRelativePath(fixturePath, to: $0) } ?? name
    }

    func recordName(_ line: Int) -> String { "\(name):\(line)" }

    func fileCase(_ outcome: CaseOutcome, line: Int? = nil, seconds: Double = 0, systemOut: String = "") -> CaseResult {
        CaseResult(group: group, name: name, file: file, line: line, seconds: seconds, outcome: outcome, systemOut: systemOut)
    }

    func recordCase(_ line: Int, _ outcome: CaseOutcome, seconds: Double = 0, systemOut: String = "",
                    faults: FaultTally? = nil) -> CaseResult {
        CaseResult(group: group, name: recordName(line), file: file, line: line, seconds: seconds,
                   outcome: outcome, systemOut: systemOut, faults: faults)
    }
}

func fixtureCanonicalPath(_ url: URL) -> String {
    url.standardizedFileURL.resolvingSymlinksInPath().path
}

/// `path` relative to `base` when it lies under it.
func fixtureRelativePath(_ path: String, to base: String) -> String? {
    let prefix = base.hasSuffix("/") ? base : base + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
}

private func packageRoot(above root: URL) -> String? {
    var folder = URL(fileURLWithPath: fixtureCanonicalPath(root))
    while true {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            return folder.path
        }
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { return nil }
        folder = parent
    }
}
