// The vector SQL functions through the system SQLite with build/vec_graph loaded: values checked
// against hand-derived results and a double-precision oracle.
import Foundation
import Testing

@Suite struct VectorFunctionTests {
    let db: Database
    init() throws { db = try Database() }

    @Test func versionIsTheVersionFile() throws {
        let stamped = try String(contentsOf: repositoryRoot.appendingPathComponent("VERSION"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try db.value("SELECT vec_graph_version()") == .text(stamped))
    }

    @Test func kernelIsNamed() throws {
        let name = try db.value("SELECT vec_graph_kernel()")
        #expect([SQLValue.text("avx512"), .text("avx2"), .text("sse"), .text("neon"), .text("scalar")].contains(name))
    }

    @Test func handDerivedDistances() throws {
        // (4-1)^2 + (6-2)^2 = 25; 1*4 + 2*6 = 16
        #expect(try db.value("SELECT vg_distance_l2('[1,2]', '[4,6]')") == .real(25))
        #expect(try db.value("SELECT vg_distance_ip('[1,2]', '[4,6]')") == .real(-16))
        #expect(try db.value("SELECT vg_distance_cosine('[1,0]', '[0,1]')") == .real(1))
        #expect(try db.value("SELECT vg_distance_cosine('[1,0]', '[-3,0]')") == .real(2))
        #expect(try db.value("SELECT vg_distance_cosine('[3,4]', '[6,8]')") == .real(0))
        #expect(try db.value("SELECT vg_distance_l2('[0.5]', '[0.5]')") == .real(0))
    }

    @Test func blobAndJsonAreInterchangeable() throws {
        let v: [Float] = [1, 2.5, -3]
        #expect(try db.value("SELECT vg_f32('[1, 2.5, -3]')") == f32Blob(v))
        #expect(try db.value("SELECT vg_f32(?)", f32Blob(v)) == f32Blob(v))
        #expect(try db.value("SELECT vg_to_json(?)", f32Blob(v)) == .text("[1,2.5,-3]"))
        #expect(try db.value("SELECT vg_to_json(' [ 1 , 2.5e0 , -3 ] ')") == .text("[1,2.5,-3]"))
        #expect(try db.value("SELECT vg_dims(?)", f32Blob(v)) == .integer(3))
        #expect(try db.value("SELECT vg_distance_l2(?, '[1, 2.5, -3]')", f32Blob(v)) == .real(0))
    }

    @Test func jsonRoundTripsEveryFloat() throws {
        var rng = SeededGenerator(seed: 7)
        let v = (0..<257).map { _ in Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1) }
        let json = try db.value("SELECT vg_to_json(?)", f32Blob(v))
        guard case .text(let text) = json else { Issue.record("not text: \(json)"); return }
        #expect(try db.value("SELECT vg_f32(?)", .text(text)) == f32Blob(v))
    }

    @Test(arguments: [1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 128, 384, 768, 1023, 1536, 2049])
    func distancesMatchTheOracle(dims: Int) throws {
        var rng = SeededGenerator(seed: UInt64(dims) * 7919)
        let a = randomVector(dims, using: &rng), b = randomVector(dims, using: &rng)
        let mag = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) + Double($1.0 * $1.0) + Double($1.1 * $1.1) }
        let l2 = try #require(try db.value("SELECT vg_distance_l2(?, ?)", f32Blob(a), f32Blob(b)).double)
        let ip = try #require(try db.value("SELECT vg_distance_ip(?, ?)", jsonText(a), f32Blob(b)).double)
        let cos = try #require(try db.value("SELECT vg_distance_cosine(?, ?)", f32Blob(a), jsonText(b)).double)
        #expect(abs(l2 - Oracle.l2(a, b)) <= Oracle.tolerance(dims, magnitude: mag))
        #expect(abs(ip - Oracle.ip(a, b)) <= Oracle.tolerance(dims, magnitude: mag))
        #expect(abs(cos - Oracle.cosine(a, b)) <= 1e-5)
    }

    @Test func nullInNullOut() throws {
        for sql in ["SELECT vg_f32(NULL)", "SELECT vg_to_json(NULL)", "SELECT vg_dims(NULL)",
                    "SELECT vg_distance_l2(NULL, '[1]')", "SELECT vg_distance_cosine('[1]', NULL)",
                    "SELECT vg_distance_ip(NULL, NULL)"] {
            #expect(try db.value(sql) == .null, "\(sql)")
        }
    }

    @Test func usableInIndexesAndUntrustedSchemas() throws {
        // An expression index needs a deterministic function.
        _ = try db.row("CREATE TABLE docs(v BLOB)")
        _ = try db.row("CREATE INDEX docs_dims ON docs(vg_dims(v))")
        _ = try db.row("INSERT INTO docs VALUES (vg_f32('[1,2,3]'))")
        #expect(try db.value("SELECT count(*) FROM docs WHERE vg_dims(v) = 3") == .integer(1))
        // With trusted_schema off (SQLite >= 3.31) a view may only use innocuous functions.
        _ = try db.row("PRAGMA trusted_schema = OFF")
        _ = try db.row("CREATE VIEW dist AS SELECT vg_distance_l2(v, '[1,2,4]') AS d FROM docs")
        #expect(try db.value("SELECT d FROM dist") == .real(1))
    }
}
