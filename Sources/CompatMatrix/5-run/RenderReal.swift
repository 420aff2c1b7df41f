// `R` values as SQLite's own printf renders "%.3f" (sqlite3_snprintf, which the reference runner
// uses): at most 16 significant digits, the rest of the integer part zeros, so that
// -9223372036854775808.0 prints as -9223372036854776000.000. This follows sqlite3FpDecode and the
// etFLOAT branch of sqlite3_str_vappendf (as of SQLite 3.53): the 18-digit decimal approximation of
// sqlite3Fp2Convert10 (ported below with its power-of-ten tables, so the last digit rounds exactly as
// SQLite's does), rounded half up to min(decimal point + decimals, 16) significant digits; NaN and
// infinities as SQLite spells them; -0.0 as 0. EndToEndTests.realsRenderAsSQLitesPrintf holds it
// against SQLite's printf().
import Foundation

/// `value` with `decimals` digits after the point, as sqlite3_snprintf("%.*f") writes it.
public func sqlitePrintfFixed(_ value: Double, decimals: Int) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "Inf" }
    var precision = max(0, decimals)
    let fraction = { (count: Int) in precision > 0 ? "." + String(repeating: "0", count: count) : "" }
    if value == 0 { return "0" + fraction(precision) }

    // The decimal digits SQLite works from (18 or 19 of them) and the position of the decimal point
    // (value = 0.d1d2... x 10^point).
    let (mantissa, exponent10) = decimalDigits(abs(value))
    var digits = Array(String(mantissa).utf8)
    var point = digits.count + exponent10

    var round = point + precision
    if round == 0 && digits[0] >= UInt8(ascii: "5") {
        digits.insert(UInt8(ascii: "0"), at: 0)
        point += 1
        round = 1
    }
    if round > 0 {
        round = min(round, 16)
        let up = digits[round] >= UInt8(ascii: "5")
        digits = Array(digits[..<round])
        if up {
            var j = round - 1
            while true {
                if digits[j] < UInt8(ascii: "9") { digits[j] += 1; break }
                digits[j] = UInt8(ascii: "0")
                if j == 0 { digits.insert(UInt8(ascii: "1"), at: 0); point += 1; break }
                j -= 1
            }
        }
    }

    var out = value < 0 ? "-" : ""
    var used = 0
    if point <= 0 {
        out += "0"
    } else {
        used = min(point, digits.count)
        out += String(decoding: digits[..<used], as: UTF8.self) + String(repeating: "0", count: point - used)
    }
    guard precision > 0 else { return out }
    out += "."
    if point < 0 {
        let zeros = min(-point, precision)
        out += String(repeating: "0", count: zeros)
        precision -= zeros
    }
    let shown = min(max(0, digits.count - used), precision)
    out += String(decoding: digits[used..<used + shown], as: UTF8.self)
    return out + String(repeating: "0", count: precision - shown)
}

/// sqlite3FpDecode's first step for a positive finite `value`: an integer D of at least 18 significant
/// digits and a power of ten P with value ~= D x 10^P (sqlite3Fp2Convert10 with n = 18).
private func decimalDigits(_ value: Double) -> (UInt64, Int) {
    var bits = value.bitPattern
    var e = Int((bits >> 52) & 0x7ff)
    bits &= 0x000f_ffff_ffff_ffff
    if e == 0 {
        let shift = bits.leadingZeroBitCount
        bits <<= UInt64(shift)
        e = -1074 - shift
    } else {
        bits = (bits << 11) | (1 << 63)
        e -= 1086
    }
    let p = 18 - 1 - pwr2to10(e + 63)
    var high = bits.multipliedFullWidth(by: powerOfTen(p).high).high
    high >>= UInt64(-(e + pwr10to2(p) + 2))
    return ((high + ((high << 1) & 2)) >> 1, -p)
}

/// floor(log2(10^p)) and floor(log10(2^p)), as SQLite approximates them.
private func pwr10to2(_ p: Int) -> Int { (p * 108853) >> 15 }
private func pwr2to10(_ p: Int) -> Int { (p * 78913) >> 18 }

