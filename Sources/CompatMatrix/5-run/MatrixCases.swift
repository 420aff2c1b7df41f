// Case results the matrix makes itself, when a suite cannot run its fixtures (sources or build
// failed, mode unsupported), and the exit status that a set of suites means.
import Foundation

enum MatrixCases {
    /// One case per fixture file with `outcome`, named as the fixture runner names them.
    static func placeholders(_ fixtures: [URL], fixtureRoot: URL, packageRoot: URL,
                             outcome: CaseOutcome) -> [CaseResult] {
        fixtures.map { fixture in
            let name = relativePath(fixture, to: fixtureRoot)
            let group = name.contains("/") ? String(name[..<name.lastIndex(of: "/")!]) : ""
            return CaseResult(group: group, name: name, file: relativePath(fixture, to: packageRoot),
                              seconds: 0, outcome: outcome)
        }
    }

    static func relativePath(_ file: URL, to root: URL) -> String {
        let path = file.standardizedFileURL.path
        let base = root.standardizedFileURL.path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : file.path
    }
}

/// Exit status 0 when every case passed or was skipped, 1 when one failed or errored.
public func matrixExitStatus(_ suites: [SuiteResult]) -> Int32 {
    let bad = suites.contains { suite in
        suite.cases.contains {
            switch $0.outcome {
            case .failed, .errored: true
            case .passed, .skipped: false
            }
        }
    }
    return bad ? 1 : 0
}
