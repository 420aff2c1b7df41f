// Per-file fault-point samples (--fault-points GLOB=KIND) and the slots that let a fault mode's fixture
// files run side by side: the first matching rule decides, files no rule names take the plain KIND, a
// malformed rule is refused; at most N bodies hold the slots at once, and every waiter gets its turn.
import Foundation
import Testing
@testable import CompatMatrix

@Suite struct FaultPointRuleTests {
    @Test func parsesRules() {
        #expect(FaultPointRule("vector/*=sample") == FaultPointRule(glob: "vector/*", points: .sample))
        #expect(FaultPointRule("hnsw/storage.test=sites") == FaultPointRule(glob: "hnsw/storage.test", points: .sites))
        #expect(FaultPointRule("a=b.test=all") == FaultPointRule(glob: "a=b.test", points: .all))
        #expect(FaultPointRule("hnsw/*=new-sites") == FaultPointRule(glob: "hnsw/*", points: .newSites))
        #expect(FaultPointRule("sites") == nil)
        #expect(FaultPointRule("=sites") == nil)
        #expect(FaultPointRule("vector/*=some") == nil)
        #expect(FaultPointRule("vector/*=") == nil)
    }

    @Test func theFirstMatchingRuleDecides() {
        var options = MatrixOptions(packageRoot: MatrixTestSupport.packageRoot)
        options.faultPoints = .sites
        options.faultPointRules = [FaultPointRule(glob: "hnsw/errors.test", points: .all),
                                   FaultPointRule(glob: "hnsw/*", points: .sample)]
        #expect(options.faultPoints(forFixture: "hnsw/errors.test") == .all)
        #expect(options.faultPoints(forFixture: "hnsw/basics.test") == .sample)
        #expect(options.faultPoints(forFixture: "graph/errors.test") == .sites)
        options.faultPointRules = []
        #expect(options.faultPoints(forFixture: "hnsw/errors.test") == .sites)
    }

    @Test func slotsHoldAtMostTheirCount() async {
        let slots = MatrixSlots(2), peak = Peak()
        await withTaskGroup(of: Int.self) { group in
            for i in 0..<12 {
                group.addTask {
                    await slots.holding {
                        await peak.enter()
                        try? await Task.sleep(for: .milliseconds(5))
                        await peak.leave()
                        return i
                    }
                }
            }
            var seen = Set<Int>()
            for await i in group { seen.insert(i) }
            #expect(seen == Set(0..<12))
        }
        #expect(await peak.most == 2)
        #expect(await peak.done == 12)
    }
}

/// How many bodies hold a slot now, the most at once, and how many finished.
private actor Peak {
    var now = 0, most = 0, done = 0

    func enter() {
        now += 1
        most = max(most, now)
    }

    func leave() {
        now -= 1
        done += 1
    }
}
