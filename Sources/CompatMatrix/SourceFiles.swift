// File helpers for the source cache: verified atomic install, and writing a whole directory atomically.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum SourceFiles {
    /// Checks `file` against `expectedSHA256`, then copies it to `destination` through a temporary file
    /// in the same folder and a rename, so `destination` is either absent or complete.
    /// On a mismatch nothing is written and the error names both digests. Returns the digest.
    static func installVerified(_ file: URL, at destination: URL, expectedSHA256: String?, what: String) throws -> String {
        let actual = try SourceSHA256.hex(ofFile: file)
        if let expected = expectedSHA256, expected.lowercased() != actual {
            throw SourceError("\(what): sha256 mismatch (expected \(expected.lowercased()), got \(actual)); rejected")
        }
        let folder = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = folder.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)")
        do {
            try FileManager.default.copyItem(at: file, to: partial)
            try renameReplacing(partial, destination)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        return actual
    }

    /// rename(2): atomic, and replaces an existing file or empty folder.
    static func renameReplacing(_ source: URL, _ destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw SourceError("cannot rename \(source.path) to \(destination.path): \(String(cString: strerror(errno)))")
        }
    }

    /// A fresh private folder under `parent` for work that is renamed into place when complete.
    static func scratchFolder(in parent: URL, prefix: String) throws -> URL {
        let folder = parent.appendingPathComponent(".\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
