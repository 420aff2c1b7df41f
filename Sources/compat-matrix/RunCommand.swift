// `compat-matrix run` (the default): builds and tests the selected SQLites x modes, writes reports;
// or, with --driver and --extension, runs the fixtures with binaries built elsewhere (under --emulator).
import ArgumentParser
import CompatMatrix
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Build vec_graph against each selected SQLite and mode, run the fixtures, report.")

    @OptionGroup var shared: SharedOptions

    @Option(help: "Comma list of versions and sets: 3.25.2, default, boundary, all, latest, system, available (sources cached or in a mirror folder).")
    var versions = "default"

    @Option(help: "Comma list of modes: plain, asan, msan (skipped where the compiler lacks it), and the fault-injection modes oom and ioerr (asan binaries; docs/compat-matrix.md).")
    var modes = "plain,asan"

    @Option(name: .customLong("fault-points"), help: "Fault points the oom and ioerr modes try per record: sample (default), all, sites (the first point of every call site) or new-sites (of every site no earlier record of the file failed, and each record's last point); GLOB=KIND (repeatable) for the fixture files matching GLOB, the first matching rule deciding.")
    var faultPoints: [String] = []

    @Option(name: .customLong("fault-timeout"), help: "Timeout of one fixture file's run in the oom and ioerr modes, in seconds.")
    var faultTimeout: Int = 3600

    @Option(name: .customLong("mode-versions"),
            help: "MODE=VERSIONS: run MODE only on the SQLites that VERSIONS selects too (repeatable), e.g. msan=boundary.")
    var modeVersions: [String] = []

    @Option(help: "Versions whose SQLite asan instruments too (e.g. boundary); elsewhere asan drivers link the plain sqlite3.o. Default: all.")
    var instrumentSqlite: String?

    @Option(help: "A prebuilt vg_driver to run instead of building one (needs --extension).")
    var driver: String?

    @Option(name: .customLong("extension"), help: "A prebuilt vec_graph library to load (needs --driver).")
    var extensionLibrary: String?

    @Option(help: "A command to run the prebuilt driver under, e.g. \"qemu-aarch64-static -L /usr/aarch64-linux-gnu\" or wine64.")
    var emulator: String?

    @Option(help: "The suite name of a prebuilt run (default: prebuilt).")
    var suite = "prebuilt"

    @Option(help: "Prebuilt run: the load case also checks vec_graph_kernel() (e.g. neon, avx2; a comma list: any of them).")
    var expectKernel: String?

    @Option(help: "Prebuilt run: the driver must report this SQLite version.")
    var expectSqlite: String?

    @Option(help: "Glob of fixture files under the fixture root, repeatable: the files matching any (default: every **/*.test).")
    var fixtures: [String] = []

    @Option(help: "The fixture root folder (default: <package-root>/Fixtures).")
    var fixtureRoot: String?

    @Option(help: "Run only shard I of N (1-based), e.g. 2/4: (version, mode) units are dealt round-robin.")
    var shard: String?

    @Option(help: "Parallel builds and runs (default: the number of cores).")
    var jobs: Int?

    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY).")
    var summary: String?

    @Option(help: "Timeout of one fixture file's run, in seconds.")
    var timeout: Int = 60

    @Option(help: "Extra compiler flags for the extension only, e.g. \"-DVG_FAULT_INJECTION\".")
    var extensionCflags: String = ""

    @Option(help: "The C compiler.")
    var cc = "clang"

    @Flag(help: "Run every fixture file, even those whose identical run passed before (the result cache).")
    var rerun = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if timeout < 1 || faultTimeout < 1 { throw ValidationError("--timeout and --fault-timeout must be at least 1 second") }
        for item in faultPoints where FaultPoints(rawValue: item) == nil && FaultPointRule(item) == nil {
            throw ValidationError("--fault-points \(item): want sample, all, sites or new-sites, or GLOB=KIND (e.g. 'hnsw/*=sites')")
        }
    }

    func run() async throws {
        var options = try shared.matrixOptions()
        options.versions = versions
        options.modes = try modes.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let mode = BuildMode(rawValue: trimmed) else {
                throw MatrixConfigurationError("--modes: unknown mode '\(trimmed)' (plain, asan, msan, oom, ioerr)")
            }
            return mode
        }
        guard !options.modes.isEmpty else { throw MatrixConfigurationError("--modes is empty") }
        options.fixtureGlobs = fixtures
        if let fixtureRoot { options.fixtureRoot = resolve(fixtureRoot, options) }
        if let shard { options.shard = try MatrixShard(shard) }
        if let jobs { options.jobs = jobs }
        options.junit = junit.map { resolve($0, options) }
        options.summary = summary.map { resolve($0, options) }
        options.timeout = .seconds(timeout)
        options.faultTimeout = .seconds(faultTimeout)
        for item in faultPoints {
            if let points = FaultPoints(rawValue: item) { options.faultPoints = points }
            else if let rule = FaultPointRule(item) { options.faultPointRules.append(rule) }
        }
        options.extensionCFlags = extensionCflags.split(whereSeparator: \.isWhitespace).map(String.init)
        options.compiler = cc
        options.rerun = rerun
        options.instrumentSQLite = instrumentSqlite
        for item in modeVersions {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let mode = BuildMode(rawValue: parts[0]), !parts[1].isEmpty else {
                throw MatrixConfigurationError("--mode-versions \(item): want MODE=VERSIONS, e.g. msan=boundary")
            }
            options.modeVersions[mode] = parts[1]
        }
        switch (driver, extensionLibrary) {
        case (nil, nil): break
        case (let driver?, let library?):
            var expectedSQLite: SQLiteVersion?
            if let expectSqlite {
                guard let version = SQLiteVersion(expectSqlite) else {
                    throw MatrixConfigurationError("--expect-sqlite \(expectSqlite): not a version")
                }
                expectedSQLite = version
            }
            options.prebuilt = PrebuiltTarget(
                driver: resolve(driver, options), extensionLibrary: resolve(library, options),
                emulator: (emulator ?? "").split(whereSeparator: \.isWhitespace).map(String.init), suiteName: suite,
                expectKernel: expectKernel, expectSQLite: expectedSQLite)
        default:
            throw MatrixConfigurationError("--driver and --extension go together")
        }

        let report = try await MatrixRunner(options: options, logger: LoggingSetup.logger()).run()
        print(report.summary)
        print("time: \(report.timings); \(report.built.count) build(s) made, the rest from the cache"
              + (report.buildBreakdown.isEmpty ? "" : " (\(report.buildBreakdown))"))
        throw ExitCode(report.exitStatus)
    }

    private func resolve(_ path: String, _ options: MatrixOptions) -> URL {
        URL(fileURLWithPath: path).standardizedFileURL
    }
}
