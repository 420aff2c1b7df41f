// SHA-256 against the NIST FIPS 180-4 example vectors, and chunked updates against one-shot.
import Foundation
import Testing
@testable import CompatMatrix

@Suite struct SourceSHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistVectors(message: String, digest: String) {
        #expect(SourceSHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test func oneMillionA() {
        #expect(SourceSHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func chunkedEqualsOneShot() throws {
        let bytes = (0..<10_007).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SourceSHA256()
        var offset = 0
        for size in [1, 63, 64, 65, 1000, 3] + Array(repeating: 997, count: 20) where offset < bytes.count {
            let end = min(bytes.count, offset + size)
            hasher.update(bytes[offset..<end])
            offset = end
        }
        hasher.update(bytes[offset...])
        #expect(hasher.finalize() == SourceSHA256.hex(of: bytes))

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try SourceSHA256.hex(ofFile: file) == SourceSHA256.hex(of: bytes))
    }

    @Test func dataEqualsArray() {
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(SourceSHA256.hex(of: Data(bytes)) == SourceSHA256.hex(of: bytes))
    }
}
