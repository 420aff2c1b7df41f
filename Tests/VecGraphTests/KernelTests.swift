// The SIMD kernels reached from Swift through the C target, and the forced-scalar switch
// (VEC_GRAPH_KERNEL) reached through SQL: every path agrees with the oracle.
import CVecGraph
import Foundation
import Testing

@Suite(.serialized) struct KernelTests {
    @Test func everyRunnableKernelMatchesTheOracle() throws {
        var rng = SeededGenerator(seed: 42)
        for id in 0..<Int(VG_KERNEL_COUNT.rawValue) {
            guard let k = vg_kernels_get(vg_kernel_id(rawValue: UInt32(id))) else { continue }
            for dims in [1, 5, 64, 100, 1537] {
                let a = randomVector(dims, using: &rng), b = randomVector(dims, using: &rng)
                let got = Double(k.pointee.l2sq(a, b, dims))
                let mag = zip(a, b).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
                #expect(abs(got - Oracle.l2(a, b)) <= Oracle.tolerance(dims, magnitude: mag),
                        "\(String(cString: k.pointee.name)) dims \(dims)")
            }
        }
    }

    @Test func forcedScalarPathThroughSQL() throws {
        setenv("VEC_GRAPH_KERNEL", "scalar", 1)
        defer { unsetenv("VEC_GRAPH_KERNEL") }
        let scalar = try Database()
        #expect(try scalar.value("SELECT vec_graph_kernel()") == .text("scalar"))
        var rng = SeededGenerator(seed: 3)
        let a = randomVector(777, using: &rng), b = randomVector(777, using: &rng)
        let l2 = try #require(try scalar.value("SELECT vg_distance_l2(?, ?)", f32Blob(a), f32Blob(b)).double)
        #expect(abs(l2 - Oracle.l2(a, b)) <= Oracle.tolerance(777, magnitude: Oracle.l2(a, b)))
    }

    @Test func unknownKernelNameFallsBackToTheBest() throws {
        setenv("VEC_GRAPH_KERNEL", "sse9", 1)
        defer { unsetenv("VEC_GRAPH_KERNEL") }
        let db = try Database()
        let best = String(cString: vg_kernels_best().pointee.name)
        #expect(try db.value("SELECT vec_graph_kernel()") == .text(best))
    }
}
