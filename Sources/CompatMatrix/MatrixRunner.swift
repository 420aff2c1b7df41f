// Runs the whole matrix: select SQLites, prepare their sources, pick the newest headers, build and
// run every (SQLite, mode) unit up to --jobs at a time, then write the JUnit and Markdown reports.
import Foundation
import Logging

/// What a run produced.
public struct MatrixReport: Sendable {
    public var suites: [SuiteResult]
    /// 0 all passed, 1 a case failed or errored.
    public var exitStatus: Int32
    /// The Markdown summary (also written to --summary).
    public var summary: String
    /// "fetch …, build …, run …, wall …".
    public var timings: String
    /// Build-cache folders built (not found) during the run.
    public var built: [String]
    /// The releases whose sources could not be had, why, and the offline way to run; nil if none.
    public var unavailable: String?
    /// Build time by kind of output: "driver 50 in 20.1s, ext 80 in 150.2s, sqlite3 48 in 160.3s".
    public var buildBreakdown = ""
}

public struct MatrixRunner: Sendable {
    public var options: MatrixOptions
    public var logger: Logger

    public init(options: MatrixOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// Throws MatrixConfigurationError for bad usage or configuration (exit status 2).
    public func run() async throws -> MatrixReport {
        let clock = ContinuousClock.now
        let manifest = try Manifest.load(from: options.manifest)
        let cache = SourceCache(root: options.cache)
        let progress = MatrixProgress(logger: logger, live: options.liveProgress)
        let timings = MatrixTimings()
        let preparer = SourcePreparer(
            cache: cache, mirrors: options.mirrors, offline: options.offline,
            allowUnverified: options.allowUnverified, logger: logger,
            onDownload: { version, written, total in
                Task { await progress.downloaded(version, written: written, total: total) }
            })
        let fixtures = listFixtures(root: options.fixtureRoot, globs: options.fixtureGlobs)
        guard !fixtures.isEmpty else {
            let globs = options.fixtureGlobs.isEmpty ? "**/*.test" : options.fixtureGlobs.joined(separator: " or ")
            throw MatrixConfigurationError("no fixture file in \(options.fixtureRoot.path) matches \(globs)")
        }
        if let prebuilt = options.prebuilt {
            return try await finish(PrebuiltRunner(target: prebuilt, fixtures: fixtures, options: options,
                                                   work: cache.work).run(), unavailable: [], timings: timings,
                                    started: clock, built: [])
        }
        let systemHeaders = BuilderHeaders.system(in: options.systemInclude)
        let selection = ManifestSelection(manifest: manifest, systemVersion: systemHeaders?.version,
                                          isAvailable: preparer.isAvailableLocally)
        let targets = try selection.targets(for: options.versions)
        var limits: [BuildMode: Set<MatrixTarget>] = [:]
        for (mode, expression) in options.modeVersions { limits[mode] = Set(try selection.targets(for: expression)) }
        let instrumented = try options.instrumentSQLite.map { Set(try selection.targets(for: $0)) }
        var profiles: [BuildMode: SanitizerProfile] = [:]
        for mode in Set(options.modes.map(\.buildMode) + [.plain]) {
            profiles[mode] = try SanitizerProfile.load(mode, from: options.sanitizers)
        }
        let sources = try BuilderSources.load(packageRoot: options.packageRoot, extensionFolder: options.extensionFolder)
        let toolchain = try await BuilderToolchain.probe(options.compiler, scratch: cache.work)
        let builder = Builder(toolchain: toolchain, cache: BuildCache(root: cache.builds), sources: sources,
                              profiles: profiles, extensionCFlags: options.extensionCFlags)
        let plan = MatrixPlan(targets: targets, modes: options.modes, shard: options.shard, limits: limits)
        logger.info("compat-matrix: \(plan.units.count) unit(s) [\(plan.units.map(\.description).joined(separator: ", "))], shard \(options.shard), \(fixtures.count) fixture file(s), jobs \(options.jobs)")
        await progress.start(fetches: plan.releaseVersions.count, units: plan.units.count,
                             fixtureRuns: plan.suiteCount * fixtures.count)

        let fetchStarted = ContinuousClock.now
        let headers = await prepareAll(plan.releaseVersions, manifest: manifest, preparer: preparer, progress: progress)
        let releaseHeaders = plan.units.isEmpty ? .failure(SourceError("nothing to build"))
            : await newestHeaders(manifest: manifest, preparer: preparer, system: systemHeaders)
        await timings.add(.fetch, ContinuousClock.now - fetchStarted)

        let workRoot = cache.work.appendingPathComponent("run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: workRoot) }
        let results = ResultCache(folder: cache.root.appendingPathComponent("results"), enabled: !options.rerun)
        let unitRunner = MatrixUnitRunner(
            builder: builder, fixtures: fixtures, options: options, headers: headers, systemHeaders: systemHeaders,
            releaseHeaders: releaseHeaders, workRoot: workRoot, progress: progress, timings: timings, results: results,
            slots: MatrixSlots(options.jobs), instrumentedSQLite: instrumented)
        let suites = await MatrixLimiter.map(plan.units, limit: options.jobs) { await unitRunner.run($0) }.flatMap { $0 }
        await progress.finish()
        let unavailable = headers.compactMap { version, result -> UnavailableSources? in
            guard case .failure(let error) = result else { return nil }
            return UnavailableSources(version: version, error: error)
        }.sorted { $0.version < $1.version }
        await timings.noteReused(await results.reused, of: await results.total)
        var report = try await finish(suites, unavailable: unavailable, timings: timings, started: clock,
                                      built: await builder.cache.built,
                                      notes: instrumentationNote(targets: targets, instrumented: instrumented))
        report.buildBreakdown = await builder.cache.breakdown
        return report
    }

    /// With --instrument-sqlite and asan: where SQLite itself was instrumented, for the summary.
    private func instrumentationNote(targets: [MatrixTarget], instrumented: Set<MatrixTarget>?) -> [String] {
        guard let instrumented, options.modes.contains(where: { $0.buildMode == .asan }) else { return [] }
        let labels = targets.filter(instrumented.contains).filter { !$0.isSystem }.map(\.label)
        return ["asan: SQLite itself is instrumented on \(labels.isEmpty ? "none" : labels.joined(separator: ", ")); "
                + "on the other releases the driver and the extension are, linking the plain sqlite3.o "
                + "(ASan's allocator and libc interceptors still watch every allocation and copy)."]
    }

    /// Writes the reports and returns what the run produced.
    private func finish(_ suites: [SuiteResult], unavailable: [UnavailableSources], timings: MatrixTimings,
                        started: ContinuousClock.Instant, built: [String], notes: [String] = []) async throws -> MatrixReport {
        let title = "vec_graph compat matrix" + (options.shard == .whole ? "" : " (shard \(options.shard))")
        let summary = markdownSummary(suites, title: title, unavailable: unavailable, notes: notes)
        try write(junitXML(suites, timestamp: Date()), to: options.junit)
        try write(summary, to: options.summary)
        return MatrixReport(suites: suites, exitStatus: matrixExitStatus(suites), summary: summary,
                            timings: await timings.line(wall: ContinuousClock.now - started), built: built,
                            unavailable: unavailableNotice(unavailable))
    }

    private func prepareAll(_ versions: [SQLiteVersion], manifest: Manifest, preparer: SourcePreparer,
                            progress: MatrixProgress) async -> [SQLiteVersion: Result<BuilderHeaders, SourceError>] {
        let results = await MatrixLimiter.map(versions, limit: options.jobs) { version in
            do {
                let prepared = try await preparer.prepare(manifest.release(named: version.description)!)
                await progress.fetched(version, outcome: "ready (\(prepared.file), \(prepared.origin))")
                return Result<BuilderHeaders, SourceError>.success(BuilderHeaders(prepared: prepared, folder: prepared.folder!))
            } catch {
                await progress.fetched(version, outcome: "FAILED")
                logger.info("\(error)")
                return .failure(error as? SourceError ?? SourceError("\(error)"))
            }
        }
        return Dictionary(uniqueKeysWithValues: zip(versions, results))
    }

    /// The newest release whose sources can be had (locally first; online, the newest in the manifest),
    /// else the system headers with a warning.
    private func newestHeaders(manifest: Manifest, preparer: SourcePreparer,
                               system: BuilderHeaders?) async -> Result<BuilderHeaders, SourceError> {
        var candidates = manifest.sortedReleases.reversed().filter(preparer.isAvailableLocally)
        if !options.offline, let newest = manifest.sortedReleases.last,
           candidates.first?.sqliteVersion != newest.sqliteVersion {
            candidates.insert(newest, at: 0)
        }
        for release in candidates.prefix(3) {
            if let prepared = try? await preparer.prepare(release) {
                logger.info("release build of the extension uses the headers of SQLite \(prepared.version)")
                return .success(BuilderHeaders(prepared: prepared, folder: prepared.folder!))
            }
        }
        if let system {
            logger.warning("no newer SQLite sources could be prepared: the release build of the extension uses the system headers (\(system.label)), which may lack newer API")
            return .success(system)
        }
        return .failure(SourceError("no SQLite headers for the release build: no release could be prepared and there is no system sqlite3.h"))
    }

    private func write(_ text: String, to url: URL?) throws {
        guard let url else { return }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw MatrixConfigurationError("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}
