import Foundation
import Testing
@testable import Ledger

/// The index table grows a window of slots at a time (memory stays flat however large it is);
/// every key must be found where linear probing looks for it afterwards.
@Suite struct IndexGrowthTests {
    /// The index of `ledger`, opened as a writer opens it (any warning fails the test).
    func openIndex(_ ledger: Ledger, usesTags: Bool = true) throws -> LedgerIndex {
        let index = try LedgerIndex.open(in: ledger.directory, warn: { Issue.record("unexpected warning: \($0)") })
        index.usesTags = usesTags
        return index
    }

    /// Inserts the participants `prefix1` ... `prefix<count>`, at seqs from `firstSeq`.
    func insert(_ prefix: String, count: Int, from firstSeq: Int64, into index: LedgerIndex) throws {
        for k in 1...count { try index.insert(EntityKey("participant", ["\(prefix)\(k)"]), seq: firstSeq + Int64(k) - 1) }
    }

    /// With tags (`usesTags`), lookups follow a key's run of slots in memory once the session
    /// has read enough slots, and read only the slots whose tag is the key's; without, every
    /// slot on the way is read from the file. The two must agree.
    @Test(arguments: [16, 64, 1 << 18], [true, false])
    func aTableGrownAWindowAtATimeFindsEveryKeyAndNoOther(window: Int, usesTags: Bool) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try openIndex(ledger, usesTags: usesTags)
            index.growthWindow = UInt64(window)
            let count = 6_000 // from 1,024 slots to 16,384: four doublings, most in several windows
            try insert("p", count: count, from: 1, into: index)
            #expect(index.capacity == 16_384)
            #expect(index.count == UInt64(count))
            // A fresh session's view: nothing remembered, every slot read and checked.
            try index.commit(seq: 0, hash: .zero)
            let reopened = try openIndex(ledger, usesTags: usesTags)
            for k in 1...count {
                #expect(try reopened.seq(of: EntityKey("participant", ["p\(k)"])) == Int64(k), "p\(k)")
            }
            for k in (count + 1)...(count + 500) {
                #expect(try reopened.seq(of: EntityKey("participant", ["p\(k)"])) == nil, "p\(k)")
            }
            #expect(reopened.hasTags == usesTags)
            let counted = reopened.count
            try reopened.recount()
            #expect(reopened.count == counted)
        }
    }

    @Test(arguments: [64, 1 << 18], [true, false])
    func aRefusedImportThatGrewTheTableLeavesTheKeysItFoundAndNoneOfItsOwn(window: Int, usesTags: Bool) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try openIndex(ledger, usesTags: usesTags)
            index.growthWindow = UInt64(window)
            try insert("old", count: 300, from: 1, into: index)
            try index.commit(seq: 300, hash: .zero)
            let capacityBefore = index.capacity
            try index.beginProvisional()
            try insert("new", count: 5_000, from: 301, into: index)
            #expect(index.capacity > capacityBefore) // it grew while provisional
            try index.rollBackProvisional()
            #expect(!index.isProvisional)
            #expect(index.count == 300)
            let reopened = try openIndex(ledger, usesTags: usesTags)
            #expect(reopened.indexedSeq == 300)
            for k in 1...300 { #expect(try reopened.seq(of: EntityKey("participant", ["old\(k)"])) == Int64(k), "old\(k)") }
            for k in 1...5_000 { #expect(try reopened.seq(of: EntityKey("participant", ["new\(k)"])) == nil, "new\(k)") }
            // The table still takes new keys where probing finds them.
            try insert("later", count: 2_000, from: 301, into: reopened)
            for k in 1...300 { #expect(try reopened.seq(of: EntityKey("participant", ["old\(k)"])) == Int64(k), "old\(k)") }
            for k in 1...2_000 { #expect(try reopened.seq(of: EntityKey("participant", ["later\(k)"])) == 300 + Int64(k), "later\(k)") }
            #expect(reopened.hasTags == usesTags)
        }
    }

    /// A refused import that did not grow the table empties its own slots; with tags, their
    /// tags too, so that the keys it added are absent and new ones take those slots.
    @Test(arguments: [true, false])
    func aRefusedImportEmptiesItsSlotsAndTheirTags(usesTags: Bool) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try openIndex(ledger, usesTags: usesTags)
            try insert("old", count: 3_000, from: 1, into: index)
            try index.commit(seq: 3_000, hash: .zero)
            let capacity = index.capacity
            try index.beginProvisional()
            try insert("new", count: 200, from: 3_001, into: index)
            #expect(index.capacity == capacity) // no growth: the slots are emptied one by one
            #expect(index.hasTags == usesTags)
            try index.rollBackProvisional()
            for k in 1...200 { #expect(try index.seq(of: EntityKey("participant", ["new\(k)"])) == nil, "new\(k)") }
            for k in 1...3_000 { #expect(try index.seq(of: EntityKey("participant", ["old\(k)"])) == Int64(k), "old\(k)") }
            try insert("other", count: 200, from: 3_001, into: index)
            try index.commit(seq: 3_200, hash: .zero)
            let reopened = try openIndex(ledger, usesTags: false) // every slot read from the file
            #expect(reopened.count == 3_200)
            for k in 1...200 {
                #expect(try reopened.seq(of: EntityKey("participant", ["other\(k)"])) == 3_000 + Int64(k), "other\(k)")
                #expect(try reopened.seq(of: EntityKey("participant", ["new\(k)"])) == nil, "new\(k)")
            }
        }
    }

    /// A slot damaged in the file after the tags were made is caught when a lookup reads it.
    @Test func aSlotDamagedAfterTheTagsWereMadeIsCaughtWhenRead() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try openIndex(ledger)
            let keys = (1...3_000).map { EntityKey("participant", ["p\($0)"]) }
            for (k, key) in keys.enumerated() { try index.insert(key, seq: Int64(k) + 1) }
            try index.commit(seq: 3_000, hash: .zero)
            let reopened = try openIndex(ledger)
            for k in 1...100 { #expect(try reopened.seq(of: EntityKey("participant", ["absent\(k)"])) == nil) }
            #expect(reopened.hasTags)
            // Every slot overwritten with zeros (no checksum matches): a key held is read, and refused.
            let path = dir + "/index/keys"
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seek(toOffset: UInt64(LedgerIndex.headerBytes))
            try handle.write(contentsOf: Data(count: size - Int(LedgerIndex.headerBytes)))
            try handle.close()
            #expect(throws: LedgerError.self) { try reopened.seq(of: keys[2_999]) }
        }
    }

    /// With tags, the slots a session fills are written together, in runs read, patched and
    /// written back, at a limit and before the table is read whole, grown or committed: a
    /// fresh session reading every slot from the file finds each key, and no other.
    @Test(arguments: [1, 37, LedgerIndex.maximumUnwritten])
    func slotsWrittenTogetherAreFoundByAFreshSession(limit: Int) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try openIndex(ledger)
            index.unwrittenLimit = limit
            for k in 1...20 { #expect(try index.seq(of: EntityKey("participant", ["absent\(k)"])) == nil) }
            #expect(index.hasTags)
            for k in 1...6_000 {
                try index.insert(EntityKey("participant", ["p\(k)"]), seq: Int64(k))
                if k % 1_000 == 0 { #expect(try index.seq(of: EntityKey("participant", ["p\(k / 2)"])) == Int64(k / 2)) }
            }
            try index.commit(seq: 6_000, hash: .zero)
            let reopened = try openIndex(ledger, usesTags: false)
            for k in 1...6_000 { #expect(try reopened.seq(of: EntityKey("participant", ["p\(k)"])) == Int64(k), "p\(k)") }
            for k in 1...500 { #expect(try reopened.seq(of: EntityKey("participant", ["q\(k)"])) == nil, "q\(k)") }
            try reopened.recount()
            #expect(reopened.count == 6_000)
        }
    }

    /// The index hashes a key's bytes: two spellings of one text (é, and e with a combining
    /// accent), equal as Swift strings, are two keys, however recently the other was hashed.
    @Test func keysEqualAsTextButNotAsBytesAreTwoKeys() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let index = try openIndex(ledger)
            let composed = EntityKey("participant", ["caf\u{E9}"])
            let decomposed = EntityKey("participant", ["cafe\u{301}"])
            #expect(composed == decomposed && !composed.hasSameBytes(as: decomposed))
            try index.insert(composed, seq: 1)
            #expect(try index.seq(of: decomposed) == nil)
            #expect(try index.seq(of: composed) == 1)
            try index.insert(decomposed, seq: 2)
            #expect(try index.seq(of: decomposed) == 2)
            #expect(try index.seq(of: composed) == 1)
        }
    }
}
