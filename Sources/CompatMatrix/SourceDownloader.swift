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
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 10
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let (temporary, response) = try await session.download(from: url, delegate: ProgressDelegate(progress))
        defer { try? FileManager.default.removeItem(at: temporary) }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            let transient = http.statusCode >= 500 || http.statusCode == 408 || http.statusCode == 429
            throw SourceError("\(url.absoluteString): HTTP \(http.statusCode)", retryable: transient)
        }
        return try SourceFiles.installVerified(temporary, at: destination, expectedSHA256: expectedSHA256,
                                               what: url.absoluteString)
    }

    private func describe(_ error: Error) -> String {
        if let error = error as? SourceError { return error.description }
        return (error as NSError).localizedDescription
    }
}

/// Forwards URLSession's byte counts to a closure.
private final class ProgressDelegate: NSObject, URLSessionDownloadDelegate, Sendable {
    let report: @Sendable (Int64, Int64) -> Void
    init(_ report: @escaping @Sendable (Int64, Int64) -> Void) { self.report = report }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {}

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
                    totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64) {
        report(totalBytesWritten, totalBytesExpectedToWrite)
    }
}
