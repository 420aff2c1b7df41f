// VecGraph: vec_graph compiled into a Swift program (the C sources built with SQLITE_CORE, calling the
// SQLite the program links, no extension loading): add it to every connection opened afterwards, or to
// one connection handle (GRDB's `db.sqliteConnection`), and convert [Float] to and from the
// little-endian float32 BLOBs vec_graph's SQL functions take and return.
import CSQLite
import CVecGraph
import Foundation

/// An error from registering or loading vec_graph, or from reading a float32 BLOB.
public struct VecGraphError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

public enum VecGraph {
    /// The most dimensions a vec_graph vector has.
    public static let maxDimensions = 65536

    private typealias EntryPoint = @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, OpaquePointer?
    ) -> Int32
    private static let entryPoint: EntryPoint = sqlite3_vecgraph_init

    /// Adds vec_graph to every database connection this process opens from now on
    /// (`sqlite3_auto_extension`). Calling it again changes nothing.
    ///
    /// Apple's system SQLite refuses process-wide auto extensions: there, this throws, and
    /// `load(into:)` from GRDB's `Configuration.prepareDatabase` is the way.
    public static func register() throws {
        let rc = sqlite3_auto_extension(unsafeBitCast(entryPoint, to: (@convention(c) () -> Void).self))
        guard rc == SQLITE_OK else {
            throw VecGraphError(message: "VecGraph.register: this SQLite refused sqlite3_auto_extension "
                + "(error \(rc): \(String(cString: sqlite3_errstr(rc)))); call VecGraph.load(into:) on each "
                + "connection instead, e.g. from GRDB's Configuration.prepareDatabase")
        }
    }

    /// Stops adding vec_graph to connections opened from now on; those that have it keep it.
    public static func unregister() {
        _ = sqlite3_cancel_auto_extension(unsafeBitCast(entryPoint, to: (@convention(c) () -> Void).self))
    }

    /// Adds vec_graph's functions, `hnsw_index` and the graph functions to one open connection
    /// (an `sqlite3 *`, such as GRDB's `db.sqliteConnection`).
    public static func load(into connection: OpaquePointer) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_vecgraph_init(connection, &message, nil)
        defer { sqlite3_free(message) }
        guard rc == SQLITE_OK else {
            let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            throw VecGraphError(message: "VecGraph.load: \(reason)")
        }
    }

    /// `vector` as vec_graph's BLOB: its values as little-endian float32, 4 bytes each. Like the SQL
    /// functions, it refuses an empty vector, more than 65,536 dimensions, and NaN or infinite values.
    public static func float32Blob(_ vector: [Float]) throws -> Data {
        try check(vector.count, in: "float32Blob")
        var data = Data(capacity: 4 * vector.count)
        for (i, value) in vector.enumerated() {
            guard value.isFinite else {
                throw VecGraphError(message: "VecGraph.float32Blob: element \(i) is \(value.isNaN ? "NaN" : "infinite")")
            }
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// The vector in a float32 BLOB that vec_graph returned (such as `vg_f32(...)` or an
    /// `hnsw_index` vector column).
    public static func floats(fromFloat32Blob blob: Data) throws -> [Float] {
        guard blob.count % 4 == 0 else {
            throw VecGraphError(message: "VecGraph.floats: BLOB length \(blob.count) is not a multiple of 4 (float32)")
        }
        try check(blob.count / 4, in: "floats")
        return blob.withUnsafeBytes { raw in
            (0..<blob.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    private static func check(_ dimensions: Int, in function: String) throws {
        if dimensions == 0 {
            throw VecGraphError(message: "VecGraph.\(function): empty vector: a vector needs at least one dimension")
        }
        if dimensions > maxDimensions {
            throw VecGraphError(message: "VecGraph.\(function): vector too large: \(dimensions) dimensions, at most \(maxDimensions)")
        }
    }
}
