// Downloads one archive over HTTP(S) with URLSession: timeout, retries with exponential back-off,
// sha256 check, and an atomic rename into place so a failure never leaves a partial file behind.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public struct SourceDownloader: Sendable {
    /// Attempts per URL (the first try included).
    public var attempts: Int
    /// Back-off before the second attempt; doubled for each further one.
    public var initialBackoff: Duration
    /// Timeout of each request, in seconds.
    public var timeout: TimeInterval

    public init(attempts: Int = 3, initialBackoff: Duration = .milliseconds(500), timeout: TimeInterval = 60) {
        self.attempts = attempts
        self.initialBackoff = initialBackoff
        self.timeout = timeout
    }

    /// Fetches `url` into `destination`. `expectedSHA256` nil means unverified (the caller decided to allow it).
    /// Returns the sha256 of what was stored. `progress` receives (bytes written, bytes expected or -1).
    public func download(_ url: URL, to destination: URL, expectedSHA256: String?,
                         progress: @escaping @Sendable (Int64, Int64) -> Void = { _, _ in }) async throws -> String {
        var lastError: Error = SourceError("\(url.absoluteString): no attempt made")
        var backoff = initialBackoff
        for attempt in 1...max(1, attempts) {
            do {
                return try await downloadOnce(url, to: destination, expectedSHA256: expectedSHA256, progress: progress)
            } catch let error as SourceError where !error.retryable {
                throw error
            } catch where Self.isOffline(error) {
                // No name resolution or no network: trying again in a second will not help.
                throw SourceError("\(url.absoluteString): \(describe(error))")
            } catch {
                lastError = error
                if attempt < attempts {
                    try await Task.sleep(for: backoff)
                    backoff *= 2
                }
            }
        }
        throw SourceError("\(url.absoluteString): failed after \(attempts) attempt(s): \(describe(lastError))")
    }

    private func downloadOnce(_ url: URL, to destination: URL, expectedSHA256: String?,
                              progress: @escaping @Sendable (Int64, Int64) -> Void) async throws -> String {
        let folder = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: partial) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 10
        let delegate = DownloadDelegate(partial: partial, progress: progress)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let response = try await delegate.fetch(url, with: session)
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            let transient = http.statusCode >= 500 || http.statusCode == 408 || http.statusCode == 429
            throw SourceError("\(url.absoluteString): HTTP \(http.statusCode)", retryable: transient)
        }
        return try SourceFiles.commitVerified(partial, at: destination, expectedSHA256: expectedSHA256,
                                              what: url.absoluteString)
    }

    /// URLSession's "cannot find host", "DNS lookup failed", "not connected to the internet".
    static func isOffline(_ error: Error) -> Bool {
        let error = error as NSError
        return error.domain == NSURLErrorDomain
            && [NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed, NSURLErrorNotConnectedToInternet].contains(error.code)
    }

    private func describe(_ error: Error) -> String {
        if let error = error as? SourceError { return error.description }
        return (error as NSError).localizedDescription
    }
}

/// Session delegate of one download: forwards byte counts, moves the finished file to `partial`
/// (URLSession deletes its own temporary file when the callback returns), and resumes `fetch`.
/// A session-level delegate, because a per-task delegate on swift-corelibs-foundation writes the body twice.
private final class DownloadDelegate: NSObject, URLSessionDownloadDelegate, @unchecked Sendable {
    private let partial: URL
    private let progress: @Sendable (Int64, Int64) -> Void
    private let lock = NSLock()
    private var continuation: CheckedContinuation<URLResponse?, Error>?
    private var moveError: Error?

    init(partial: URL, progress: @escaping @Sendable (Int64, Int64) -> Void) {
        self.partial = partial
        self.progress = progress
    }

    func fetch(_ url: URL, with session: URLSession) async throws -> URLResponse? {
        try await withCheckedThrowingContinuation { continuation in
            lock.withLock { self.continuation = continuation }
            session.downloadTask(with: url).resume()
        }
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {
        do { try FileManager.default.moveItem(at: location, to: partial) } catch { lock.withLock { moveError = error } }
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
                    totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64) {
        progress(totalBytesWritten, totalBytesExpectedToWrite)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let (continuation, moveError) = lock.withLock { () -> (CheckedContinuation<URLResponse?, Error>?, Error?) in
            defer { self.continuation = nil }
            return (self.continuation, self.moveError)
        }
        if let error = error ?? moveError { continuation?.resume(throwing: error) } else {
            continuation?.resume(returning: task.response)
        }
    }
}
