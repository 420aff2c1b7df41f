// Where a run's time went: fetch (wall), build and run (summed over parallel jobs), and total wall.
import Foundation

public actor MatrixTimings {
    public private(set) var fetch: Duration = .zero
    public private(set) var build: Duration = .zero
    public private(set) var run: Duration = .zero

    /// Fixture-file runs reused from the result cache, of all of them.
    public private(set) var reused = 0
    public private(set) var fixtureRuns = 0

    public init() {}

    public func noteReused(_ reused: Int, of total: Int) {
        self.reused = reused
        fixtureRuns = total
    }

    public enum Phase: Sendable { case fetch, build, run }

    public func add(_ phase: Phase, _ duration: Duration) {
        switch phase {
        case .fetch: fetch += duration
        case .build: build += duration
        case .run: run += duration
        }
    }

    /// "fetch 1.2s, build 40.1s, run 12.0s (build and run summed over jobs), wall 30.5s"
    public func line(wall: Duration) -> String {
        "fetch \(seconds(fetch)), build \(seconds(build)), run \(seconds(run)) "
            + "(build and run summed over jobs), wall \(seconds(wall))"
            + (fixtureRuns > 0 ? "; \(reused) of \(fixtureRuns) fixture-file runs reused from the result cache" : "")
    }

    private func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1fs", value)
    }
}
