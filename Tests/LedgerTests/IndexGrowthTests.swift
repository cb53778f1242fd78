import Foundation
import Testing
@testable import Ledger

/// The index table grows a window of slots at a time (memory stays flat however large it is);
/// every key must be found where linear probing looks for it afterwards.
@Suite struct IndexGrowthTests {
    @Test(arguments: [16, 64, 1 << 18])
    func aTableGrownAWindowAtATimeFindsEveryKeyAndNoOther(window: Int) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try LedgerIndex.open(in: ledger.directory, warn: { Issue.record("unexpected warning: \($0)") })
            index.growthWindow = UInt64(window)
            let count = 6_000 // from 1,024 slots to 16,384: four doublings, most in several windows
            for k in 1...count { try index.insert(EntityKey("participant", ["p\(k)"]), seq: Int64(k)) }
            #expect(index.capacity == 16_384)
            #expect(index.count == UInt64(count))
            // A fresh session's view: nothing remembered, every slot read and checked.
            try index.commit(seq: 0, hash: .zero)
            let reopened = try LedgerIndex.open(in: ledger.directory, warn: { Issue.record("unexpected warning: \($0)") })
            for k in 1...count {
                #expect(try reopened.seq(of: EntityKey("participant", ["p\(k)"])) == Int64(k), "p\(k)")
            }
            for k in (count + 1)...(count + 500) {
                #expect(try reopened.seq(of: EntityKey("participant", ["p\(k)"])) == nil, "p\(k)")
            }
            let counted = reopened.count
            try reopened.recount()
            #expect(reopened.count == counted)
        }
    }

    @Test(arguments: [64, 1 << 18])
    func aRefusedImportThatGrewTheTableLeavesTheKeysItFoundAndNoneOfItsOwn(window: Int) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try LedgerIndex.open(in: ledger.directory, warn: { Issue.record("unexpected warning: \($0)") })
            index.growthWindow = UInt64(window)
            for k in 1...300 { try index.insert(EntityKey("participant", ["old\(k)"]), seq: Int64(k)) }
            try index.commit(seq: 300, hash: .zero)
            let capacityBefore = index.capacity
            try index.beginProvisional()
            for k in 1...5_000 { try index.insert(EntityKey("participant", ["new\(k)"]), seq: 300 + Int64(k)) }
            #expect(index.capacity > capacityBefore) // it grew while provisional
            try index.rollBackProvisional()
            #expect(!index.isProvisional)
            #expect(index.count == 300)
            let reopened = try LedgerIndex.open(in: ledger.directory, warn: { Issue.record("unexpected warning: \($0)") })
            #expect(reopened.indexedSeq == 300)
            for k in 1...300 { #expect(try reopened.seq(of: EntityKey("participant", ["old\(k)"])) == Int64(k), "old\(k)") }
            for k in 1...5_000 { #expect(try reopened.seq(of: EntityKey("participant", ["new\(k)"])) == nil, "new\(k)") }
            // The table still takes new keys where probing finds them.
            for k in 1...2_000 { try reopened.insert(EntityKey("participant", ["later\(k)"]), seq: 300 + Int64(k)) }
            for k in 1...300 { #expect(try reopened.seq(of: EntityKey("participant", ["old\(k)"])) == Int64(k), "old\(k)") }
            for k in 1...2_000 { #expect(try reopened.seq(of: EntityKey("participant", ["later\(k)"])) == 300 + Int64(k), "later\(k)") }
        }
    }
}
