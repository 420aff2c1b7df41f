// What the fault-injection modes tried in one record: vg_driver's FAULTS line (vg_driver_faults.h),
// summed per suite for the reports.

public struct FaultTally: Sendable, Equatable, Codable {
    /// "oom" or "ioerr".
    public var mode: String
    /// Fault points (allocations; reads, writes, syncs, truncates) the fault-free run made.
    public var points: Int
    /// Points tried, and the runs that took (transient, persistent, SQLITE_FULL).
    public var tried: Int
    public var runs: Int
    /// Runs that ended in the injected error (the rest succeeded with the fault-free result).
    public var failed: Int
    /// Distinct call sites among the points, and those where an injected fault fired.
    public var sites: Int
    public var sitesFailed: Int

    public init(mode: String, points: Int, tried: Int, runs: Int, failed: Int, sites: Int, sitesFailed: Int) {
        self.mode = mode
        self.points = points
        self.tried = tried
        self.runs = runs
        self.failed = failed
        self.sites = sites
        self.sitesFailed = sitesFailed
    }

    /// Parses "FAULTS <mode> <points> <tried> <runs> <failed> <sites> <sites-failed>".
    init?(line: String) {
        let words = line.split(separator: " ")
        guard words.count == 8, words[0] == "FAULTS" else { return nil }
        let numbers = words[2...].compactMap { Int($0) }
        guard numbers.count == 6, numbers.allSatisfy({ $0 >= 0 }) else { return nil }
        self.init(mode: String(words[1]), points: numbers[0], tried: numbers[1], runs: numbers[2], failed: numbers[3],
                  sites: numbers[4], sitesFailed: numbers[5])
    }

    /// The sum of several records' tallies (of one mode).
    static func sum(_ tallies: [FaultTally]) -> FaultTally? {
        guard let first = tallies.first else { return nil }
        return tallies.dropFirst().reduce(first) { total, t in
            FaultTally(mode: total.mode, points: total.points + t.points, tried: total.tried + t.tried,
                       runs: total.runs + t.runs, failed: total.failed + t.failed, sites: total.sites + t.sites,
                       sitesFailed: total.sitesFailed + t.sitesFailed)
        }
    }

    /// "oom: 24 fault points, 24 tried in 48 runs (47 failed), 23 sites, 23 of them failed".
    public var summary: String {
        "\(mode): \(points) fault points, \(tried) tried in \(runs) runs (\(failed) failed), "
            + "\(sites) call sites, \(sitesFailed) of them failed"
    }
}
