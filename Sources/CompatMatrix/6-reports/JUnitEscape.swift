// XML escaping for the JUnit report: entities, characters XML 1.0 forbids (shown as visible escapes), size limits.

/// Escapes text content: `&`, `<`, `>` (so `]]>` cannot appear) and forbidden characters.
func xmlText(_ text: String) -> String {
    escapeXML(text, inAttribute: false)
}

/// Escapes an attribute value: also quotes, and tabs/newlines as character references so they survive parsing.
func xmlAttribute(_ text: String) -> String {
    escapeXML(text, inAttribute: true)
}

private func escapeXML(_ text: String, inAttribute: Bool) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"" where inAttribute: out += "&quot;"
        case "'" where inAttribute: out += "&apos;"
        case "\n" where inAttribute: out += "&#10;"
        case "\r": out += "&#13;"
        case "\t" where inAttribute: out += "&#9;"
        case "\n", "\t": out.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20:
            out += "\\x" + hex2(scalar.value)
        case "\u{FFFE}", "\u{FFFF}":
            out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default:
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func hex2(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}

/// Keeps the head of `text` up to `limit` UTF-8 bytes, with a note saying how much was cut.
func truncatedForReport(_ text: String, limit: Int) -> String {
    let utf8 = text.utf8
    guard utf8.count > limit else { return text }
    return String(decoding: utf8.prefix(limit), as: UTF8.self) + "\n... [truncated \(utf8.count - limit) bytes]"
}

/// Seconds with 3 decimals and a dot, whatever the locale.
func junitSeconds(_ seconds: Double) -> String {
    let millis = Int((max(0, seconds) * 1000).rounded())
    let fraction = String(millis % 1000)
    return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
