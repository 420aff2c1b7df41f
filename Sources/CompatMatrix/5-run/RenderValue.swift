// Values as the driver reports them, and their rendering under a column type the way sqllogictest's C runner does.

import Foundation

/// A result value with its SQLite storage class.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    /// A REAL: its value, and the text `sqlite3_column_text` gives for it in the SQLite under test.
    case real(Double, text: String)
    case text([UInt8])
    case blob([UInt8])
}

/// Renders one value: NULL as `NULL`; `I` as an integer, `R` with `digits` decimals, `T` as text with
/// the empty string shown as `(empty)` and control characters as `@`.
public func renderValue(_ value: SQLValue, as type: ColumnType, digits: Int = 3) -> String {
    if value == .null { return "NULL" }
    switch type {
    case .integer: return String(integerValue(value))
    case .real: return sqlitePrintfFixed(realValue(value), decimals: digits)
    case .text: return textValue(value)
    }
}

/// `sqlite3_column_int64`: REAL truncated toward zero (clamped), TEXT/BLOB by their leading integer.
func integerValue(_ value: SQLValue) -> Int64 {
    switch value {
    case .null: 0
    case .integer(let v): v
    case .real(let v, _): v.isNaN ? 0 : v <= -9.223372036854775808e18 ? .min : v >= 9.223372036854775807e18 ? .max : Int64(v)
    case .text(let bytes), .blob(let bytes): leadingInteger(bytes)
    }
}

/// `sqlite3_column_double`: INTEGER converted, TEXT/BLOB by their leading number.
func realValue(_ value: SQLValue) -> Double {
    switch value {
    case .null: 0
    case .integer(let v): Double(v)
    case .real(let v, _): v
    case .text(let bytes), .blob(let bytes): leadingReal(bytes)
    }
}

func textValue(_ value: SQLValue) -> String {
    let bytes: [UInt8] = switch value {
    case .null: Array("NULL".utf8)
    case .integer(let v): Array(String(v).utf8)
    case .real(_, let text): Array(text.utf8)
    case .text(let b), .blob(let b): b
    }
    if bytes.isEmpty { return "(empty)" }
    return String(decoding: bytes.map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "@") : $0 }, as: UTF8.self)
}

private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0d).contains(b) }
private func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }

/// sqlite3Atoi64: optional spaces and sign, then digits; saturates on overflow; 0 when there are none.
func leadingInteger(_ bytes: [UInt8]) -> Int64 {
    var i = bytes.firstIndex { !isSpace($0) } ?? bytes.endIndex
    var negative = false
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    var magnitude: UInt64 = 0
    while i < bytes.endIndex, isDigit(bytes[i]) {
        let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] - 0x30))
        if o1 || o2 { return negative ? .min : .max }
        magnitude = sum
        i += 1
    }
    if negative { return magnitude > UInt64(Int64.max) ? .min : -Int64(magnitude) }
    return magnitude > UInt64(Int64.max) ? .max : Int64(magnitude)
}

/// sqlite3AtoF on a prefix: optional spaces and sign, digits, fraction, exponent; 0 when there is no number.
func leadingReal(_ bytes: [UInt8]) -> Double {
    var i = bytes.firstIndex { !isSpace($0) } ?? bytes.endIndex
    var sign = ""
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        sign = bytes[i] == UInt8(ascii: "-") ? "-" : ""
        i += 1
    }
    func digits() -> String {
        let start = i
        while i < bytes.endIndex, isDigit(bytes[i]) { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }
    let whole = digits()
    var fraction = ""
    if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
        i += 1
        fraction = digits()
    }
    if whole.isEmpty && fraction.isEmpty { return 0 }
    var exponent = ""
    if i < bytes.endIndex, bytes[i] | 0x20 == UInt8(ascii: "e") {
        let mark = i
        i += 1
        var expSign = ""
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            expSign = String(UnicodeScalar(bytes[i]))
            i += 1
        }
        let expDigits = digits()
        if expDigits.isEmpty { i = mark } else { exponent = "e" + expSign + expDigits }
    }
    let literal = sign + (whole.isEmpty ? "0" : whole) + "." + (fraction.isEmpty ? "0" : fraction) + exponent
    return Double(literal) ?? 0
}
