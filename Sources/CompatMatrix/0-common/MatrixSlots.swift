// A counting semaphore for async work: at most `count` bodies run at once, the others wait in order
// (the fault modes' fixture-file runs, which run side by side across units, keep to --jobs processes).

actor MatrixSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) {
        free = max(1, count)
    }

    /// Runs `body` once a slot is free, and frees it after.
    func holding<R: Sendable>(_ body: @Sendable () async -> R) async -> R {
        if free > 0 {
            free -= 1
        } else {
            await withCheckedContinuation { waiting.append($0) }
        }
        let result = await body()
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
        return result
    }
}
