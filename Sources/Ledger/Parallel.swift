#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Work of many independent items done on two threads at once: a report of tens of thousands
/// of rows lays out its two halves side by side, then joins them in order.
public enum Parallel {
    /// The halves of `0..<count` (one range when `count` is below `minimum`, where a second
    /// thread costs more than it saves).
    public static func halves(of count: Int, minimum: Int = 4_096) -> [Range<Int>] {
        count < minimum ? [0..<count] : [0..<count / 2, count / 2..<count]
    }

    /// `transform` of each item, in the items' order: the first on this thread, each other on a
    /// thread of its own, all at once. `transform` must only read what it shares with the other
    /// calls. When the system gives no thread (a `ulimit -v` too small for its stack), the item
    /// is worked out here, after the others (Dispatch's threads are not used: Dispatch would
    /// wait for one for ever).
    public static func map<Item: Sendable, Result: Sendable>(_ items: [Item], _ transform: @escaping @Sendable (Item) -> Result) -> [Result] {
        guard items.count > 1, isAllowed else { return items.map(transform) }
        let others = items.dropFirst().map { item in
            let slot = Slot<Result>()
            slot.isOnThread = ReadAhead.startThread {
                slot.result = transform(item)
                slot.done.signal()
            }
            return (item, slot)
        }
        var results = [transform(items[0])]
        for (item, slot) in others {
            if slot.isOnThread {
                slot.done.wait()
                results.append(slot.result!)
            } else {
                results.append(transform(item))
            }
        }
        return results
    }

    /// False under a limit on memory (`ulimit -v`, `prlimit --data`): the allocator gives a second
    /// thread an arena of its own, 64 MB of address space reserved, and a report that fits the
    /// limit on one thread would run out of memory on two.
    static let isAllowed: Bool = {
        var limit = rlimit()
        for resource in [RLIMIT_AS, RLIMIT_DATA] {
            #if canImport(Glibc)
            guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur == rlim_t.max else { return false } // RLIM_INFINITY
            #else
            guard getrlimit(resource, &limit) == 0, limit.rlim_cur == rlim_t.max else { return false } // RLIM_INFINITY
            #endif
        }
        return true
    }()

    /// Where a thread leaves its result: written by that thread before it signals `done`, read
    /// by the caller after waiting for it.
    private final class Slot<Result>: @unchecked Sendable {
        var result: Result?
        var isOnThread = false
        let done = DispatchSemaphore(value: 0)
    }
}
