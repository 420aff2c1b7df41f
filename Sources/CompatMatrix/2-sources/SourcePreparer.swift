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
        if cached(release) != nil { return true }
        return release.sources.contains { source in
            localCandidates(source).contains { FileManager.default.fileExists(atPath: $0.path) }
        }
    }

    /// The prepared amalgamation of `release`, fetching and building it if needed.
    public func prepare(_ release: Manifest.Release) async throws -> PreparedSQLite {
        let version = release.sqliteVersion
        if let prepared = cached(release) { return prepared }
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
                logger.info("sqlite \(version): \(attempt.where): \(error)")
            }
        }
        if reasons.isEmpty {
            reasons.append(offline ? "no cached or mirrored source (--offline)" : "the manifest lists no usable source")
        }
        throw SourceError("SQLite \(version): no usable source:\n  - " + reasons.joined(separator: "\n  - "))
    }

    /// The prepared amalgamation in the cache, if it came from a source the manifest pins as it is now.
    public func cached(_ release: Manifest.Release) -> PreparedSQLite? {
        cache.prepared(release.sqliteVersion).flatMap { $0.matches(release) ? $0 : nil }
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
            digest = try Digests.sha256(ofFile: file)
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
        let hasExtensionHeader = try await SourceAmalgamator.amalgamate(sources, archive: unpacked, source: attempt.source, into: output)
        let (header, amalgamationDigest) = try check(output, release: release, source: attempt.source)
        if release.sourceID == nil {
            let warning = "the manifest has no SQLITE_SOURCE_ID for \(version) to check against"
            logger.warning("sqlite \(version): \(warning)")
            warnings.append(warning)
        }
        var record = PreparedSQLite(
            version: version.description, file: attempt.source.file, origin: attempt.source.origin,
            location: attempt.where, sha256: digest, verified: attempt.source.sha256 != nil,
            sourceID: header.sourceID, sqlite3cSHA256: amalgamationDigest, hasExtensionHeader: hasExtensionHeader,
            warnings: warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(record).write(to: output.appendingPathComponent("prepared.json"))
        let destination = cache.amalgamation(version)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Another process (the cache is shared by clones) may have prepared the same source meanwhile,
        // and be compiling from it: keep that one. Only a stale folder is replaced.
        if let other = cached(release), other.sqlite3cSHA256 == record.sqlite3cSHA256 { return other }
        try? FileManager.default.removeItem(at: destination)
        try SourceFiles.renameReplacing(output, destination)
        record.folder = destination
        logger.info("sqlite \(version): prepared from \(attempt.source.file) (\(attempt.source.origin))")
        return record
    }

    /// Checks the prepared files: SQLITE_VERSION in sqlite3.h is the version asked for, SQLITE_SOURCE_ID
    /// in sqlite3.h and in sqlite3.c is the manifest's, and sqlite3.c has the pinned sha256. Returns the
    /// header and sqlite3.c's digest; any difference rejects the source.
    private func check(_ folder: URL, release: Manifest.Release,
                       source: Manifest.Source) throws -> (SourceHeader, String) {
        let version = release.sqliteVersion
        guard let header = SourceHeader(contentsOf: folder.appendingPathComponent("sqlite3.h")) else {
            throw SourceError("sqlite3.h has no #define SQLITE_VERSION")
        }
        guard header.version == version else {
            throw SourceError("sqlite3.h says SQLITE_VERSION \"\(header.version)\", but \(version) was asked for; rejected")
        }
        let amalgamation = folder.appendingPathComponent("sqlite3.c")
        if let expected = release.sourceID {
            let inAmalgamation = SourceHeader.sourceID(inFile: amalgamation)
            for (file, actual) in [("sqlite3.h", header.sourceID), ("sqlite3.c", inAmalgamation)] where actual != expected {
                throw SourceError("\(file) has SQLITE_SOURCE_ID \"\(actual ?? "(none)")\", the release's is \"\(expected)\"; rejected")
            }
        }
        let digest = try Digests.sha256(ofFile: amalgamation)
        if let pinned = source.sqlite3cSHA256?.lowercased(), pinned != digest {
            throw SourceError("sqlite3.c has sha256 \(digest), the manifest pins \(pinned); rejected")
        }
        return (header, digest)
    }
}
