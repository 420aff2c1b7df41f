// End to end on real SQLite releases from the provisioned mirror (make test provisions it): the
// matrix in asan mode on 3.25.2 and 3.53.4, its JUnit read back; and the sanitizer proofs: an
// injected 1-byte heap overflow in vg_f32 is an errored case with the ASan report under asan, an
// injected branch on uninitialised memory one with the MSan report under msan, and both pass
// unnoticed under plain.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Logging
import Testing
@testable import CompatMatrix

@Suite(.serialized) struct EndToEndTests {
    static let realArchives = ["supersqlite-0.0.78.tar.gz", "sqlite3_3.53.4.orig.tar.xz"]
    static let mirrorReady = MatrixTestSupport.mirrorHolds(realArchives)
    static let skipMessage: Comment = "the offline mirror \(MatrixTestSupport.mirror.path) lacks \(realArchives.joined(separator: ", ")): run sqlite-versions/provision-mirror.sh (make test does)"

    /// Fixtures/ if it has fixtures, else a small one written for the test.
    static func fixtureRoot() throws -> URL {
        let real = MatrixTestSupport.packageRoot.appendingPathComponent("Fixtures")
        if !listFixtures(root: real, globs: []).isEmpty { return real }
        return try MatrixTestSupport.fixtureRoot("smoke/version.test", """
            query I nosort
            SELECT sqlite_version() GLOB '3.*'
            ----
            1
            """)
    }

