// A --mirror: a local folder of archives, or a base URL; either holds files named as in the manifest.
import Foundation

public enum SourceMirror: Sendable, Equatable, CustomStringConvertible {
    case folder(URL)
    case url(URL)

    /// "http(s)://..." and "file://..." are URLs; anything else is a folder path.
    public init(_ text: String) throws {
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            guard let url = URL(string: text.hasSuffix("/") ? text : text + "/") else {
                throw MatrixConfigurationError("--mirror \(text): not a valid URL")
            }
            self = .url(url)
        } else {
            let path = text.hasPrefix("file://") ? String(text.dropFirst("file://".count)) : text
            self = .folder(URL(fileURLWithPath: path).standardizedFileURL)
        }
    }

    public var description: String {
        switch self {
        case .folder(let url): url.path
        case .url(let url): url.absoluteString
        }
    }
}
