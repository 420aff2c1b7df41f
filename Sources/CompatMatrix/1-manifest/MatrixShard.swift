// --shard I/N: a deterministic split of the (SQLite, mode) units across N runners, I counted from 1.
// Units are dealt round-robin in their sorted order, so every unit lands in exactly one shard and
// a unit's builds (sqlite3.o, driver, extensions) are never duplicated across shards.

public struct MatrixShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public static let whole = MatrixShard(validIndex: 1, count: 1)

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    /// Parses "2/4".
    public init(_ text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              count >= 1, (1...count).contains(index) else {
            throw MatrixConfigurationError("--shard \(text): want I/N with 1 <= I <= N, e.g. 1/4")
        }
        self.init(validIndex: index, count: count)
    }

    /// The items of this shard, in their original order.
    public func select<T>(_ items: [T]) -> [T] {
        items.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }

    public var description: String { "\(index)/\(count)" }
}
