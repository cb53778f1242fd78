import Dispatch

/// Work of many independent items done on two threads at once: a report of tens of thousands
/// of rows lays out its two halves side by side, then joins them in order.
public enum Parallel {
    /// The halves of `0..<count` (one range when `count` is below `minimum`, where a second
    /// thread costs more than it saves).
    public static func halves(of count: Int, minimum: Int = 4_096) -> [Range<Int>] {
        count < minimum ? [0..<count] : [0..<count / 2, count / 2..<count]
    }

    /// `transform` of each item, worked out at once on as many threads as there are items, in
    /// the items' order. `transform` must only read what it shares with the other calls.
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Result) -> [Result] {
        guard items.count > 1 else { return items.map(transform) }
        var results = [Result?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = Slots(buffer: slots)
            DispatchQueue.concurrentPerform(iterations: items.count) { k in slots.buffer[k] = transform(items[k]) }
        }
        return results.map { $0! }
    }

    /// The results' slots, each written by one call of `transform` alone.
    private struct Slots<Result>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Result?>
    }
}