    @Test(.enabled(if: mirrorReady, skipMessage), .timeLimit(.minutes(20)))
    func asanOnTwoRealReleases() async throws {
        var options = MatrixTestSupport.options(versions: "3.25.2,3.53.4", modes: [.asan], fixtureRoot: try Self.fixtureRoot())
        options.mirrors = [.folder(MatrixTestSupport.mirror)]
        let output = try SourceTestArchives.temporaryFolder("e2e")
        defer { try? FileManager.default.removeItem(at: output) }
        options.junit = output.appendingPathComponent("junit.xml")
        options.summary = output.appendingPathComponent("summary.md")
        let report = try await MatrixRunner(options: options, logger: Logger(label: "e2e")).run()
        #expect(report.exitStatus == 0, "\(report.summary)")

        let document = try XMLDocument(contentsOf: options.junit!, options: [])
        let suites = try document.nodes(forXPath: "//testsuite").compactMap { $0 as? XMLElement }
        #expect(Set(suites.compactMap { $0.attribute(forName: "name")?.stringValue })
            == ["sqlite-3.25.2.asan.release", "sqlite-3.25.2.asan.native",
                "sqlite-3.53.4.asan.release", "sqlite-3.53.4.asan.native"])
        for suite in suites {
            let count = { (name: String) in Int(suite.attribute(forName: name)?.stringValue ?? "") ?? -1 }
            #expect(count("tests") > 0)
            #expect(count("failures") == 0)
            #expect(count("errors") == 0)
            #expect(try suite.nodes(forXPath: "testcase").count == count("tests"))
        }
        #expect(try document.nodes(forXPath: "//failure | //error").isEmpty)
        #expect(try String(contentsOf: options.summary!, encoding: .utf8).contains("3.53.4"))
    }

    /// Our `R` rendering against SQLite's own printf (3.53.4): 2,000 seeded values of every magnitude and
    /// the edge cases, each at 0, 3 and 6 decimals; the fixture's expected lines are our rendering, the
    /// actual values are what SQLite's printf() returns.
    @Test(.enabled(if: mirrorReady, skipMessage), .timeLimit(.minutes(10)))
    func realsRenderAsSQLitesPrintf() async throws {
        var generator = SplitMix(seed: 14)
        var values: [Double] = [2.5, 0.5, 1.5, -2.5, 0.125, 0.05, 1.0005, 0.0005, 0.0004999, 1e-300, 5e-324, -0.0,
                                9.999_999_999_999_999e22, 123_456_789.987_654_321, -9223372036854775808.0,
                                1.7976931348623157e308, 0.1, 2.675, 1e15 + 0.3, 4_503_599_627_370_497]
        while values.count < 2000 {
            let mantissa = Double(generator.next() >> 11) / Double(1 << 53) * 2 - 1
            values.append(mantissa * pow(10, Double(Int(generator.next() % 60) - 30)))
        }
        let rows = values.map { String(format: "(%.17g)", $0) }.joined(separator: ",")
        var expected: [String] = []
        for value in values { for digits in [0, 3, 6] { expected.append(sqlitePrintfFixed(value, decimals: digits)) } }
        let root = try MatrixTestSupport.fixtureRoot("render/reals.test", """
            query TTT nosort
            SELECT printf('%.0f', column1), printf('%.3f', column1), printf('%.6f', column1) FROM (VALUES \(rows))
            ----
            \(expected.joined(separator: "\n"))
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        var options = MatrixTestSupport.options(versions: "3.53.4", modes: [.plain], fixtureRoot: root)
        options.mirrors = [.folder(MatrixTestSupport.mirror)]
        let run = try await MatrixRunner(options: options, logger: Logger(label: "reals")).run()
        #expect(run.exitStatus == 0, "\(run.summary)")
        #expect(run.suites.flatMap(\.cases).filter { $0.outcome == .passed }.count == 2)
    }

    @Test(.timeLimit(.minutes(10)))
    func asanCatchesAnInjectedOverflowThatPlainMisses() async throws {
        // A real release when the mirror is there, else the system SQLite (same driver and extension path).
        try await Self.sanitizerProof(
            .asan, fault: "oob", version: Self.mirrorReady ? "3.53.4" : "system", sanitizer: "AddressSanitizer",
            report: "heap-buffer-overflow", note: "vg_f32 also writes one byte past a heap block of its own")
    }

    /// The broad sweep's asan: 3.25.2 is not in the boundary set, so its asan driver links the plain
    /// sqlite3.o; the extension is instrumented and the overflow is still caught.
    @Test(.enabled(if: mirrorReady, skipMessage), .timeLimit(.minutes(10)))
    func asanWithThePlainSQLiteObjectStillCatchesTheOverflow() async throws {
        try await Self.sanitizerProof(
            .asan, fault: "oob", version: "3.25.2", sanitizer: "AddressSanitizer", report: "heap-buffer-overflow",
            note: "vg_f32 also writes one byte past a heap block of its own", instrumentSQLite: "boundary")
    }

    /// Whether clang links -fsanitize=memory here (the toolchain ships the MSan runtime).
    static let msanAvailable: Bool = {
        let source = FileManager.default.temporaryDirectory.appendingPathComponent("msan-\(UUID().uuidString).c")
        defer { try? FileManager.default.removeItem(at: source); try? FileManager.default.removeItem(atPath: source.path + ".out") }
        guard (try? "int main(void) { return 0; }\n".write(to: source, atomically: true, encoding: .utf8)) != nil else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["clang", "-fsanitize=memory", source.path, "-o", source.path + ".out"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// MemorySanitizer needs SQLite instrumented too, so a real release (the system library is not).
    @Test(.enabled(if: mirrorReady, skipMessage), .enabled(if: msanAvailable, "clang cannot link -fsanitize=memory here"),
          .timeLimit(.minutes(10)))
    func msanCatchesAnInjectedUninitialisedReadThatPlainMisses() async throws {
        try await Self.sanitizerProof(
            .msan, fault: "uninit", version: "3.53.4", sanitizer: "MemorySanitizer",
            report: "use-of-uninitialized-value", note: "vg_f32 also branches on a byte it never wrote")
    }

    /// Builds the extension with -DVG_FAULT_INJECTION, runs a one-query fixture with VEC_GRAPH_FAULT=`fault`
    /// in plain and in `mode`: plain passes, `mode` errors with the sanitizer's report in the JUnit file.
    static func sanitizerProof(_ mode: BuildMode, fault: String, version: String, sanitizer: String,
                               report: String, note: String, instrumentSQLite: String? = nil) async throws {
        let root = try MatrixTestSupport.fixtureRoot("fault/\(fault).test", """
            # With VEC_GRAPH_FAULT=\(fault), \(note).
            query I nosort
            SELECT length(vg_f32('[1,2]'))
            ----
            8
            """)
        defer { try? FileManager.default.removeItem(at: root) }
        var options = MatrixTestSupport.options(versions: version, modes: [.plain, mode], fixtureRoot: root)
        if mirrorReady { options.mirrors = [.folder(MatrixTestSupport.mirror)] }
        options.extensionCFlags = ["-DVG_FAULT_INJECTION"]
        options.environment = ["VEC_GRAPH_FAULT": fault]
        options.instrumentSQLite = instrumentSQLite
        let output = try SourceTestArchives.temporaryFolder("fault")
        defer { try? FileManager.default.removeItem(at: output) }
        options.junit = output.appendingPathComponent("junit.xml")
        let run = try await MatrixRunner(options: options, logger: Logger(label: "fault")).run()

        #expect(run.exitStatus == 1)
        #expect(Set(run.suites.map(\.mode)) == [.plain, mode])
        for suite in run.suites {
            #expect(!suite.cases.isEmpty)
            for result in suite.cases {
                switch (suite.mode, result.outcome) {
                case (.plain, .passed): break
                case (mode, .errored(_, let details)), (mode, .failed(_, let details)):
                    #expect((details + result.systemOut).contains(sanitizer), "\(details)")
                default: Issue.record("\(suite.name): unexpected \(result.outcome)")
                }
            }
        }
        let junit = try String(contentsOf: options.junit!, encoding: .utf8)
        #expect(junit.contains(report))
        if instrumentSQLite != nil { #expect(run.summary.contains("SQLite itself is instrumented on none"), "\(run.summary)") }
    }
}

/// A seeded 64-bit generator (SplitMix64), so the values are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
