// The compat-matrix executable's exit statuses: 2 for bad usage or configuration, 0 for list,
// and merge-junit joining two shard reports.
import Foundation
import Testing
@testable import CompatMatrix

@Suite struct MatrixCLITests {
    /// The executable next to the test bundle (swift build/test put both in the same folder).
    static let executable: URL? = {
        let folder = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidates = [folder, Bundle.main.bundleURL].map { $0.appendingPathComponent("compat-matrix") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static func run(_ arguments: [String]) async throws -> MatrixProcessResult {
        let root = arguments[0] == "merge-junit" ? [] : ["--package-root", MatrixTestSupport.packageRoot.path]
        return try await MatrixProcess.run(executable!.path, [arguments[0]] + root + arguments.dropFirst(),
                                           in: MatrixTestSupport.packageRoot)
    }

    @Test(.enabled(if: executable != nil, "compat-matrix is not built next to the tests"),
          arguments: [["run", "--versions", "9.9.9", "--offline"], ["run", "--modes", "tsan"], ["run", "--shard", "3/2"],
                      ["run", "--no-such-flag"], ["run", "--jobs", "0"]])
    func badUsageExitsWithTwo(arguments: [String]) async throws {
        let result = try await Self.run(arguments)
        #expect(result.status == "exit 2", "\(result.output)")
    }

    @Test(.enabled(if: executable != nil, "compat-matrix is not built next to the tests"))
    func listPrintsTheManifest() async throws {
        let result = try await Self.run(["list", "--offline"])
        #expect(result.succeeded)
        #expect(result.output.contains("3.21.0"))
        #expect(result.output.contains("vtab-in"))
    }

    @Test(.enabled(if: executable != nil, "compat-matrix is not built next to the tests"))
    func mergesShardReports() async throws {
        let folder = try SourceTestArchives.temporaryFolder("merge")
        defer { try? FileManager.default.removeItem(at: folder) }
        var inputs: [String] = []
        for (index, label) in ["3.25.2", "3.53.4"].enumerated() {
            let suite = SuiteResult(sqliteLabel: label, mode: .asan, build: .release,
                                    cases: [CaseResult(group: "vector", name: "vector/basics.test", seconds: 0.1, outcome: .passed)])
            let file = folder.appendingPathComponent("shard\(index).xml")
            try junitXML([suite], timestamp: nil).write(to: file, atomically: true, encoding: .utf8)
            inputs.append(file.path)
        }
        let merged = folder.appendingPathComponent("merged.xml")
        let result = try await Self.run(["merge-junit", "--output", merged.path] + inputs)
        #expect(result.succeeded, "\(result.output)")
        let text = try String(contentsOf: merged, encoding: .utf8)
        #expect(text.contains("sqlite-3.25.2.asan.release") && text.contains("sqlite-3.53.4.asan.release"))
    }
}