/// SQLite's powerOfTen(): the most significant 64 bits of 10^p, and the next 32.
private func powerOfTen(_ p: Int) -> (high: UInt64, low: UInt32) {
    var g: Int, n: Int
    if p < 0 {
        if p == -1 { return (powersScale[13], powersScaleLow[13]) }
        g = p / 27
        n = p % 27
        if n != 0 {
            g -= 1
            n += 27
        }
    } else if p < 27 {
        return (powersBase[p], 0)
    } else {
        g = p / 27
        n = p % 27
    }
    let s = powersScale[g + 13]
    if n == 0 { return (s, powersScaleLow[g + 13]) }
    // The upper 96 bits of (s << 32 + low) x base[n] (sqlite3Multiply160).
    var (x, rest) = s.multipliedFullWidth(by: powersBase[n])
    let part = UInt64(powersScaleLow[g + 13]).multipliedFullWidth(by: powersBase[n])
    let (sum, carry) = rest.addingReportingOverflow((part.high << 32) | (part.low >> 32))
    rest = sum
    if carry { x &+= 1 }
    var low = UInt32(truncatingIfNeeded: rest >> 32)
    if x & (1 << 63) == 0 {
        x = x << 1 | UInt64((low >> 31) & 1)
        low = (low << 1) | 1
    }
    return (x, low)
}

/// SQLite's tables (tool/mkfptab.c --round): 10^0 ... 10^26, then 10^(27k) for k = -13 ... 12, with the
/// 32 bits after the first 64.
private let powersBase: [UInt64] = [
    0x8000000000000000, 0xa000000000000000, 0xc800000000000000, 0xfa00000000000000,
    0x9c40000000000000, 0xc350000000000000, 0xf424000000000000, 0x9896800000000000,
    0xbebc200000000000, 0xee6b280000000000, 0x9502f90000000000, 0xba43b74000000000,
    0xe8d4a51000000000, 0x9184e72a00000000, 0xb5e620f480000000, 0xe35fa931a0000000,
    0x8e1bc9bf04000000, 0xb1a2bc2ec5000000, 0xde0b6b3a76400000, 0x8ac7230489e80000,
    0xad78ebc5ac620000, 0xd8d726b7177a8000, 0x878678326eac9000, 0xa968163f0a57b400,
    0xd3c21bcecceda100, 0x84595161401484a0, 0xa56fa5b99019a5c8,
]

private let powersScale: [UInt64] = [
    0x8049a4ac0c5811ae, 0xcf42894a5dce35ea, 0xa76c582338ed2621, 0x873e4f75e2224e68,
    0xda7f5bf590966848, 0xb080392cc4349dec, 0x8e938662882af53e, 0xe65829b3046b0afa,
    0xba121a4650e4ddeb, 0x964e858c91ba2655, 0xf2d56790ab41c2a2, 0xc428d05aa4751e4c,
    0x9e74d1b791e07e48, 0xcccccccccccccccc, 0xcecb8f27f4200f3a, 0xa70c3c40a64e6c51,
    0x86f0ac99b4e8dafd, 0xda01ee641a708de9, 0xb01ae745b101e9e4, 0x8e41ade9fbebc27d,
    0xe5d3ef282a242e81, 0xb9a74a0637ce2ee1, 0x95f83d0a1fb69cd9, 0xf24a01a73cf2dccf,
    0xc3b8358109e84f07, 0x9e19db92b4e31ba9,
]

private let powersScaleLow: [UInt32] = [
    0x205b896d, 0x52064cad, 0xaf2af2b8, 0x5a7744a7, 0xaf39a475, 0xbd8d794e,
    0x547eb47b, 0x0cb4a5a3, 0x92f34d62, 0x3a6a07f9, 0xfae27299, 0xaa97e14c,
    0x775ea265, 0xcccccccc, 0x00000000, 0x999090b6, 0x69a028bb, 0xe80e6f48,
    0x5ec05dd0, 0x14588f14, 0x8f1668c9, 0x6d953e2c, 0x4abdaf10, 0xbc633b39,
    0x0a862f81, 0x6c07a2c2,
]
