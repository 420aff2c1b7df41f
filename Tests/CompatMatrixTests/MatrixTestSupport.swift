// Shared by the matrix, builder and end-to-end tests: the package root, the provisioned mirror,
// and options for a quiet offline run.
import Foundation
@testable import CompatMatrix

enum MatrixTestSupport {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    static let mirror = MatrixOptions.userCache.appendingPathComponent("mirror")

    /// Whether the provisioned mirror holds the given archives.
    static func mirrorHolds(_ files: [String]) -> Bool {
        files.allSatisfy { FileManager.default.fileExists(atPath: mirror.appendingPathComponent($0).path) }
    }

    /// Offline, not live, no default mirror unless it exists; the shared project cache so builds are reused.
    static func options(versions: String, modes: [BuildMode], fixtureRoot: URL? = nil) -> MatrixOptions {
        var options = MatrixOptions(packageRoot: packageRoot)
        options.versions = versions
        options.modes = modes
        options.offline = true
        options.liveProgress = false
        if let fixtureRoot { options.fixtureRoot = fixtureRoot }
        return options
    }

    /// A fixture root holding one file `name` with `text`.
    static func fixtureRoot(_ name: String, _ text: String) throws -> URL {
        let root = try SourceTestArchives.temporaryFolder("fixtures")
        let file = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return root
    }
}
