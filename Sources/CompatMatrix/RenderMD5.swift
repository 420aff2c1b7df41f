// MD5 (RFC 1321) for sqllogictest's `N values hashing to <md5>` results; no crypto library is a dependency.

import Foundation

/// The lowercase hex MD5 digest of `bytes`.
public func md5Hex(_ bytes: [UInt8]) -> String {
    var message = bytes
    let bitLength = UInt64(bytes.count) &* 8
    message.append(0x80)
    while message.count % 64 != 56 { message.append(0) }
    for i in 0..<8 { message.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }

    var a0: UInt32 = 0x67452301, b0: UInt32 = 0xefcdab89, c0: UInt32 = 0x98badcfe, d0: UInt32 = 0x10325476
    for chunk in stride(from: 0, to: message.count, by: 64) {
        var m = [UInt32](repeating: 0, count: 16)
        for i in 0..<16 {
            for j in 0..<4 { m[i] |= UInt32(message[chunk + 4 * i + j]) << (8 * UInt32(j)) }
        }
        var a = a0, b = b0, c = c0, d = d0
        for i in 0..<64 {
            var f: UInt32
            let g: Int
            switch i {
            case 0..<16: f = (b & c) | (~b & d); g = i
            case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
            case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
            default: f = c ^ (b | ~d); g = (7 * i) % 16
            }
            f = f &+ a &+ md5K[i] &+ m[g]
            a = d
            d = c
            c = b
            b = b &+ ((f << md5Shift[i]) | (f >> (32 - md5Shift[i])))
        }
        a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
    }
    let hexDigits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    for word in [a0, b0, c0, d0] {
        for i in 0..<4 {
            let byte = UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
    }
    return String(decoding: hex, as: UTF8.self)
}

private let md5Shift: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]

/// floor(abs(sin(i + 1)) * 2^32), as RFC 1321 defines the table.
private let md5K: [UInt32] = (0..<64).map { UInt32(abs(sin(Double($0 + 1))) * 4_294_967_296) }
