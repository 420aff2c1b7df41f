// Runs the fixtures with a driver and an extension built elsewhere (release binaries, cross builds),
// possibly under an emulator, through the same parser, runner and reports as the matrix: one suite,
// whose first case (`load`) loads the extension and checks vec_graph_version() against VERSION, and
// vec_graph_kernel() and the SQLite version when asked. Gates are evaluated against the SQLite the
// driver reports.
import Foundation

struct PrebuiltRunner: Sendable {
    var target: PrebuiltTarget
    var fixtures: [URL]
    var options: MatrixOptions
    var work: URL

    func run() async -> [SuiteResult] {
        let folder = work.appendingPathComponent("prebuilt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (load, version) = await loadCase(in: folder)
        var cases = [load]
        if let version {
            for fixture in fixtures {
                cases += await runFixtureFile(request(fixture, version: version, folder: folder))
            }
        } else {
            cases += MatrixCases.placeholders(fixtures, fixtureRoot: options.fixtureRoot, packageRoot: options.packageRoot,
                                              outcome: .errored(message: "not run: the load case failed", details: ""))
        }
        return [SuiteResult(sqliteLabel: target.suiteName, mode: .plain, build: .release, cases: cases,
                            customName: target.suiteName)]
    }

    private func request(_ fixture: URL, version: SQLiteVersion, folder: URL) -> FixtureRunRequest {
        FixtureRunRequest(driver: target.driver, extensionPath: target.extensionLibrary, fixture: fixture,
                          fixtureRoot: options.fixtureRoot, sqliteVersion: version, timeout: options.timeout,
                          environment: options.environment, workDirectory: folder, emulator: target.emulator)
    }

    /// The `load` case and, when the driver reported one, the SQLite version to gate the fixtures with.
    private func loadCase(in folder: URL) async -> (CaseResult, SQLiteVersion?) {
        func result(_ outcome: CaseOutcome, _ out: String = "") -> CaseResult {
            CaseResult(group: "load", name: "load", seconds: 0, outcome: outcome, systemOut: out)
        }
        let probe = DriverScriptRecord(line: 1, isQuery: true,
                                       sql: "SELECT sqlite_version(), vec_graph_version(), vec_graph_kernel()")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(encodeDriverScript([probe])).write(to: folder.appendingPathComponent("script.bin"))
        } catch {
            return (result(.errored(message: "cannot write the probe script: \(error)", details: "")), nil)
        }
        let run = await runDriver(target.driver, emulator: target.emulator,
                                  arguments: ["--db", "test.db", "--script", "script.bin",
                                              "--extension", target.extensionLibrary.path],
                                  environment: options.environment, timeout: options.timeout, in: folder)
        let transcript = DriverTranscript(run.stdout)
        let stderr = String(decoding: run.stderr, as: UTF8.self)
        let status = run.status.map { "\($0)" } ?? run.launchError ?? (run.timedOut ? "timed out" : "?")
        guard let reported = transcript.sqliteVersion.flatMap(SQLiteVersion.init) else {
            return (result(.errored(message: "the driver did not report its SQLite (\(status))", details: stderr), stderr), nil)
        }
        guard transcript.load == .ok, let row = transcript.records.first?.rows.first, row.count == 3 else {
            let why = if case .failed(let message)? = transcript.load { message } else { "probe query failed (\(status))" }
            return (result(.errored(message: "extension did not load: \(why)", details: stderr), stderr), nil)
        }
        let (sqlite, version, kernel) = (textValue(row[0]), textValue(row[1]), textValue(row[2]))
        let expectedVersion = (try? String(contentsOf: options.packageRoot.appendingPathComponent("VERSION"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        var problems: [String] = []
        if version != expectedVersion { problems.append("vec_graph_version() is \(version), VERSION is \(expectedVersion)") }
        if let kernelWanted = target.expectKernel, !kernelWanted.split(separator: ",").contains(Substring(kernel)) {
            problems.append("vec_graph_kernel() is \(kernel), expected \(kernelWanted)")
        }
        if let sqliteWanted = target.expectSQLite, reported != sqliteWanted {
            problems.append("SQLite is \(sqlite), expected \(sqliteWanted)")
        }
        let what = "SQLite \(sqlite), vec_graph \(version), kernel \(kernel)"
        let outcome: CaseOutcome = problems.isEmpty ? .passed : .failed(message: problems.joined(separator: "; "), details: what)
        return (result(outcome, what), reported)
    }
}
