// The digests swift-crypto computes for us: SHA-256 against the NIST FIPS 180-4 example vectors
// (one-shot, file and chunked parts), MD5 against the RFC 1321 test suite.
import Foundation
import Testing
@testable import CompatMatrix

@Suite struct DigestsTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func sha256NISTVectors(message: String, digest: String) {
        #expect(Digests.sha256(Array(message.utf8)) == digest)
    }

    @Test func sha256OfOneMillionA() throws {
        let bytes = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(Digests.sha256(bytes) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // The same through a file (read in 1 MiB chunks) and as parts.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try Digests.sha256(ofFile: file) == Digests.sha256(bytes))
        #expect(Digests.sha256(parts: [Array(bytes[..<1]), Array(bytes[1..<65]), Array(bytes[65...])]) == Digests.sha256(bytes))
    }

    /// RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func md5RFC1321Vectors(message: String, digest: String) {
        #expect(Digests.md5(Array(message.utf8)) == digest)
    }
}
