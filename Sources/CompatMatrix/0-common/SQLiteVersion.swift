// A SQLite release number (3.38.5), parsed from text and ordered, with SQLite's own integer form.

public struct SQLiteVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses "3.38.5" or "3.38" (patch 0). Returns nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  let n = Int(part), n < 1000 else { return nil }
            numbers.append(n)
        }
        self.init(numbers[0], numbers[1], numbers.count == 3 ? numbers[2] : 0)
    }

    /// SQLITE_VERSION_NUMBER form: 3038005.
    public var number: Int { major * 1_000_000 + minor * 1_000 + patch }

    /// Parses SQLITE_VERSION_NUMBER (3038005).
    public init(number: Int) {
        self.init(number / 1_000_000, (number / 1_000) % 1_000, number % 1_000)
    }

    /// The 7-digit code in official archive names: 3.38.5 -> "3380500".
    public var archiveCode: String {
        String(major) + pad2(minor) + pad2(patch) + "00"
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (a: SQLiteVersion, b: SQLiteVersion) -> Bool { a.number < b.number }
}

private func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
