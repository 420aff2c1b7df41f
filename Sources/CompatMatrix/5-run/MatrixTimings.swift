// Where a run's time went: fetch (wall), build and run (summed over parallel jobs), and total wall.
import Foundation

public actor MatrixTimings {
    public private(set) var fetch: Duration = .zero
    public private(set) var build: Duration = .zero
    public private(set) var run: Duration = .zero

    public init() {}

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
    }

    private func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1fs", value)
    }
}
