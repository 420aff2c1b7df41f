// One (SQLite, mode) unit: build its driver and both extension builds, then run every fixture
// file against each, giving two suites (release, native). Failures become errored cases.
import Foundation

struct MatrixUnitRunner: Sendable {
    var builder: Builder
    var fixtures: [URL]
    var options: MatrixOptions
    /// Headers per release version, or why the version could not be prepared.
    var headers: [SQLiteVersion: Result<BuilderHeaders, SourceError>]
    var systemHeaders: BuilderHeaders?
    /// The newest headers, for the release build of the extension.
    var releaseHeaders: Result<BuilderHeaders, SourceError>
    var workRoot: URL
    var progress: MatrixProgress
    var timings: MatrixTimings
    var results: ResultCache
    /// At most --jobs fixture-file runs at once across the whole run.
    var slots: MatrixSlots
    /// The SQLites whose sqlite3.o asan instruments (nil: all); see MatrixOptions.instrumentSQLite.
    var instrumentedSQLite: Set<MatrixTarget>?

    func run(_ unit: MatrixUnit) async -> [SuiteResult] {
        if unit.mode == .msan, !builder.toolchain.supportsMSan {
            await progress.built(unit, outcome: "skipped (no MemorySanitizer)")
            return suites(unit, .skipped(message: "msan: \(builder.toolchain.compiler) cannot build with -fsanitize=memory here"))
        }
        if unit.mode == .msan, unit.target.isSystem {
            await progress.built(unit, outcome: "skipped (system SQLite not instrumented)")
            return suites(unit, .skipped(message: "msan: the system libsqlite3 is not instrumented, so MemorySanitizer would report false positives"))
        }
        let started = ContinuousClock.now
        let built = await build(unit)
        await timings.add(.build, ContinuousClock.now - started)
        var results: [SuiteResult] = []
        for build in ExtensionBuild.allCases {
            switch built {
            case .failure(let failure):
                results.append(suite(unit, build, errored(failure)))
            case .success(let (driver, extensions)):
                switch extensions[build]! {
                case .failure(let failure as BuildSkip): results.append(suite(unit, build, .skipped(message: failure.reason)))
                case .failure(let failure): results.append(suite(unit, build, errored(asFailure(failure, step: build.rawValue))))
                case .success(let library): results.append(await runFixtures(unit, build, driver: driver, library: library))
                }
            }
            let last = results[results.count - 1]
            await progress.ran(last.name, fixtureFiles: fixtures.count, summary: MatrixUnitRunner.tally(last))
        }
        return results
    }

    private typealias Built = (driver: URL, extensions: [ExtensionBuild: Result<URL, Error>])

    /// A build not made on purpose: its suite's cases are skipped with the reason.
    private struct BuildSkip: Error {
        var reason: String
    }

    private func build(_ unit: MatrixUnit) async -> Result<Built, BuildFailure> {
        let own: BuilderHeaders
        switch unit.target {
        case .release(let version):
            switch headers[version] ?? .failure(SourceError("SQLite \(version) was not prepared")) {
            case .success(let prepared): own = prepared
            case .failure(let error):
                await progress.built(unit, outcome: "no sources")
                return .failure(BuildFailure(step: "getting the sources of SQLite \(version)", output: error.description))
            }
        case .system:
            own = systemHeaders!
        }
        let driver: URL
        let mode = unit.mode.buildMode
        let sqliteMode: BuildMode = mode == .asan && instrumentedSQLite?.contains(unit.target) == false ? .plain : mode
        do { driver = try await builder.driver(for: unit.target, headers: own, mode: mode, sqliteMode: sqliteMode) } catch {
            await progress.built(unit, outcome: "driver build failed")
            return .failure(asFailure(error, step: "vg_driver \(unit)"))
        }
        var extensions: [ExtensionBuild: Result<URL, Error>] = [:]
        for build in ExtensionBuild.allCases {
            let headers: Result<BuilderHeaders, SourceError> = build == .release ? releaseHeaders : .success(own)
            if build == .native, unit.mode.faults != nil {
                extensions[build] = .failure(BuildSkip(reason:
                    "\(unit.mode.rawValue): the fault-injection modes run the release build only (what ships)"))
                continue
            }
            if build == .native, !own.hasExtensionHeader {
                extensions[build] = .failure(BuildSkip(reason:
                    "native build skipped: \(own.origin) has no sqlite3ext.h, so the extension cannot be compiled "
                    + "against SQLite \(own.version)'s own headers (the release build ran)"))
                continue
            }
            switch headers {
            case .failure(let error):
                extensions[build] = .failure(BuildFailure(step: "finding headers for the release build", output: error.description))
            case .success(let headers):
                do { extensions[build] = .success(try await builder.extensionLibrary(headers: headers, mode: mode)) } catch {
                    extensions[build] = .failure(asFailure(error, step: "vec_graph.so \(build.rawValue) \(unit)"))
                }
            }
        }
        let failed = extensions.values.contains { if case .failure(let error) = $0 { !(error is BuildSkip) } else { false } }
        await progress.built(unit, outcome: failed ? "extension build failed" : "ok")
        return .success((driver, extensions))
    }

