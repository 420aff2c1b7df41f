// The builder against the system SQLite: a cold build, a warm one that builds nothing, a changed
// extension source that rebuilds only the extension, and a compile error reported with its output.
import Foundation
import Testing
@testable import CompatMatrix

@Suite(.serialized) struct BuilderTests {
    static let system = BuilderHeaders.system()

    static func builder(cache: URL, extensionFolder: URL) async throws -> Builder {
        let root = MatrixTestSupport.packageRoot
        return Builder(
            toolchain: try await BuilderToolchain.probe("clang", scratch: cache.appendingPathComponent("work")),
            cache: BuildCache(root: cache.appendingPathComponent("builds")),
            sources: try BuilderSources.load(packageRoot: root, extensionFolder: extensionFolder),
            profiles: [.plain: try SanitizerProfile.load(.plain, from: root.appendingPathComponent("sanitizers"))],
            extensionCFlags: [])
    }

    /// A stand-in extension: one C file with a working entry point.
    static func standIn(in folder: URL, body: String = "return SQLITE_OK;") throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("include"), withIntermediateDirectories: true)
        try """
            #include <sqlite3ext.h>
            SQLITE_EXTENSION_INIT1
            __attribute__((visibility("default")))
            int sqlite3_vecgraph_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
                SQLITE_EXTENSION_INIT2(api); (void)db; (void)err; \(body)
            }
            """.write(to: folder.appendingPathComponent("standin.c"), atomically: true, encoding: .utf8)
    }

    @Test(.enabled(if: system != nil, "no system SQLite headers in /usr/include"))
    func cachesAndRebuildsOnlyWhatChanged() async throws {
        let root = try SourceTestArchives.temporaryFolder("builder")
        defer { try? FileManager.default.removeItem(at: root) }
        let sources = root.appendingPathComponent("ext")
        try Self.standIn(in: sources)
        let cache = root.appendingPathComponent("cache")
        let target = MatrixTarget.system(version: Self.system!.version)

        let cold = try await Self.builder(cache: cache, extensionFolder: sources)
        let driver = try await cold.driver(for: target, headers: Self.system!, mode: .plain)
        let library = try await cold.extensionLibrary(headers: Self.system!, mode: .plain)
        #expect(FileManager.default.isExecutableFile(atPath: driver.path))
        #expect(FileManager.default.fileExists(atPath: library.path))
        #expect(await cold.cache.built.count == 2)

        let warm = try await Self.builder(cache: cache, extensionFolder: sources)
        #expect(try await warm.driver(for: target, headers: Self.system!, mode: .plain) == driver)
        #expect(try await warm.extensionLibrary(headers: Self.system!, mode: .plain) == library)
        #expect(await warm.cache.built.isEmpty)

        try Self.standIn(in: sources, body: "/* changed */ return SQLITE_OK;")
        let changed = try await Self.builder(cache: cache, extensionFolder: sources)
        #expect(try await changed.driver(for: target, headers: Self.system!, mode: .plain) == driver)
        #expect(try await changed.extensionLibrary(headers: Self.system!, mode: .plain) != library)
        #expect(await changed.cache.built.map { $0.hasPrefix("ext-") } == [true])
    }

    @Test(.enabled(if: system != nil, "no system SQLite headers in /usr/include"))
    func reportsACompileErrorWithItsOutput() async throws {
        let root = try SourceTestArchives.temporaryFolder("broken")
        defer { try? FileManager.default.removeItem(at: root) }
        let sources = root.appendingPathComponent("ext")
        try Self.standIn(in: sources, body: "return not_declared_anywhere;")
        let builder = try await Self.builder(cache: root.appendingPathComponent("cache"), extensionFolder: sources)
        let failure = await #expect(throws: BuildFailure.self) {
            try await builder.extensionLibrary(headers: Self.system!, mode: .plain)
        }
        #expect(failure?.output.contains("not_declared_anywhere") == true)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cache/builds").path)
        #expect(leftovers.isEmpty, "a failed build leaves nothing in the cache")
    }
}
