import Foundation
import Testing
@testable import Ledger

/// The two stages of an import (`ReadAhead`): items reach the writer in order, a producer's
/// error after every item before it, a writer's error stops the producer; threaded or in line.
@Suite struct ReadAheadTests {
    final class Count: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var current: Int { lock.withLock { value } }
    }

    func message(_ error: LedgerError) -> String? {
        if case .invalidArgument(let message) = error { return message }
        return nil
    }

    @Test(arguments: [false, true])
    func itemsReachTheWriterInOrderInBatchesBoundedByCountAndBytes(threaded: Bool) throws {
        var taken: [Int] = []
        // Batches close at 7 items or 100 "bytes" (item % 50 each), whichever comes first.
        try ReadAhead.run(threaded: threaded, batchSize: 7, batchBytes: 100, depth: 2, size: { $0 % 50 }) { emit throws(LedgerError) in
            for k in 0..<10_000 { guard emit(k) else { return } }
        } consume: { k throws(LedgerError) in
            taken.append(k)
        }
        #expect(taken == Array(0..<10_000))
    }

    @Test(arguments: [false, true])
    func aProducersErrorComesAfterEveryItemBeforeIt(threaded: Bool) {
        var taken: [Int] = []
        do {
            try ReadAhead.run(threaded: threaded, batchSize: 64, size: { _ in 1 }) { emit throws(LedgerError) in
                for k in 0..<500 { guard emit(k) else { return } }
                throw .invalidArgument("line 501 is not JSON")
            } consume: { k throws(LedgerError) in
                taken.append(k)
            }
            Issue.record("no error")
        } catch {
            #expect(message(error) == "line 501 is not JSON")
        }
        #expect(taken == Array(0..<500))
    }

    @Test(arguments: [false, true])
    func aWritersErrorStopsTheProducerAndIsTheOneThrown(threaded: Bool) {
        let produced = Count()
        var taken: [Int] = []
        do {
            try ReadAhead.run(threaded: threaded, batchSize: 16, depth: 2, size: { _ in 1 }) { emit throws(LedgerError) in
                for k in 0..<1_000_000 {
                    produced.add()
                    guard emit(k) else { return }
                }
                throw .invalidArgument("the producer ran to its end")
            } consume: { k throws(LedgerError) in
                if k == 100 { throw .invalidArgument("refused at 100") }
                taken.append(k)
            }
            Issue.record("no error")
        } catch {
            #expect(message(error) == "refused at 100")
        }
        #expect(taken == Array(0..<100))
        // Stopped within the batches it may hold ahead: the one taken, `depth` waiting, the one filling.
        #expect(produced.current <= 100 + 16 * 4 + 1, "\(produced.current) produced")
    }

    /// Where each item was freed: on the producer's thread, or elsewhere.
    final class Frees: @unchecked Sendable {
        private let lock = NSLock()
        private var onProducer = 0
        private var elsewhere = 0
        private var producer: pthread_t?
        func setProducer() { lock.withLock { producer = pthread_self() } }
        func freed() {
            lock.withLock {
                if let producer, pthread_equal(producer, pthread_self()) != 0 { onProducer += 1 } else { elsewhere += 1 }
            }
        }
        var counts: (onProducer: Int, elsewhere: Int) { lock.withLock { (onProducer, elsewhere) } }
    }

    final class Item {
        let frees: Frees
        let value: Int
        init(_ value: Int, _ frees: Frees) { self.value = value; self.frees = frees }
        deinit { frees.freed() }
    }

    @Test func theItemsAWriterIsThroughWithAreFreedOnTheProducersThread() throws {
        let frees = Frees()
        var taken = 0
        try ReadAhead.run(threaded: true, batchSize: 16, depth: 2, size: { (_: Item) in 1 }) { emit throws(LedgerError) in
            frees.setProducer()
            for k in 0..<10_000 { guard emit(Item(k, frees)) else { return } }
        } consume: { item throws(LedgerError) in
            #expect(item.value == taken)
            taken += 1
        }
        #expect(taken == 10_000)
        let counts = frees.counts
        #expect(counts.onProducer + counts.elsewhere == 10_000)
        // All but the last batches, which the producer had handed over before the writer was through with them.
        #expect(counts.elsewhere <= 16 * 4, "\(counts.elsewhere) freed by the writer")
    }
}