    private func runFixtures(_ unit: MatrixUnit, _ build: ExtensionBuild, driver: URL, library: URL) async -> SuiteResult {
        let started = ContinuousClock.now
        let name = SuiteResult(sqliteLabel: unit.target.label, mode: unit.mode, build: build, cases: []).name
        let work = workRoot.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let environment = (builder.profiles[unit.mode.buildMode]?.environment ?? [:])
            .merging(options.environment) { _, extra in extra }
        let faults = unit.mode.faults, timeout = options.timeout(for: unit.mode), version = unit.target.version
        // A fault mode's files take minutes each: they run side by side (at most --jobs driver processes
        // in the whole run, the slots), so that one long file does not leave the other cores idle.
        let cases = await MatrixLimiter.map(fixtures, limit: faults == nil ? 1 : options.jobs) { fixture in
            let name = FixtureIdentity(fixture: fixture, root: options.fixtureRoot).name
            let arguments = faults.map { ["--faults", $0, "--fault-points", options.faultPoints(forFixture: name).rawValue] } ?? []
            return await results.cases(for: FixtureRunRequest(
                driver: driver, extensionPath: library, fixture: fixture, fixtureRoot: options.fixtureRoot,
                sqliteVersion: version, timeout: timeout, environment: environment,
                workDirectory: work, driverArguments: arguments)) { request in await slots.holding { await runFixtureFile(request) } }
        }.flatMap { $0 }
        await timings.add(.run, ContinuousClock.now - started)
        return SuiteResult(sqliteLabel: unit.target.label, mode: unit.mode, build: build, cases: cases)
    }

    private func suites(_ unit: MatrixUnit, _ outcome: CaseOutcome) -> [SuiteResult] {
        ExtensionBuild.allCases.map { suite(unit, $0, outcome) }
    }

    private func suite(_ unit: MatrixUnit, _ build: ExtensionBuild, _ outcome: CaseOutcome) -> SuiteResult {
        SuiteResult(sqliteLabel: unit.target.label, mode: unit.mode, build: build,
                    cases: MatrixCases.placeholders(fixtures, fixtureRoot: options.fixtureRoot,
                                                    packageRoot: options.packageRoot, outcome: outcome))
    }

    private func errored(_ failure: BuildFailure) -> CaseOutcome {
        .errored(message: "\(failure.step) failed", details: failure.output)
    }

    private func asFailure(_ error: Error, step: String) -> BuildFailure {
        error as? BuildFailure ?? BuildFailure(step: step, output: "\(error)")
    }

    static func tally(_ suite: SuiteResult) -> String {
        var passed = 0, failed = 0, skipped = 0
        for result in suite.cases {
            switch result.outcome {
            case .passed: passed += 1
            case .failed, .errored: failed += 1
            case .skipped: skipped += 1
            }
        }
        return "\(passed) passed, \(failed) failed, \(skipped) skipped"
    }
}
