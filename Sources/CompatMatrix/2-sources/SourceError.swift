// Why one version's sources could not be had or prepared: fails that version only.

public struct SourceError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// Whether trying the same URL again may help (network trouble, HTTP 5xx).
    public let retryable: Bool

    public init(_ description: String, retryable: Bool = false) {
        self.description = description
        self.retryable = retryable
    }
}
