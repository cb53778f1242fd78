import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Two stages of an import run on the two cores: `produce` (reading, parsing and the checks that
/// need nothing of the ledger; or, when writing, making each line but its `prev`) runs ahead on
/// another thread while `consume` (what must be done in order: the checks against the ledger,
/// the chain's hash, the writes) takes its items in order. Items pass in batches of at most
/// `batchSize` items and `batchBytes` bytes (as `size` counts them), at most `depth` batches
/// ahead, so memory stays flat whatever the import's size and however long its lines.
///
/// Errors keep their place: an error `produce` throws reaches the writer after every item
/// produced before it, and an error `consume` throws stops `produce` before it is rethrown.
enum ReadAhead {
    /// Runs `produce`, handing each item to `consume` in order: on another thread when
    /// `threaded` (and the work is worth one), else in line.
    static func run<Item>(threaded: Bool, batchSize: Int = 1024, batchBytes: Int = 256 << 10, depth: Int = 2,
                          size: @escaping (Item) -> Int,
                          produce: @escaping (_ emit: (Item) -> Bool) throws(LedgerError) -> Void,
                          consume: (Item) throws(LedgerError) -> Void) throws(LedgerError) {
        guard threaded else {
            var failure: LedgerError?
            try produce { item in
                do throws(LedgerError) { try consume(item) } catch { failure = error; return false }
                return true
            }
            if let failure { throw failure }
            return
        }
        let queue = Queue<Item>(batchSize: batchSize, batchBytes: batchBytes, depth: depth, size: size)
        // No thread to be had (a limit on memory or processes): the same work, in line.
        guard queue.start(produce) else { return try run(threaded: false, size: size, produce: produce, consume: consume) }
        defer { queue.finish() }
        while let item = try queue.next() { try consume(item) }
    }

    /// Starts `body` on a thread of its own; false when the system gives none. (Not Dispatch:
    /// when a thread cannot be made, as under `ulimit -v`, Dispatch waits for one for ever.)
    static func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Body {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 4 << 20)
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        if started != 0 { Unmanaged<Body>.fromOpaque(context).release() }
        return started == 0
    }

    private final class Queue<Item>: @unchecked Sendable { // shared state is under `condition`
        private struct Batch {
            var items: [Item]
            /// The error that ended `produce` after these items, or nil.
            var failure: LedgerError?
            var isLast: Bool
        }

        private let condition = NSCondition()
        private var ready: [Batch] = []
        /// Batches the consumer is through with, for the producer to free: what a thread
        /// allocates is best freed on it, since freeing another thread's memory makes the
        /// allocator take a lock that thread holds.
        private var spent: [[Item]] = []
        private var stopped = false
        /// True once the producer's thread has returned.
        private var producerDone = false
        private let batchSize: Int
        private let batchBytes: Int
        private let depth: Int
        private let size: (Item) -> Int
        // The consumer's side.
        private var current = Batch(items: [], failure: nil, isLast: false)
        private var position = 0

        init(batchSize: Int, batchBytes: Int, depth: Int, size: @escaping (Item) -> Int) {
            self.batchSize = batchSize
            self.batchBytes = batchBytes
            self.depth = depth
            self.size = size
        }

        /// Starts `produce` on a thread of its own; false when no thread could be made.
        func start(_ produce: @escaping (_ emit: (Item) -> Bool) throws(LedgerError) -> Void) -> Bool {
            // The producer owns what `produce` touches until `finish()`: the consumer leaves it alone meanwhile.
            nonisolated(unsafe) let produce = produce
            return ReadAhead.startThread { [self] in
                defer {
                    condition.lock()
                    producerDone = true
                    condition.broadcast()
                    condition.unlock()
                }
                var items: [Item] = []
                var bytes = 0
                do throws(LedgerError) {
                    try produce { item in
                        items.append(item)
                        bytes += size(item)
                        guard items.count == batchSize || bytes >= batchBytes else { return true }
                        defer {
                            items.removeAll(keepingCapacity: true)
                            bytes = 0
                        }
                        return publish(Batch(items: items, failure: nil, isLast: false))
                    }
                    _ = publish(Batch(items: items, failure: nil, isLast: true))
                } catch {
                    _ = publish(Batch(items: items, failure: error, isLast: true))
                }
            }
        }

        /// Hands a batch to the consumer, waiting while `depth` are waiting already; false once
        /// the consumer has stopped taking them.
        private func publish(_ batch: Batch) -> Bool {
            var freed: [[Item]] = []
            defer { freed.removeAll() } // after the lock is let go, on this thread
            condition.lock()
            defer { condition.unlock() }
            while ready.count >= depth && !stopped { condition.wait() }
            swap(&freed, &spent)
            guard !stopped else { return false }
            ready.append(batch)
            condition.broadcast()
            return true
        }

        /// The next item; nil at the end.
        /// - Throws: the error that ended `produce`, after the items before it.
        func next() throws(LedgerError) -> Item? {
            while position == current.items.count {
                if let failure = current.failure { throw failure }
                if current.isLast { return nil }
                condition.lock()
                while ready.isEmpty { condition.wait() }
                spent.append(current.items)
                current = ready.removeFirst()
                condition.broadcast()
                condition.unlock()
                position = 0
            }
            defer { position += 1 }
            return current.items[position]
        }

        /// Stops the producer and waits until it has stopped.
        func finish() {
            condition.lock()
            stopped = true
            condition.broadcast()
            while !producerDone { condition.wait() }
            condition.unlock()
        }
    }
}
