// Progress of a run. On a terminal (isatty(1)): one status line redrawn in place (fetch %, builds
// done/total, fixture files run/total). Otherwise: plain log lines at each milestone.
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public actor MatrixProgress {
    private let live: Bool
    private let logger: Logger
    private var fetchesDone = 0, fetchesTotal = 0
    private var downloading: [SQLiteVersion: (Int64, Int64)] = [:]
    private var unitsBuilt = 0, unitsTotal = 0
    private var filesRun = 0, filesTotal = 0
    private var lastDraw = ContinuousClock.now - .seconds(1)

    /// `live` nil means: live exactly when standard output is a terminal.
    public init(logger: Logger, live: Bool? = nil) {
        self.logger = logger
        self.live = live ?? (isatty(1) == 1)
    }

    public func start(fetches: Int, units: Int, fixtureRuns: Int) {
        fetchesTotal = fetches
        unitsTotal = units
        filesTotal = fixtureRuns
        draw(force: true)
    }

    public func downloaded(_ version: SQLiteVersion, written: Int64, total: Int64) {
        downloading[version] = (written, total)
        draw()
    }

    public func fetched(_ version: SQLiteVersion, outcome: String) {
        downloading[version] = nil
        fetchesDone += 1
        note("sqlite \(version): \(outcome) [sources \(fetchesDone)/\(fetchesTotal)]")
    }

    public func built(_ unit: MatrixUnit, outcome: String) {
        unitsBuilt += 1
        note("built \(unit): \(outcome) [builds \(unitsBuilt)/\(unitsTotal)]")
    }

    public func ran(_ suite: String, fixtureFiles: Int, summary: String) {
        filesRun += fixtureFiles
        note("\(suite): \(summary) [fixture files \(filesRun)/\(filesTotal)]")
    }

    /// Clears the live line before the final report.
    public func finish() {
        if live { write("\r\u{1B}[K") }
    }

    private func note(_ message: String) {
        if live { draw(force: true) } else { logger.info("\(message)") }
    }

    private func draw(force: Bool = false) {
        guard live else { return }
        let now = ContinuousClock.now
        guard force || now - lastDraw > .milliseconds(100) else { return }
        lastDraw = now
        var fetch = "sources \(fetchesDone)/\(fetchesTotal)"
        let (written, total) = downloading.values.reduce((Int64(0), Int64(0))) { ($0.0 + $1.0, $0.1 + max(0, $1.1)) }
        if !downloading.isEmpty {
            fetch += total > 0 ? " (downloading \(written * 100 / total)%)" : " (downloading \(written / 1024) KiB)"
        }
        write("\r\u{1B}[K\(fetch) | builds \(unitsBuilt)/\(unitsTotal) | fixture files \(filesRun)/\(filesTotal)")
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
