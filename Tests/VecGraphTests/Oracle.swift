// Independent double-precision reference distances and seeded random vectors for the tests.

struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

func randomVector(_ dims: Int, using rng: inout SeededGenerator) -> [Float] {
    (0..<dims).map { _ in Float.random(in: -2...2, using: &rng) }
}

enum Oracle {
    static func l2(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
    }
    static func ip(_ a: [Float], _ b: [Float]) -> Double {
        -zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = -ip(a, b)
        let na = a.reduce(0) { $0 + Double($1) * Double($1) }
        let nb = b.reduce(0) { $0 + Double($1) * Double($1) }
        return 1 - dot / (na * nb).squareRoot()
    }
    /// The float32 error bound of a sum of n terms whose magnitudes add up to magnitude.
    static func tolerance(_ n: Int, magnitude: Double) -> Double { 4 * Double(n) * 1.2e-7 * magnitude + 1e-12 }
}

extension SQLValue {
    var double: Double? {
        switch self {
        case .real(let d): d
        case .integer(let i): Double(i)
        default: nil
        }
    }
}
