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
}
