// Content-keyed build outputs: builds/<name>-<key>/ holds one artifact built from inputs whose hash
// is <key>. A hit costs one stat; a miss builds in a scratch folder and renames it into place, so an
// interrupted build leaves nothing that looks done. Identical builds in flight are shared, and a key
// another process finished first is kept as it is (the cache is shared by clones).
import Foundation

public actor BuildCache {
    public let root: URL
    private var inFlight: [String: Task<URL, Error>] = [:]
    /// Keys built (not found) during this run.
    public private(set) var built: [String] = []
    /// Seconds spent building, by kind of output (the name up to its first "-": sqlite3, driver, ext).
    public private(set) var secondsByKind: [String: (count: Int, seconds: Double)] = [:]

    public init(root: URL) { self.root = root }

    /// The key of a build: the sha256 of every part that decides its output, in order.
    public static func key(_ parts: [String]) -> String {
        String(Digests.sha256(Array(parts.joined(separator: "\u{0}").utf8)).prefix(20))
    }

    /// "sqlite3 48 in 160.2s, driver 55 in 30.1s, ext 84 in 210.0s" (summed over parallel builds).
    public var breakdown: String {
        secondsByKind.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value.count) in \(String(format: "%.1f", $0.value.seconds))s" }
            .joined(separator: ", ")
    }

    public func folder(name: String, key: String) -> URL {
        root.appendingPathComponent("\(name)-\(key)")
    }

    /// The folder of a finished build of `name` with `key`, running `build` in a fresh folder if needed.
    public func artifact(name: String, key: String,
                         build: @escaping @Sendable (URL) async throws -> Void) async throws -> URL {
        let destination = folder(name: name, key: key)
        if FileManager.default.fileExists(atPath: destination.appendingPathComponent(".done").path) {
            return destination
        }
        let id = destination.lastPathComponent
        if let running = inFlight[id] { return try await running.value }
        let root = self.root
        let started = ContinuousClock.now
        let task = Task<URL, Error> {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let scratch = try SourceFiles.scratchFolder(in: root, prefix: "building-\(id)")
            do {
                try await build(scratch)
                try Data().write(to: scratch.appendingPathComponent(".done"))
                // The cache is shared by every clone: another process may have finished the same key
                // meanwhile. Its output is the same, and may be in use, so keep it and drop ours.
                if FileManager.default.fileExists(atPath: destination.appendingPathComponent(".done").path) {
                    try? FileManager.default.removeItem(at: scratch)
                    return destination
                }
                try? FileManager.default.removeItem(at: destination)
                try SourceFiles.renameReplacing(scratch, destination)
                return destination
            } catch {
                try? FileManager.default.removeItem(at: scratch)
                throw error
            }
        }
        inFlight[id] = task
        defer { inFlight[id] = nil }
        let result = try await task.value
        built.append(id)
        let kind = String(name.prefix { $0 != "-" })
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        secondsByKind[kind, default: (0, 0)].count += 1
        secondsByKind[kind, default: (0, 0)].seconds += seconds
        return result
    }
}
