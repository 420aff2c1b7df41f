// Results of fixture-file runs that passed, keyed by everything that decides them: the driver and
// extension binaries (their sha256), the fixture file's text, the SQLite version the gates see, the
// environment, the timeout and the harness itself (the sha256 of the running executable, so a change
// to the parser or the renderer re-runs everything). Like `go test`'s cache: a warm run with nothing
// changed reuses them; a file with a failed or errored case is never stored, so it always runs again;
// `--rerun` ignores the cache. Stored as results/<key>.json in the build cache folder.
import Foundation

actor ResultCache {
    let folder: URL
    let enabled: Bool
    private let harness: String
    private var binaryDigests: [String: String] = [:]
    /// Fixture-file runs taken from the cache, and all of them, in this run.
    private(set) var reused = 0
    private(set) var total = 0

    init(folder: URL, enabled: Bool) {
        self.folder = folder
        self.enabled = enabled
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let fallback = Bundle.main.executableURL ?? executable
        harness = (try? Digests.sha256(ofFile: FileManager.default.fileExists(atPath: executable.path) ? executable : fallback))
            ?? UUID().uuidString
    }

    /// The cases of `request`'s fixture file: from the cache when an identical run passed before, else run
    /// now (and stored when every case passed or was skipped).
    func cases(for request: FixtureRunRequest, run: @Sendable (FixtureRunRequest) async -> [CaseResult]) async -> [CaseResult] {
        total += 1
        guard enabled, let key = key(request) else { return await run(request) }
        let file = folder.appendingPathComponent("\(key).json")
        if let data = FileManager.default.contents(atPath: file.path),
           let cases = try? JSONDecoder().decode([CaseResult].self, from: data) {
            reused += 1
            return cases
        }
        let cases = await run(request)
        let clean = cases.allSatisfy { if case .passed = $0.outcome { true } else if case .skipped = $0.outcome { true } else { false } }
        if clean, let data = try? JSONEncoder().encode(cases) {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let partial = folder.appendingPathComponent(".\(key).\(UUID().uuidString)")
            if (try? data.write(to: partial)) != nil { try? SourceFiles.renameReplacing(partial, file) }
        }
        return cases
    }

    private func key(_ request: FixtureRunRequest) -> String? {
        guard let driver = digest(request.driver), let fixture = try? Digests.sha256(ofFile: request.fixture) else { return nil }
        let library = request.extensionPath.flatMap(digest) ?? "none"
        let environment = request.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let identity = FixtureIdentity(fixture: request.fixture, root: request.fixtureRoot)
        let parts = ["fixture-result", harness, driver, library, fixture, identity.name, identity.file,
                     request.sqliteVersion.description, "\(request.timeout)"]
            + request.emulator + request.driverArguments + environment
        return Digests.sha256(Array(parts.joined(separator: "\u{0}").utf8))
    }

    private func digest(_ binary: URL) -> String? {
        if let known = binaryDigests[binary.path] { return known }
        let value = try? Digests.sha256(ofFile: binary)
        binaryDigests[binary.path] = value
        return value
    }
}
