// The project's own build inputs (extension sources, C driver, VERSION) and their content hashes.
import Foundation

public struct BuilderSources: Sendable {
    /// Every Sources/vec_graph/*.c.
    public var extensionFiles: [URL]
    /// Sources/vec_graph/include.
    public var extensionInclude: URL
    /// Sources/compat-driver/*.c: vg_driver.c and the fault-injection files it is linked with here.
    public var driverFiles: [URL]
    /// The VERSION file's text, passed as -DVEC_GRAPH_VERSION.
    public var projectVersion: String
    /// sha256 of the extension's .c and .h files (names and contents).
    public var extensionHash: String
    public var driverHash: String

    /// Reads the inputs under the package root (or the given extension folder, for tests).
    public static func load(packageRoot: URL, extensionFolder: URL? = nil) throws -> BuilderSources {
        let folder = extensionFolder ?? packageRoot.appendingPathComponent("Sources/vec_graph")
        let include = folder.appendingPathComponent("include")
        let files = try sortedFiles(in: folder, suffix: ".c")
        guard !files.isEmpty else { throw MatrixConfigurationError("no extension sources (*.c) in \(folder.path)") }
        let driverFolder = packageRoot.appendingPathComponent("Sources/compat-driver")
        let driver = driverFolder.appendingPathComponent("vg_driver.c")
        guard FileManager.default.fileExists(atPath: driver.path) else {
            throw MatrixConfigurationError("missing the C test driver \(driver.path)")
        }
        let driverFiles = try sortedFiles(in: driverFolder, suffix: ".c")
        let driverHeaders = try sortedFiles(in: driverFolder, suffix: ".h")
        let versionFile = packageRoot.appendingPathComponent("VERSION")
        guard let version = try? String(contentsOf: versionFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), !version.isEmpty else {
            throw MatrixConfigurationError("missing or empty \(versionFile.path)")
        }
        let headers = try sortedFiles(in: folder, suffix: ".h") + sortedFiles(in: include, suffix: ".h")
        return BuilderSources(
            extensionFiles: files, extensionInclude: include, driverFiles: driverFiles, projectVersion: version,
            extensionHash: try hash(files + headers), driverHash: try hash(driverFiles + driverHeaders))
    }

    static func hash(_ files: [URL]) throws -> String {
        var parts: [[UInt8]] = []
        for file in files {
            parts.append(Array(file.lastPathComponent.utf8) + [0])
            parts.append(Array(try Data(contentsOf: file)))
        }
        return Digests.sha256(parts: parts)
    }

    private static func sortedFiles(in folder: URL, suffix: String) throws -> [URL] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(suffix) }.sorted().map { folder.appendingPathComponent($0) }
    }
}
