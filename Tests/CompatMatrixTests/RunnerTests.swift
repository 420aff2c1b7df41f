// The fixture runner end to end: vg_driver.c compiled against the system SQLite, real fixture files, and fake
// drivers (shell scripts) for crashes and sanitizer reports.
import Foundation
import Subprocess
import Testing
@testable import CompatMatrix

/// vg_driver compiled once per test run with clang (or cc) against -lsqlite3.
private let compiledDriver = Task<URL, any Error> {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/compat-driver/vg_driver.c")
    let output = try makeTempFolder().appendingPathComponent("vg_driver")
    var failures: [String] = []
    for compiler in ["clang", "cc"] {
        let result = try? await Subprocess.run(
            .name(compiler), arguments: ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", source.path,
                                         "-o", output.path, "-lsqlite3"],
            output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
        if let result, result.terminationStatus.isSuccess { return output }
        failures.append("\(compiler): \(result?.standardError ?? "not found")")
    }
    throw RunnerTestError(description: "cannot compile vg_driver.c: \(failures.joined(separator: "\n"))")
}

private struct RunnerTestError: Error, CustomStringConvertible {
    var description: String
}

private func makeTempFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vg-runner-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The version of the system SQLite, from its header (libsqlite3-dev installs matching header and library).
private func systemSQLiteVersion() throws -> SQLiteVersion {
    let header = try String(contentsOfFile: "/usr/include/sqlite3.h", encoding: .utf8)
    let line = try #require(header.split(separator: "\n").first { $0.hasPrefix("#define SQLITE_VERSION ") })
    return try #require(SQLiteVersion(String(line.split(separator: "\"")[1])))
}

/// A temp package: Fixtures/<relative> holding `text`, with a Package.swift above when `package` is set.
private struct Workspace {
    let root: URL
    var fixtures: URL { root.appendingPathComponent("Fixtures") }

    init(package: Bool = false) throws {
        root = try makeTempFolder()
        if package { try Data("// test".utf8).write(to: root.appendingPathComponent("Package.swift")) }
    }

