// A minimal handle on the system SQLite with build/vec_graph loaded: enough to run one query
// with bound values and read back one row, or the error SQLite reports.
import CSQLite
import Foundation

enum SQLValue: Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var description: String {
        switch self {
        case .null: "NULL"
        case .integer(let i): "\(i)"
        case .real(let d): "\(d)"
        case .text(let s): "'\(s)'"
        case .blob(let b): "x'\(b.map { String(format: "%02x", $0) }.joined())'"
        }
    }
}

struct SQLError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The repository root, found from this file's path (Tests/VecGraphTests/Database.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// build/vec_graph without its suffix, as sqlite3_load_extension takes it.
let loadablePath = repositoryRoot.appendingPathComponent("build/vec_graph").path

private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

final class Database {
    private var db: OpaquePointer?

    /// Opens an in-memory database and loads vec_graph into it.
    init() throws {
        guard sqlite3_open(":memory:", &db) == SQLITE_OK else { throw SQLError(message: "cannot open :memory:") }
        sqlite3_enable_load_extension(db, 1)
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_load_extension(db, loadablePath, nil, &err) != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(err)
            sqlite3_close(db)
            throw SQLError(message: "cannot load \(loadablePath) (run `make` first): \(message)")
        }
    }

    deinit { sqlite3_close(db) }

    /// The first column of the first row of sql with args bound in order.
    func value(_ sql: String, _ args: SQLValue...) throws -> SQLValue {
        try row(sql, args).first ?? .null
    }

    /// Every column of the first row (empty when there is no row).
    func row(_ sql: String, _ args: [SQLValue] = []) throws -> [SQLValue] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK else { throw error() }
        defer { sqlite3_finalize(stmt) }
        for (i, arg) in args.enumerated() { bind(stmt, Int32(i + 1), arg) }
        switch sqlite3_step(stmt) {
        case SQLITE_ROW:
            return (0..<sqlite3_column_count(stmt)).map { column(stmt, $0) }
        case SQLITE_DONE:
            return []
        default:
            throw error()
        }
    }

    /// The error message of sql, or nil if it succeeds.
    func errorMessage(_ sql: String, _ args: SQLValue...) -> String? {
        do {
            _ = try row(sql, args)
            return nil
        } catch {
            return (error as? SQLError)?.message ?? "\(error)"
        }
    }

    private func error() -> SQLError { SQLError(message: String(cString: sqlite3_errmsg(db))) }

    private func bind(_ stmt: OpaquePointer?, _ i: Int32, _ value: SQLValue) {
        switch value {
        case .null: sqlite3_bind_null(stmt, i)
        case .integer(let v): sqlite3_bind_int64(stmt, i, v)
        case .real(let v): sqlite3_bind_double(stmt, i, v)
        case .text(let v): sqlite3_bind_text(stmt, i, v, -1, transient)
        case .blob(let v): _ = v.withUnsafeBytes { sqlite3_bind_blob(stmt, i, $0.baseAddress, Int32(v.count), transient) }
        }
    }

    private func column(_ stmt: OpaquePointer?, _ i: Int32) -> SQLValue {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(stmt, i)))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }
}

/// Little-endian float32 bytes of v: the BLOB form vec_graph reads and writes.
func f32Blob(_ v: [Float]) -> SQLValue {
    .blob(v.flatMap { f -> [UInt8] in
        let u = f.bitPattern.littleEndian
        return [UInt8(u & 0xff), UInt8(u >> 8 & 0xff), UInt8(u >> 16 & 0xff), UInt8(u >> 24)]
    })
}

/// A JSON array text of v (Swift's shortest round-trip form of each float).
func jsonText(_ v: [Float]) -> SQLValue { .text("[" + v.map { "\($0)" }.joined(separator: ",") + "]") }
