// Everything one matrix run needs to know, as the CLI (or a test) sets it.
import Foundation

public struct MatrixOptions: Sendable {
    /// The package root: Sources/vec_graph, Sources/compat-driver, VERSION and sanitizers/ live here.
    public var packageRoot: URL
    public var manifest: URL
    public var versions: String = "default"
    public var modes: [BuildMode] = [.plain, .asan]
    public var fixtureRoot: URL
    public var fixtureGlob: String?
    public var shard: MatrixShard = .whole
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var mirrors: [SourceMirror] = []
    public var offline = false
    public var allowUnverified = false
    public var cache: URL
    public var junit: URL?
    public var summary: URL?
    public var timeout: Duration = .seconds(60)
    public var extensionCFlags: [String] = []
    /// Extra environment for every fixture run (on top of the sanitizer options).
    public var environment: [String: String] = [:]
    public var compiler = "clang"
    /// The extension's sources; nil = <packageRoot>/Sources/vec_graph.
    public var extensionFolder: URL?
    /// Where the system SQLite's sqlite3.h and sqlite3ext.h are.
    public var systemInclude = URL(fileURLWithPath: "/usr/include")
    /// nil: live progress exactly when stdout is a terminal.
    public var liveProgress: Bool?

    /// Defaults relative to `packageRoot`; the provisioned .cache/mirror is used when it exists.
    public init(packageRoot: URL) {
        self.packageRoot = packageRoot.standardizedFileURL
        manifest = self.packageRoot.appendingPathComponent("sqlite-versions/manifest.json")
        fixtureRoot = self.packageRoot.appendingPathComponent("Fixtures")
        cache = self.packageRoot.appendingPathComponent(".cache/compat-matrix")
        let provisioned = self.packageRoot.appendingPathComponent(".cache/mirror")
        if FileManager.default.fileExists(atPath: provisioned.path) { mirrors = [.folder(provisioned)] }
    }

    public var sanitizers: URL { packageRoot.appendingPathComponent("sanitizers") }
}
