// Hex digests, from swift-crypto: SHA-256 pins archives and amalgamations and keys the build cache;
// MD5 is what sqllogictest's `N values hashing to <md5>` lines use.
import Crypto
import Foundation

public enum Digests {
    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Lowercase hex SHA-256 of a file, read in 1 MiB chunks.
    public static func sha256(ofFile url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hex(hasher.finalize())
    }

    /// Lowercase hex SHA-256 of several parts, each name and content fed in order (the build-cache keys).
    public static func sha256(parts: [[UInt8]]) -> String {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return hex(hasher.finalize())
    }

    /// Lowercase hex MD5 of `bytes`.
    public static func md5(_ bytes: some DataProtocol) -> String {
        hex(Insecure.MD5.hash(data: bytes))
    }

    private static func hex(_ digest: some Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
