// VecGraph inside a GRDB app: a DatabaseQueue whose connections get vec_graph from
// Configuration.prepareDatabase (VecGraph.load(into:)) or from VecGraph.register(); an hnsw_index
// filled through GRDB, a KNN query checked against brute force, graph_bfs checked against a BFS
// written here, and the float32 BLOB helpers checked against vg_f32 and hand-derived bytes.
import Foundation
import GRDB
import Testing
import VecGraph

/// The repository's VERSION, which the C sources are stamped with (Examples/GRDB/Tests/<target>/<file>).
let expectedVersion = try! String(
    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../VERSION"),
    encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)

/// A row of the app's own table, written with GRDB's record API.
struct Doc: Codable, FetchableRecord, PersistableRecord {
    var id: Int64
    var title: String
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}

/// A queue whose every connection gets vec_graph through prepareDatabase, as an app does it.
func vecGraphQueue(path: String? = nil) throws -> DatabaseQueue {
    var config = Configuration()
    config.prepareDatabase { db in
        try VecGraph.load(into: db.sqliteConnection!)
    }
    return try path.map { try DatabaseQueue(path: $0, configuration: config) } ?? DatabaseQueue(configuration: config)
}

func squaredL2(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
}

/// Breadth-first order from start, neighbours ascending, each node with its depth and the node
/// it was first reached from: the oracle for graph_bfs.
func bfs(_ edges: [(Int64, Int64)], from start: Int64) -> [(node: Int64, depth: Int64, parent: Int64?)] {
    var out: [Int64: [Int64]] = [:]
    for (s, d) in edges { out[s, default: []].append(d) }
    var seen: Set<Int64> = [start]
    var order: [(node: Int64, depth: Int64, parent: Int64?)] = [(start, 0, nil)]
    var i = 0
    while i < order.count {
        let (node, depth, _) = order[i]
        for next in Set(out[node] ?? []).sorted() where !seen.contains(next) {
            seen.insert(next)
            order.append((next, depth + 1, node))
        }
        i += 1
    }
    return order
}

@Suite(.serialized) struct GRDBTests {
    @Test func hnswIndexKNNThroughGRDB() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vecgraph-grdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("app.sqlite").path

        var rng = SeededGenerator(state: 0x9E37_79B9_7F4A_7C15)
        let dims = 8, count = 300
        let vectors: [[Float]] = (0..<count).map { _ in (0..<dims).map { _ in Float(Int(rng.next() % 2001) - 1000) / 100 } }
        do {
            let queue = try vecGraphQueue(path: path)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE doc(id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
                try db.execute(sql: "CREATE VIRTUAL TABLE doc_vec USING hnsw_index(dimensions=\(dims), metric='l2')")
                for (i, v) in vectors.enumerated() {
                    try Doc(id: Int64(i + 1), title: "doc \(i + 1)").insert(db)
                    try db.execute(sql: "INSERT INTO doc_vec(rowid, vector) VALUES (?, ?)",
                                   arguments: [i + 1, try VecGraph.float32Blob(v)])
                }
            }
        }

        // A second queue on the same file: the index persisted, and the new connection has vec_graph too.
        let queue = try vecGraphQueue(path: path)
        let query = vectors[41].map { $0 + 0.25 }
        let truth = vectors.enumerated().map { (id: Int64($0.offset + 1), d: squaredL2($0.element, query)) }
            .sorted { ($0.d, $0.id) < ($1.d, $1.id) }.prefix(10)
        try queue.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM doc_vec") == count)
            let exact = try Row.fetchAll(db, sql: """
                SELECT rowid, distance FROM doc_vec WHERE vector MATCH ? AND k = 10 AND exact = 1
                """, arguments: [try VecGraph.float32Blob(query)])
            #expect(exact.map { $0[0] as Int64 } == truth.map(\.id))
            for (row, want) in zip(exact, truth) {
                #expect(abs((row[1] as Double) - want.d) <= 1e-4 * max(1, want.d))
            }

            // The graph search: the true distance for every row it returns, and most of the true top 10.
            let approx = try Row.fetchAll(db, sql: """
                SELECT d.id, d.title, v.distance FROM doc_vec v JOIN doc d ON d.id = v.rowid
                WHERE v.vector MATCH ? AND k = 10 ORDER BY v.distance
                """, arguments: [try VecGraph.float32Blob(query)])
            #expect(approx.count == 10)
            for row in approx {
                let id: Int64 = row["id"]
                #expect(row["title"] == "doc \(id)")
                #expect(abs((row["distance"] as Double) - squaredL2(vectors[Int(id) - 1], query)) <= 1e-4 * max(1, row["distance"]))
            }
            #expect(Set(approx.map { $0["id"] as Int64 }).intersection(truth.map(\.id)).count >= 9)

