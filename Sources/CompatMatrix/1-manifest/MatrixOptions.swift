// Everything one matrix run needs to know, as the CLI (or a test) sets it.
import Foundation

public struct MatrixOptions: Sendable {
    /// The package root: Sources/vec_graph, Sources/compat-driver, VERSION and sanitizers/ live here.
    public var packageRoot: URL
    public var manifest: URL
    public var versions: String = "default"
    public var modes: [BuildMode] = [.plain, .asan]
    /// Modes that run on fewer SQLites than --versions selects (--mode-versions msan=boundary): the mode's
    /// units are those of the SQLites both expressions select.
    public var modeVersions: [BuildMode: String] = [:]
    /// The SQLites whose sqlite3.o is instrumented in asan mode (--instrument-sqlite boundary); nil: all.
    /// Elsewhere the asan driver and extension link the plain sqlite3.o: ASan's allocator and libc
    /// interceptors still watch every allocation and copy, but SQLite's own code is not checked.
    /// msan always instruments SQLite (MemorySanitizer needs every line instrumented).
    public var instrumentSQLite: String?
    /// A prebuilt driver and extension to run instead of building (--driver, --extension), with an
    /// optional emulator command in front of the driver (--emulator "qemu-aarch64-static -L ...").
    public var prebuilt: PrebuiltTarget?
    public var fixtureRoot: URL
    /// Globs of fixture files under the fixture root (--fixtures, repeatable): a file runs when it
    /// matches any of them; empty: every **/*.test.
    public var fixtureGlobs: [String] = []
    public var shard: MatrixShard = .whole
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    public var mirrors: [SourceMirror] = []
    public var offline = false
    public var allowUnverified = false
    public var cache: URL
    public var junit: URL?
    public var summary: URL?
    public var timeout: Duration = .seconds(60)
    /// The timeout of one fixture file's run in the fault-injection modes (each record runs many times).
    public var faultTimeout: Duration = .seconds(3600)
    /// Which fault points the oom and ioerr modes try (--fault-points KIND): for files no rule names.
    public var faultPoints: FaultPoints = .sample
    /// Per-file samples (--fault-points GLOB=KIND, repeatable): the first rule whose glob matches a
    /// fixture's name under the fixture root decides its sample.
    public var faultPointRules: [FaultPointRule] = []
    public var extensionCFlags: [String] = []
    /// Extra environment for every fixture run (on top of the sanitizer options).
    public var environment: [String: String] = [:]
    public var compiler = "clang"
    /// The extension's sources; nil = <packageRoot>/Sources/vec_graph.
    public var extensionFolder: URL?
    /// Where the system SQLite's sqlite3.h and sqlite3ext.h are.
    public var systemInclude = URL(fileURLWithPath: "/usr/include")
    /// Run every fixture file even when the result cache has an identical passing run (--rerun).
    public var rerun = false
    /// nil: live progress exactly when stdout is a terminal.
    public var liveProgress: Bool?

    /// Defaults relative to `packageRoot`; the cache and the provisioned mirror (when it exists) are
    /// in the user's cache folder, shared by every clone.
    public init(packageRoot: URL) {
        self.packageRoot = packageRoot.standardizedFileURL
        manifest = self.packageRoot.appendingPathComponent("sqlite-versions/manifest.json")
        fixtureRoot = self.packageRoot.appendingPathComponent("Fixtures")
        cache = Self.userCache.appendingPathComponent("compat-matrix")
        let provisioned = Self.userCache.appendingPathComponent("mirror")
        if FileManager.default.fileExists(atPath: provisioned.path) { mirrors = [.folder(provisioned)] }
    }

    /// $VEC_GRAPH_CACHE, else $XDG_CACHE_HOME/vec_graph, else ~/.cache/vec_graph (the rule of
    /// sqlite-versions/cache-dir.sh, which the scripts use).
    public static var userCache: URL {
        let environment = ProcessInfo.processInfo.environment
        if let root = environment["VEC_GRAPH_CACHE"], !root.isEmpty { return URL(fileURLWithPath: root) }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("vec_graph")
    }

    public var sanitizers: URL { packageRoot.appendingPathComponent("sanitizers") }

    /// The timeout of one fixture file's run in `mode`.
    public func timeout(for mode: BuildMode) -> Duration { mode.faults == nil ? timeout : faultTimeout }

    /// The sample the fault modes try in the fixture file `name` (relative to the fixture root).
    public func faultPoints(forFixture name: String) -> FaultPoints {
        faultPointRules.first { globMatches($0.glob, name) }?.points ?? faultPoints
    }
}

/// `--fault-points GLOB=KIND`: the fixture files matching GLOB try KIND.
public struct FaultPointRule: Sendable, Equatable {
    public var glob: String
    public var points: FaultPoints

    public init(glob: String, points: FaultPoints) {
        self.glob = glob
        self.points = points
    }

    /// "vector/*=sample"; nil when it is not GLOB=KIND with a known KIND.
    public init?(_ text: String) {
        guard let equals = text.lastIndex(of: "="), equals != text.startIndex,
              let points = FaultPoints(rawValue: String(text[text.index(after: equals)...])) else { return nil }
        self.init(glob: String(text[..<equals]), points: points)
    }
}

/// The fault points the oom and ioerr modes try in each record (vg_driver --fault-points).
public enum FaultPoints: String, Sendable, CaseIterable {
    /// Every point up to a limit, then a spread of the rest, and the first point of every call site.
    case sample
    /// Every point.
    case all
    /// Only the first point of every call site: each site fails once in every record.
    case sites
    /// The first point of every call site that no earlier record of the file failed, and each record's
    /// last point: each site the file reaches fails once in it, and every record fails at least once.
    case newSites = "new-sites"
}
