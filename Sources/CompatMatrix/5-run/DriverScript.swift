// Encodes the records to run into vg_driver's framed script format (`<S|Q> <line> <nbytes>\n<sql>\n`).

struct DriverScriptRecord: Sendable, Equatable {
    var line: Int
    var isQuery: Bool
    var sql: String
}

func encodeDriverScript(_ records: [DriverScriptRecord]) -> [UInt8] {
    var bytes: [UInt8] = []
    for record in records {
        let sql = Array(record.sql.utf8)
        bytes += Array("\(record.isQuery ? "Q" : "S") \(record.line) \(sql.count)\n".utf8)
        bytes += sql
        bytes.append(UInt8(ascii: "\n"))
    }
    return bytes
}
