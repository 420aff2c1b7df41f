// Every error path of the vector SQL functions: a clear message naming the function and the
// problem, and never a crash.
import Testing

@Suite struct ErrorPathTests {
    let db: Database
    init() throws { db = try Database() }

    static let oneArgFunctions = ["vg_f32", "vg_to_json", "vg_dims"]
    static let distanceFunctions = ["vg_distance_l2", "vg_distance_cosine", "vg_distance_ip"]

    /// (bad argument, text its message must contain)
    static let badVectors: [(SQLValue, String)] = [
        (.blob([1, 2, 3, 4, 5]), "BLOB length 5 is not a multiple of 4"),
        (.blob([]), "empty vector"),
        (.text("[]"), "empty vector"),
        (.text("[1, 2"), "malformed JSON vector: expected ',' or ']' at offset 5"),
        (.text("[1, \"2\"]"), "malformed JSON vector: expected a number at offset 4"),
        (.text("not json"), "malformed JSON vector: expected '['"),
        (.text("[NaN]"), "malformed JSON vector: expected a number at offset 1"),
        (.text("[1e39]"), "value at offset 1 is outside the float32 range"),
        (f32Blob([1, .nan]), "element 1 is NaN"),
        (f32Blob([.infinity]), "element 0 is infinite"),
        (.blob([UInt8](repeating: 0, count: 4 * 65537)), "vector too large"),
        (.integer(7), "expected a vector BLOB or a JSON array text, got a number"),
        (.real(1.5), "expected a vector BLOB or a JSON array text, got a number"),
    ]

    @Test(arguments: oneArgFunctions)
    func oneArgumentFunctionsRejectBadVectors(function: String) {
        for (bad, want) in Self.badVectors {
            let message = db.errorMessage("SELECT \(function)(?)", bad)
            #expect(message == "\(function): argument 1: \(want)" || (message?.hasPrefix("\(function): argument 1: \(want)") ?? false),
                    "\(function)(\(bad)) gave \(message ?? "no error")")
        }
    }

    @Test(arguments: distanceFunctions)
    func distancesRejectBadVectorsInEitherPosition(function: String) {
        for (bad, want) in Self.badVectors {
            let first = db.errorMessage("SELECT \(function)(?, '[1]')", bad)
            let second = db.errorMessage("SELECT \(function)('[1]', ?)", bad)
            #expect(first?.hasPrefix("\(function): argument 1: \(want)") == true, "\(first ?? "no error")")
            #expect(second?.hasPrefix("\(function): argument 2: \(want)") == true, "\(second ?? "no error")")
        }
    }

    @Test(arguments: distanceFunctions)
    func dimensionMismatch(function: String) {
        #expect(db.errorMessage("SELECT \(function)('[1,2]', '[1,2,3]')") == "\(function): dimension mismatch: 2 vs 3")
        #expect(db.errorMessage("SELECT \(function)(?, '[1]')", f32Blob([1, 2])) == "\(function): dimension mismatch: 2 vs 1")
    }

    @Test func cosineOfZeroVector() {
        #expect(db.errorMessage("SELECT vg_distance_cosine('[0,0]', '[1,2]')")
            == "vg_distance_cosine: argument 1 is a zero vector, which has no direction")
        #expect(db.errorMessage("SELECT vg_distance_cosine('[1,2]', '[0,0]')")
            == "vg_distance_cosine: argument 2 is a zero vector, which has no direction")
        // l2 and inner product are defined for zero vectors
        #expect(db.errorMessage("SELECT vg_distance_l2('[0,0]', '[0,0]'), vg_distance_ip('[0,0]', '[1,2]')") == nil)
    }

    @Test func wrongArgumentCountIsSQLitesError() {
        #expect(db.errorMessage("SELECT vg_dims('[1]', '[2]')")?.contains("wrong number of arguments") == true)
        #expect(db.errorMessage("SELECT vg_distance_l2('[1]')")?.contains("wrong number of arguments") == true)
    }

    @Test func largestVectorIsAccepted() throws {
        #expect(try db.value("SELECT vg_dims(zeroblob(4 * 65536))") == .integer(65536))
    }

    @Test func errorsLeaveTheConnectionUsable() throws {
        _ = try db.row("CREATE TABLE t(v)")
        _ = try db.row("INSERT INTO t VALUES ('[1,2]'), ('[1,2')")
        #expect(db.errorMessage("SELECT sum(vg_dims(v)) FROM t") != nil)
        #expect(try db.value("SELECT count(*) FROM t") == .integer(2))
    }
}
