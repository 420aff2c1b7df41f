// Options that `run` and `list` share: where the manifest, cache and mirrors are.
import ArgumentParser
import CompatMatrix
import Foundation

struct SharedOptions: ParsableArguments {
    @Option(help: "The package root (holds Sources/, sanitizers/, VERSION).")
    var packageRoot: String = FileManager.default.currentDirectoryPath

    @Option(help: "The release manifest (default: <package-root>/sqlite-versions/manifest.json).")
    var manifest: String?

    @Option(help: "Cache folder for sources, amalgamations and builds (default: the user cache, ~/.cache/vec_graph/compat-matrix; see sqlite-versions/cache-dir.sh).")
    var cache: String?

    @Option(name: .customLong("mirror"),
            help: "A folder or http(s) URL holding archives named as in the manifest; repeatable. Default: the user cache's mirror (~/.cache/vec_graph/mirror) when it exists.")
    var mirrors: [String] = []

    @Flag(help: "Never use the network: only the cache and mirror folders.")
    var offline = false

    @Flag(help: "Allow sources without a sha256 in the manifest (each use is logged as a warning).")
    var allowUnverified = false

    /// Options with these values applied over the package defaults.
    func matrixOptions() throws -> MatrixOptions {
        let root = URL(fileURLWithPath: packageRoot).standardizedFileURL
        var options = MatrixOptions(packageRoot: root)
        if let manifest { options.manifest = URL(fileURLWithPath: manifest).standardizedFileURL }
        if let cache { options.cache = URL(fileURLWithPath: cache).standardizedFileURL }
        if !mirrors.isEmpty { options.mirrors = try mirrors.map(SourceMirror.init) }
        options.offline = offline
        options.allowUnverified = allowUnverified
        return options
    }
}
