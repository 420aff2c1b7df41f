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

    public init(driver: URL, extensionPath: URL?, fixture: URL, fixtureRoot: URL, sqliteVersion: SQLiteVersion,
                timeout: Duration, environment: [String: String] = [:], workDirectory: URL) {
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
    var arguments = ["--db", folder.appendingPathComponent("test.db").path, "--script", scriptFile.path]
    if let extensionPath = request.extensionPath { arguments += ["--extension", extensionPath.path] }
    let run = await runDriverProcess(executable: request.driver, arguments: arguments,
                                     environment: request.environment, timeout: request.timeout)
    return caseResults(planned, run: run, identity: identity, expected: request.sqliteVersion, timeout: request.timeout)
}
