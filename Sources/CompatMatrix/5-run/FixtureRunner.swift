// The public entry point: run one fixture file in one vg_driver process and report one case per record.

import Foundation

public struct FixtureRunRequest: Sendable {
    /// The built vg_driver executable.
    public var driver: URL
    /// Passed as is to sqlite3_load_extension (nil: run without the extension).
    public var extensionPath: URL?
    /// The .test file.
    public var fixture: URL
    /// The Fixtures/ folder: case names are relative to it, the group is the first folder under it.
    public var fixtureRoot: URL
    /// The version under test: gates are evaluated against it, and the driver must report it.
    public var sqliteVersion: SQLiteVersion
    /// For the whole driver process of this file.
    public var timeout: Duration
    /// Extra environment (ASAN_OPTIONS, ...), merged over the inherited one.
    public var environment: [String: String]
    /// A scratch folder for the database file and the script.
    public var workDirectory: URL
    /// A command put in front of the driver (an emulator: qemu, wine); empty to run the driver itself.
    public var emulator: [String] = []
    /// More arguments for the driver (`--faults oom --fault-points sample`).
    public var driverArguments: [String] = []

    public init(driver: URL, extensionPath: URL?, fixture: URL, fixtureRoot: URL, sqliteVersion: SQLiteVersion,
                timeout: Duration, environment: [String: String] = [:], workDirectory: URL, emulator: [String] = [],
                driverArguments: [String] = []) {
        self.emulator = emulator
        self.driverArguments = driverArguments
        self.driver = driver
        self.extensionPath = extensionPath
        self.fixture = fixture
        self.fixtureRoot = fixtureRoot
        self.sqliteVersion = sqliteVersion
        self.timeout = timeout
        self.environment = environment
        self.workDirectory = workDirectory
    }
}

/// Runs one fixture file. Gated records are skipped cases; a file that does not parse is one errored case.
public func runFixtureFile(_ request: FixtureRunRequest) async -> [CaseResult] {
    let identity = FixtureIdentity(fixture: request.fixture, root: request.fixtureRoot)
    let fixture: Fixture
    do {
        let text = try String(contentsOf: request.fixture, encoding: .utf8)
        fixture = try parseFixture(text, name: identity.name)
    } catch let error as FixtureParseError {
        return [identity.fileCase(.errored(message: error.description, details: error.description), line: error.line)]
    } catch {
        let message = "cannot read fixture: \(error.localizedDescription)"
        return [identity.fileCase(.errored(message: message, details: message))]
    }
    let planned = planFixture(fixture, running: request.sqliteVersion)
    let script = planned.filter(\.runs).compactMap(\.scriptRecord)
    if script.isEmpty {
        return planned.map { identity.recordCase($0.record.line, .skipped(message: $0.skip ?? "")) }
    }

    let folder = request.workDirectory.appendingPathComponent("fixture-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let scriptFile = folder.appendingPathComponent("script.bin")
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(encodeDriverScript(script)).write(to: scriptFile)
    } catch {
        let message = "cannot write the driver script in \(folder.path): \(error.localizedDescription)"
        return planned.map { identity.recordCase($0.record.line, $0.skip.map { .skipped(message: $0) }
                                                   ?? .errored(message: message, details: message)) }
    }
    var arguments = ["--db", "test.db", "--script", "script.bin"]
    if let extensionPath = request.extensionPath { arguments += ["--extension", extensionPath.path] }
    arguments += request.driverArguments
    let run = await runDriver(request.driver, emulator: request.emulator, arguments: arguments,
                              environment: request.environment, timeout: request.timeout, in: folder)
    return caseResults(planned, run: run, identity: identity, expected: request.sqliteVersion, timeout: request.timeout)
}

/// Runs the driver in `folder` (so that its paths are relative: wine reads them too), under the emulator
/// if there is one. An emulator that fails before the driver printed anything (wine's server on a busy
/// machine) gets one more try, noted at the top of stderr; that failure says nothing about vec_graph.
func runDriver(_ driver: URL, emulator: [String], arguments: [String], environment: [String: String],
               timeout: Duration, in folder: URL) async -> DriverRun {
    let command = emulator + [driver.path] + arguments
    let attempts = emulator.isEmpty ? 1 : 2
    var note = ""
    var run = DriverRun()
    for attempt in 1...attempts {
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("test.db"))
        run = await runDriverProcess(executable: command[0], arguments: Array(command.dropFirst()),
                                     environment: environment, timeout: timeout, in: folder)
        let failedBeforeOutput = run.stdout.isEmpty && !run.timedOut && run.status?.isSuccess != true
        guard failedBeforeOutput, attempt < attempts else { break }
        note = "[compat-matrix: \(emulator[0]) failed (\(run.status.map { "\($0)" } ?? run.launchError ?? "?")) "
            + "before the driver printed anything; started it once more]\n" + String(decoding: run.stderr, as: UTF8.self) + "\n"
    }
    if !note.isEmpty { run.stderr = Array(note.utf8) + run.stderr }
    return run
}
