// compat-matrix with binaries built elsewhere (--driver, --extension, --emulator): the real driver
// and extension, built here against the system SQLite, run through an "emulator" prefix that fails
// once before the driver prints anything (the retry), giving one suite whose `load` case checks the
// version, the kernel and the SQLite.
import Foundation
import Logging
import Testing
@testable import CompatMatrix

@Suite(.serialized) struct PrebuiltRunnerTests {
    static let system = BuilderHeaders.system()

    static func binaries(in root: URL) async throws -> (driver: URL, library: URL) {
        let package = MatrixTestSupport.packageRoot
        let builder = Builder(
            toolchain: try await BuilderToolchain.probe("clang", scratch: root.appendingPathComponent("work")),
            cache: BuildCache(root: MatrixOptions.userCache.appendingPathComponent("compat-matrix/builds")),
            sources: try BuilderSources.load(packageRoot: package),
            profiles: [.plain: try SanitizerProfile.load(.plain, from: package.appendingPathComponent("sanitizers"))],
            extensionCFlags: [])
        return (try await builder.driver(for: .system(version: system!.version), headers: system!, mode: .plain),
                try await builder.extensionLibrary(headers: system!, mode: .plain))
    }

    static func run(expectKernel: String?, in root: URL) async throws -> MatrixReport {
        let (driver, library) = try await binaries(in: root)
        let emulator = root.appendingPathComponent("flaky-emulator.sh")
        try """
            #!/bin/sh
            # Fails once, before the program prints anything, then runs it: like wine's server on a busy machine.
            if [ ! -e "$FLAKY_MARK" ]; then touch "$FLAKY_MARK"; echo "emulator hiccup" >&2; exit 1; fi
            exec "$@"
            """.write(to: emulator, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: emulator.path)
        let fixtures = try MatrixTestSupport.fixtureRoot("vector/one.test", """
            query T
            SELECT vg_to_json(vg_f32('[1,2.5]'))
            ----
            [1,2.5]

            onlyif sqlite < 3.0.0
            statement ok
            SELECT 1
            """)
        defer { try? FileManager.default.removeItem(at: fixtures) }
        var options = MatrixTestSupport.options(versions: "system", modes: [.plain], fixtureRoot: fixtures)
        options.environment = ["FLAKY_MARK": root.appendingPathComponent("mark").path]
        options.prebuilt = PrebuiltTarget(driver: driver, extensionLibrary: library, emulator: [emulator.path],
                                          suiteName: "prebuilt-test", expectKernel: expectKernel,
                                          expectSQLite: system!.version)
        return try await MatrixRunner(options: options, logger: Logger(label: "prebuilt")).run()
    }

    @Test(.enabled(if: system != nil, "no system SQLite headers in /usr/include"))
    func runsPrebuiltBinariesUnderAnEmulatorPrefix() async throws {
        let root = try SourceTestArchives.temporaryFolder("prebuilt")
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try await Self.run(expectKernel: nil, in: root)
        #expect(report.exitStatus == 0, "\(report.summary)")
        #expect(report.suites.map(\.name) == ["prebuilt-test"])
        let cases = report.suites.flatMap(\.cases)
        #expect(cases.map(\.name) == ["load", "vector/one.test:1", "vector/one.test:6"])
        #expect(cases[0].outcome == .passed && cases[1].outcome == .passed)
        #expect(cases[2].outcome == .skipped(message: "onlyif sqlite < 3.0.0 (running \(Self.system!.version))"))
        #expect(cases[0].systemOut.hasPrefix("SQLite \(Self.system!.version), vec_graph "))
        // The emulator failed once (the mark exists), and the run went on.
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("mark").path))
    }

    @Test(.enabled(if: system != nil, "no system SQLite headers in /usr/include"))
    func loadCaseChecksTheKernel() async throws {
        let root = try SourceTestArchives.temporaryFolder("prebuilt-kernel")
        defer { try? FileManager.default.removeItem(at: root) }
        let report = try await Self.run(expectKernel: "no-such-kernel", in: root)
        #expect(report.exitStatus == 1)
        guard case .failed(let message, _) = report.suites.first?.cases.first?.outcome else {
            Issue.record("the load case did not fail"); return
        }
        #expect(message.contains("vec_graph_kernel() is ") && message.contains("expected no-such-kernel"))
    }
}
