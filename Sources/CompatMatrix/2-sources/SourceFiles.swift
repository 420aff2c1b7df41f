// File helpers for the source cache: verified atomic commit of a download, atomic renames, scratch folders.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum SourceFiles {
    /// Checks `partial` (a file in the same folder as `destination`) against `expectedSHA256`, then renames
    /// it onto `destination`, so `destination` is either absent or complete. On a mismatch `partial` is
    /// deleted, nothing is written, and the error names both digests. Returns the digest.
    static func commitVerified(_ partial: URL, at destination: URL, expectedSHA256: String?, what: String) throws -> String {
        do {
            let actual = try Digests.sha256(ofFile: partial)
            if let expected = expectedSHA256, expected.lowercased() != actual {
                throw SourceError("\(what): sha256 mismatch (expected \(expected.lowercased()), got \(actual)); rejected")
            }
            try renameReplacing(partial, destination)
            return actual
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
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
