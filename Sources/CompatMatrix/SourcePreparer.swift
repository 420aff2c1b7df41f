// Gets one release's amalgamation into the cache: already prepared -> cached download -> mirror
// folders -> mirror URLs -> official URL (no network with --offline); verifies, unpacks, amalgamates,
// checks SQLITE_VERSION, and renames the result into place. A failure fails only that version.
import Foundation
import Logging

public struct SourcePreparer: Sendable {
    public var cache: SourceCache
    public var mirrors: [SourceMirror]
    public var offline: Bool
    /// Use sources whose manifest entry has no sha256 (with a warning); refused otherwise.
    public var allowUnverified: Bool
    public var downloader: SourceDownloader
    public var logger: Logger
    /// Download progress of a version: (bytes written, bytes expected or -1).
    public var onDownload: @Sendable (SQLiteVersion, Int64, Int64) -> Void

    public init(cache: SourceCache, mirrors: [SourceMirror], offline: Bool, allowUnverified: Bool,
                downloader: SourceDownloader = SourceDownloader(), logger: Logger,
                onDownload: @escaping @Sendable (SQLiteVersion, Int64, Int64) -> Void = { _, _, _ in }) {
        self.cache = cache
        self.mirrors = mirrors
        self.offline = offline
        self.allowUnverified = allowUnverified
        self.downloader = downloader
        self.logger = logger
        self.onDownload = onDownload
    }

    /// Whether the release needs no network: prepared, downloaded, or in a mirror folder.
    public func isAvailableLocally(_ release: Manifest.Release) -> Bool {
        if cache.prepared(release.sqliteVersion) != nil { return true }
        return release.sources.contains { source in
            localCandidates(source).contains { FileManager.default.fileExists(atPath: $0.path) }
        }
    }

    /// The prepared amalgamation of `release`, fetching and building it if needed.
    public func prepare(_ release: Manifest.Release) async throws -> PreparedSQLite {
        let version = release.sqliteVersion
        if let prepared = cache.prepared(version) { return prepared }
        var reasons: [String] = []
        for attempt in candidates(release) {
            if attempt.source.sha256 == nil && !allowUnverified {
                reasons.append("\(attempt.where): no sha256 in the manifest; refused (pass --allow-unverified to use it)")
                continue
            }
            do {
                return try await prepare(release, from: attempt)
            } catch {
                reasons.append("\(attempt.where): \(error)")
                logger.warning("sqlite \(version): \(attempt.where): \(error)")
            }
        }
        if reasons.isEmpty {
            reasons.append(offline ? "no cached or mirrored source (--offline)" : "the manifest lists no usable source")
        }
        throw SourceError("SQLite \(version): no usable source:\n  - " + reasons.joined(separator: "\n  - "))
    }

    private struct Attempt {
        var source: Manifest.Source
        var location: Location
        var `where`: String {
            switch location {
            case .file(let url): url.path
            case .remote(let url): url.absoluteString
            }
        }
    }

    private enum Location {
        case file(URL)
        case remote(URL)
    }

    /// Phase order: every source's local copies first, then mirror URLs, then official URLs.
    private func candidates(_ release: Manifest.Release) -> [Attempt] {
        var local: [Attempt] = []
        var mirrored: [Attempt] = []
        var official: [Attempt] = []
        for source in release.sources {
            for file in localCandidates(source) where FileManager.default.fileExists(atPath: file.path) {
                local.append(Attempt(source: source, location: .file(file)))
            }
            guard !offline else { continue }
            for case .url(let base) in mirrors {
                mirrored.append(Attempt(source: source, location: .remote(base.appendingPathComponent(source.file))))
            }
            if let text = source.url, let url = URL(string: text) {
                official.append(Attempt(source: source, location: .remote(url)))
            }
        }
        return local + mirrored + official
    }

    private func localCandidates(_ source: Manifest.Source) -> [URL] {
        var files = [cache.download(source.file)]
        for case .folder(let folder) in mirrors { files.append(folder.appendingPathComponent(source.file)) }
        return files
    }

    private func prepare(_ release: Manifest.Release, from attempt: Attempt) async throws -> PreparedSQLite {
        let version = release.sqliteVersion
        var warnings: [String] = []
        if attempt.source.sha256 == nil {
            let warning = "UNVERIFIED SOURCE: \(attempt.source.file) has no sha256 in the manifest; used because of --allow-unverified"
            logger.warning("sqlite \(version): \(warning)")
            warnings.append(warning)
        }
        let archive: URL
        let digest: String
        switch attempt.location {
        case .file(let file):
            archive = file
            digest = try SourceSHA256.hex(ofFile: file)
            if let expected = attempt.source.sha256?.lowercased(), expected != digest {
                if file.path.hasPrefix(cache.downloads.path) { try? FileManager.default.removeItem(at: file) }
                throw SourceError("sha256 mismatch (expected \(expected), got \(digest)); rejected")
            }
        case .remote(let url):
            logger.info("sqlite \(version): downloading \(url.absoluteString)")
            archive = cache.download(attempt.source.file)
            digest = try await downloader.download(url, to: archive, expectedSHA256: attempt.source.sha256) {
                [onDownload] written, total in onDownload(version, written, total)
            }
        }
        try FileManager.default.createDirectory(at: cache.work, withIntermediateDirectories: true)
        let scratch = try SourceFiles.scratchFolder(in: cache.work, prefix: "unpack-\(version)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let unpacked = scratch.appendingPathComponent("archive")
        let output = scratch.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let sources = try await SourceUnpacker.unpack(archive, into: unpacked, subdir: attempt.source.subdir)
        try await SourceAmalgamator.amalgamate(sources, layout: attempt.source.layout, into: output)
        guard let header = SourceHeader(contentsOf: output.appendingPathComponent("sqlite3.h")) else {
            throw SourceError("sqlite3.h has no #define SQLITE_VERSION")
        }
        guard header.version == version else {
            throw SourceError("sqlite3.h says SQLITE_VERSION \"\(header.version)\", but \(version) was asked for; rejected")
        }
        if let expected = release.sourceID, let actual = header.sourceID, expected != actual {
            let warning = "SQLITE_SOURCE_ID differs from the manifest (\(actual) vs \(expected)); kept, the version matches"
            logger.warning("sqlite \(version): \(warning)")
            warnings.append(warning)
        }
        var record = PreparedSQLite(
            version: version.description, file: attempt.source.file, origin: attempt.source.origin,
            location: attempt.where, sha256: digest, verified: attempt.source.sha256 != nil,
            sourceID: header.sourceID, warnings: warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: output.appendingPathComponent("prepared.json"))
        let destination = cache.amalgamation(version)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: destination)
        try SourceFiles.renameReplacing(output, destination)
        record.folder = destination
        logger.info("sqlite \(version): prepared from \(attempt.source.file) (\(attempt.source.origin))")
        return record
    }
}