            // A stored vector reads back as the same floats.
            let blob = try #require(try Data.fetchOne(db, sql: "SELECT vector FROM doc_vec WHERE rowid = 42"))
            #expect(try VecGraph.floats(fromFloat32Blob: blob) == vectors[41])
        }
    }

    @Test func graphBFSThroughGRDB() throws {
        var rng = SeededGenerator(state: 12345)
        let edges: [(Int64, Int64)] = (0..<90).map { _ in (Int64(rng.next() % 40), Int64(rng.next() % 40)) }
        let queue = try vecGraphQueue()
        try queue.write { db in
            try db.create(table: "edge") { t in
                t.column("src", .integer).notNull().indexed()
                t.column("dst", .integer).notNull().indexed()
            }
            for (s, d) in edges { try db.execute(sql: "INSERT INTO edge(src, dst) VALUES (?, ?)", arguments: [s, d]) }
        }
        for start in [edges[0].0, edges[7].0, 99] {
            let rows = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT node, depth, parent FROM graph_bfs('edge', 'src', 'dst', ?)", arguments: [start])
            }
            let want = start == 99 ? [] : bfs(edges, from: start)
            #expect(rows.map { $0["node"] as Int64 } == want.map(\.node), "start \(start)")
            #expect(rows.map { $0["depth"] as Int64 } == want.map(\.depth), "start \(start)")
            #expect(rows.map { $0["parent"] as Int64? } == want.map(\.parent), "start \(start)")
        }
        // Bad input reaches GRDB as a DatabaseError naming the function and the problem.
        let error = #expect(throws: DatabaseError.self) {
            try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM graph_bfs('edge', 'src', 'nope', 1)") }
        }
        #expect(error?.message?.contains("graph_bfs") == true)
        #expect(error?.message?.contains("nope") == true)
    }

    @Test func registerAddsVecGraphToEveryLaterConnection() throws {
        do {
            try VecGraph.register()
        } catch let error as VecGraphError {
            #if canImport(Darwin)
            // Apple's system SQLite refuses auto extensions; the error must say what to do instead.
            #expect(error.message.contains("VecGraph.load(into:)"))
            return
            #else
            Issue.record("register failed: \(error)")
            return
            #endif
        }
        try VecGraph.register()  // a second call changes nothing
        let plain = try DatabaseQueue()
        #expect(try plain.read { try String.fetchOne($0, sql: "SELECT vec_graph_version()") } == expectedVersion)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vecgraph-pool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try DatabasePool(path: dir.appendingPathComponent("pool.sqlite").path)
        try pool.write { try $0.execute(sql: "CREATE VIRTUAL TABLE v USING hnsw_index(dimensions=2); INSERT INTO v(rowid, vector) VALUES (1, '[3,4]')") }
        #expect(try pool.read { try Double.fetchOne($0, sql: "SELECT distance FROM v WHERE vector MATCH '[0,0]' AND k = 1") } == 25)

        VecGraph.unregister()
        let after = try DatabaseQueue()
        #expect(throws: DatabaseError.self) { try after.read { try String.fetchOne($0, sql: "SELECT vec_graph_version()") } }
    }

    @Test func float32BlobHelpers() throws {
        let blob = try VecGraph.float32Blob([1, 2.5, -3])
        #expect(Array(blob) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0x40, 0x00, 0x00, 0x40, 0xC0])
        let queue = try vecGraphQueue()
        let (sqlBlob, json) = try queue.read { db in
            (try Data.fetchOne(db, sql: "SELECT vg_f32('[1, 2.5, -3]')"),
             try String.fetchOne(db, sql: "SELECT vg_to_json(?)", arguments: [blob]))
        }
        #expect(sqlBlob == blob)
        #expect(json == "[1,2.5,-3]")
        #expect(try VecGraph.floats(fromFloat32Blob: blob) == [1, 2.5, -3])
        let errors: [(() throws -> Any, String)] = [
            ({ try VecGraph.float32Blob([]) }, "empty vector"),
            ({ try VecGraph.float32Blob([1, .nan]) }, "element 1 is NaN"),
            ({ try VecGraph.float32Blob([.infinity]) }, "element 0 is infinite"),
            ({ try VecGraph.float32Blob([Float](repeating: 0, count: 65537)) }, "vector too large"),
            ({ try VecGraph.floats(fromFloat32Blob: Data([1, 2, 3, 4, 5])) }, "BLOB length 5 is not a multiple of 4"),
            ({ try VecGraph.floats(fromFloat32Blob: Data()) }, "empty vector"),
        ]
        for (call, text) in errors {
            let error = #expect(throws: VecGraphError.self) { _ = try call() }
            #expect(error?.message.contains(text) == true, "\(error?.message ?? "no error"): wants \(text)")
        }
    }
}
