// --shard I/N: parsing, and every (version, mode) unit in exactly one shard.
import Testing
@testable import CompatMatrix

@Suite struct MatrixShardTests {
    static let targets: [MatrixTarget] = ["3.21.0", "3.25.2", "3.34.1", "3.40.1", "3.46.1", "3.53.4"]
        .map { .release(version: SQLiteVersion($0)!) } + [.system(version: SQLiteVersion(3, 40, 1))]

    @Test(arguments: 1...9)
    func everyUnitInExactlyOneShard(count: Int) throws {
        let whole = MatrixPlan(targets: Self.targets, modes: [.plain, .asan, .msan], shard: .whole).units
        var seen: [MatrixUnit] = []
        for index in 1...count {
            let shard = try MatrixShard("\(index)/\(count)")
            let units = MatrixPlan(targets: Self.targets, modes: [.asan, .plain, .msan], shard: shard).units
            #expect(units.count >= whole.count / count && units.count <= whole.count / count + 1)
            seen += units
        }
        #expect(seen.count == whole.count)
        #expect(Set(seen) == Set(whole))
    }

    @Test func isDeterministic() throws {
        let a = MatrixPlan(targets: Self.targets, modes: [.plain, .asan], shard: try MatrixShard("2/3")).units
        let b = MatrixPlan(targets: Self.targets, modes: [.asan, .plain], shard: try MatrixShard("2/3")).units
        #expect(a == b)
    }

    @Test(arguments: ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", "1/2/3"])
    func rejectsBadShards(text: String) {
        #expect(throws: MatrixConfigurationError.self) { try MatrixShard(text) }
    }

    /// --mode-versions msan=boundary: msan units only for the SQLites both expressions select.
    @Test func modeLimitsKeepOtherModesWhole() {
        let targets = ["3.24.0", "3.30.1", "3.53.4"].map { MatrixTarget.release(version: SQLiteVersion($0)!) }
        let plan = MatrixPlan(targets: targets, modes: [.msan, .plain], shard: .whole,
                              limits: [.msan: [targets[0], targets[2]]])
        #expect(plan.units.map(\.description) == ["3.24.0 plain", "3.24.0 msan", "3.30.1 plain", "3.53.4 plain", "3.53.4 msan"])
        #expect(plan.suiteCount == 10)
    }
}