    func write(_ relative: String, _ text: String) throws -> URL {
        let url = fixtures.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    func fakeDriver(_ shell: String) throws -> URL {
        let url = root.appendingPathComponent("fake-driver.sh")
        try Data("#!/bin/sh\n\(shell)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    func request(_ fixture: URL, driver: URL, version: SQLiteVersion, extensionPath: URL? = nil,
                 timeout: Duration = .seconds(20)) -> FixtureRunRequest {
        FixtureRunRequest(driver: driver, extensionPath: extensionPath, fixture: fixture, fixtureRoot: fixtures,
                          sqliteVersion: version, timeout: timeout, environment: ["VG_TEST": "1"],
                          workDirectory: root.appendingPathComponent("work"))
    }
}

private func outcomes(_ cases: [CaseResult]) -> [Int: CaseOutcome] {
    Dictionary(cases.compactMap { c in c.line.map { ($0, c.outcome) } }, uniquingKeysWith: { a, _ in a })
}

private func message(_ outcome: CaseOutcome?) -> String {
    switch outcome {
    case .failed(let message, _)?, .errored(let message, _)?, .skipped(let message)?: message
    case .passed?, nil: ""
    }
}

@Suite struct RunnerTests {
    @Test func realDriverPassesFailsAndSkips() async throws {
        let driver = try await compiledDriver.value
        let version = try systemSQLiteVersion()
        let space = try Workspace(package: true)
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("vector/basic.test", """
            require sqlite >= 3.0.0

            statement ok
            CREATE TABLE t(a INTEGER, b TEXT, c REAL, d BLOB)

            statement ok
            INSERT INTO t VALUES(1, 'x', 1.5, x'00'), (2, '', NULL, NULL)

            query ITRT rowsort
            SELECT a, b, c, d FROM t
            ----
            1
            x
            1.500
            @
            2
            (empty)
            NULL
            NULL

            query I
            SELECT a FROM t ORDER BY a
            ----
            1
            3

            statement error no such column: zz
            SELECT zz FROM t

            statement error syntax error
            SELECT zz FROM t

            skipif sqlite < 99.0.0
            statement ok
            SELECT 1

            onlyif sqlite >= 3.0.0
            query TI
            SELECT 'multi' || char(10) || 'line', 7; SELECT 'second', 8
            ----
            multi@line
            7
            second
            8
            """)
        let cases = await runFixtureFile(space.request(fixture, driver: driver, version: version))
        let results = outcomes(cases)
        #expect(cases.count == 8)
        #expect(cases.first?.name == "vector/basic.test:3")
        #expect(cases.first?.group == "vector")
        #expect(cases.first?.file == "Fixtures/vector/basic.test")
        for line in [3, 6, 9, 27, 37] { #expect(results[line] == .passed, "line \(line): \(message(results[line]))") }
        #expect(message(results[21]) == "result mismatch at line 25: expected `3`, got `2`")
        guard case .failed(_, let details)? = results[21] else { Issue.record("line 21 did not fail"); return }
        #expect(details.contains("SQL:\nSELECT a FROM t ORDER BY a") && details.contains("actual:\n1\n2"))
        #expect(message(results[30]).hasPrefix("error message does not match /syntax error/: no such column: zz"))
        #expect(results[33] == .skipped(message: "skipif sqlite < 99.0.0 (running \(version))"))
    }

    /// Queries with the same label must agree (the MD5 of their rendered values), as in the reference runner.
    @Test func labelsMustAgree() async throws {
        let driver = try await compiledDriver.value
        let version = try systemSQLiteVersion()
        let space = try Workspace(package: true)
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("t/labels.test", """
            query I nosort same
            SELECT 1 UNION ALL SELECT 2
            ----
            1
            2

            query I nosort same
            VALUES (1), (2)
            ----
            1
            2

            query I nosort same
            SELECT 3
            ----
            3

            skipif sqlite
            query I nosort other
            SELECT 4
            ----
            4

            query I nosort other
            SELECT 5
            ----
            5
            """)
        let results = outcomes(await runFixtureFile(space.request(fixture, driver: driver, version: version)))
        #expect(results[1] == .passed && results[7] == .passed)
        #expect(message(results[13]) == "labeled result [same] does not agree with the one at line 1")
        #expect(message(results[24]) == "labeled result [other] does not agree with the one at line 18")
    }

    @Test func fileGateSkipsEverythingWithoutRunning() async throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("top.test", "require sqlite >= 99.0.0\n\nstatement ok\nSELECT 1\n")
        let cases = await runFixtureFile(space.request(fixture, driver: URL(fileURLWithPath: "/nonexistent"),
                                                       version: SQLiteVersion(3, 40, 1)))
        #expect(cases == [CaseResult(group: "fixtures", name: "top.test:3", file: "top.test", line: 3, seconds: 0,
                                     outcome: .skipped(message: "require sqlite >= 99.0.0 (running 3.40.1)"))])
    }

    @Test func wrongVersionAndLoadErrorsHitEveryRecord() async throws {
        let driver = try await compiledDriver.value
        let version = try systemSQLiteVersion()
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("v/a.test", "statement ok\nSELECT 1\n\nskipif sqlite\nstatement ok\nSELECT 2\n")

        let wrong = await runFixtureFile(space.request(fixture, driver: driver, version: SQLiteVersion(3, 21, 0)))
        #expect(wrong.count == 2)
        #expect(wrong.allSatisfy { message($0.outcome).hasPrefix("wrong SQLite linked: the driver reports \(version)") })

        let missing = space.root.appendingPathComponent("no/vec_graph")
        let load = await runFixtureFile(space.request(fixture, driver: driver, version: version, extensionPath: missing))
        #expect(message(load[0].outcome).hasPrefix("extension failed to load: "))
        #expect(message(load[0].outcome).contains("no/vec_graph"))
        #expect(load[1].outcome == .skipped(message: "skipif sqlite (running \(version))"))
    }

    @Test func timeoutKillsTheDriver() async throws {
        let driver = try await compiledDriver.value
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("v/slow.test", """
            statement ok
            SELECT 1

            query I
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c
            ----
            0

            statement ok
            SELECT 2
            """)
        let started = ContinuousClock.now
        let cases = await runFixtureFile(space.request(fixture, driver: driver, version: try systemSQLiteVersion(),
                                                       timeout: .seconds(1)))
        #expect(ContinuousClock.now - started < .seconds(10))
        let results = outcomes(cases)
        #expect(results[1] == .passed)
        #expect(message(results[4]) == "timed out after 1s")
        #expect(message(results[9]) == "not run: timed out at line 4")
    }

    @Test func sanitizerReportAndCrashInRecord() async throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("v/crash.test", "statement ok\nSELECT 1\n\nstatement ok\nSELECT 2\n\nstatement ok\nSELECT 3\n")
        let report = "==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000011\n    #0 0x1 in vg_distance"
        let asan = try space.fakeDriver("""
            echo "SQLITE 3.40.1 fake"; echo "LOAD OK"
            echo "vg_driver: record 1" >&2; echo "BEGIN 1"; echo "OK 15"
            echo "vg_driver: record 4" >&2; echo "BEGIN 4"
            printf '%s\\n' '\(report)' >&2
            exit 1
            """)
        let cases = await runFixtureFile(space.request(fixture, driver: asan, version: SQLiteVersion(3, 40, 1)))
        let results = outcomes(cases)
        #expect(results[1] == .passed)
        #expect(message(results[4]) == "ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000011")
        #expect(cases[1].systemOut == report)
        #expect(message(results[7]) == "not run: driver died at line 4")

        let segv = try space.fakeDriver("echo 'SQLITE 3.40.1 x'; echo 'LOAD OK'; echo 'BEGIN 1'; kill -SEGV $$")
        let crashed = await runFixtureFile(space.request(fixture, driver: segv, version: SQLiteVersion(3, 40, 1)))
        #expect(message(crashed[0].outcome) == "driver killed by signal \(SIGSEGV) (SIGSEGV)")
        #expect(message(crashed[2].outcome) == "not run: driver died at line 1")
    }

    @Test func leakReportAtExitIsAFileCase() async throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("v/leak.test", "statement ok\nSELECT 1\n")
        let leak = try space.fakeDriver("""
            echo "SQLITE 3.40.1 fake"; echo "LOAD OK"; echo "BEGIN 1"; echo "OK 3"; echo "DONE"
            echo "vg_driver: end of script" >&2
            echo "==7==ERROR: LeakSanitizer: detected memory leaks" >&2
            exit 23
            """)
        let cases = await runFixtureFile(space.request(fixture, driver: leak, version: SQLiteVersion(3, 40, 1)))
        #expect(cases.count == 2)
        #expect(cases[0].outcome == .passed)
        #expect(cases[1].name == "v/leak.test")
        #expect(message(cases[1].outcome) == "ERROR: LeakSanitizer: detected memory leaks")
    }

    @Test func parseErrorIsOneCase() async throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        let fixture = try space.write("v/bad.test", "statement ok\nSELECT 1\n\nbogus\n")
        let cases = await runFixtureFile(space.request(fixture, driver: URL(fileURLWithPath: "/nonexistent"),
                                                       version: SQLiteVersion(3, 40, 1)))
        #expect(cases.count == 1)
        #expect(cases[0].line == 4)
        #expect(message(cases[0].outcome) == "v/bad.test:4: unknown record kind `bogus`")
    }

    @Test func listsFixturesSortedAndFiltered() throws {
        let space = try Workspace()
        defer { try? FileManager.default.removeItem(at: space.root) }
        for path in ["vector/b.test", "vector/a.test", "graph/deep/c.test", "top.test", "vector/notes.txt"] {
            _ = try space.write(path, "")
        }
        let names = { (globs: [String]) in listFixtures(root: space.fixtures, globs: globs).map(\.lastPathComponent) }
        #expect(names([]) == ["c.test", "top.test", "a.test", "b.test"])
        #expect(names(["vector/*"]) == ["a.test", "b.test"])
        #expect(names(["**/c.test"]) == ["c.test"])
        #expect(names(["vector/b.test", "top.test", "vector/*"]) == ["top.test", "a.test", "b.test"])
    }
}
