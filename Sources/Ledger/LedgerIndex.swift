#if canImport(Glibc)
import Glibc
#endif

/// The writers' derived index: which keys (event ids, entities, facts) the ledger holds, and
/// where each event's line starts. Rebuilt from the events whenever it does not match them.
///
/// `index/keys` is an open-addressing hash table on disk, read and written a slot at a time so
/// that an append on a large ledger touches a few pages, not the whole index:
/// ```
/// header (64 bytes): "LDGKEYS1", capacity, count, indexed seq (UInt64 LE), head hash (32 bytes)
/// slot (24 bytes):   the first 16 bytes of SHA-256(key), the seq of the event (0: empty)
/// ```
/// `index/offsets` holds, for seq n, the byte offset of its line in its segment at (n - 1) * 8.
final class LedgerIndex {
    private var keys: FileDescriptor
    private let offsets: FileDescriptor
    private let directory: String
    private let system: SystemCalls
    private(set) var capacity: UInt64
    private(set) var count: UInt64
    /// The last seq whose keys and offset are in the index.
    private(set) var indexedSeq: Int64
    /// The hash of that seq's line; the index is trusted only while the ledger's line matches it.
    private(set) var indexedHash: SHA256.Digest
    /// The last seq whose offset is written (ahead of `indexedSeq` until `commit`).
    private var offsetsThrough: Int64

    static let magic = Array("LDGKEYS1".utf8)
    static let headerBytes: Int64 = 64
    static let slotBytes = 24
    static let initialCapacity: UInt64 = 1024
    /// How many keys the lookups of a session remember before they are forgotten, so that a
    /// rebuild from the first event (every key inserted) does not grow with the ledger.
    static let rememberedKeys = 262_144

    private init(keys: FileDescriptor, offsets: FileDescriptor, directory: String, system: SystemCalls,
                 capacity: UInt64, count: UInt64, indexedSeq: Int64, indexedHash: SHA256.Digest) {
        self.keys = keys
        self.offsets = offsets
        self.directory = directory
        self.system = system
        self.capacity = capacity
        self.count = count
        self.indexedSeq = indexedSeq
        self.indexedHash = indexedHash
        self.offsetsThrough = indexedSeq
    }

    /// Opens the index in `directory`, making an empty one when it is missing or unreadable.
    static func open(in directory: String, system: SystemCalls) throws(LedgerError) -> LedgerIndex {
        do throws(SystemError) {
            if system.mkdir(directory, 0o700) != 0 && errno != EEXIST {
                throw SystemError(operation: "mkdir", path: directory, code: errno)
            }
            let keys = try FileDescriptor.open(directory + "/keys", O_RDWR | O_CREAT, system: system)
            let offsets = try FileDescriptor.open(directory + "/offsets", O_RDWR | O_CREAT, system: system)
            let header = try keys.read(count: Int(headerBytes), at: 0)
            if header.count == Int(headerBytes), Array(header[0..<8]) == magic {
                let capacity = header.littleEndianUInt64(at: 8)
                let count = header.littleEndianUInt64(at: 16)
                let seq = Int64(bitPattern: header.littleEndianUInt64(at: 24))
                let size = try keys.size()
                if capacity >= initialCapacity, capacity.nonzeroBitCount == 1, count < capacity, seq >= 0,
                   size == headerBytes + Int64(capacity) * Int64(slotBytes) {
                    return LedgerIndex(keys: keys, offsets: offsets, directory: directory, system: system, capacity: capacity,
                                       count: count, indexedSeq: seq, indexedHash: SHA256.Digest(bytes: Array(header[32..<64])))
                }
            }
            let index = LedgerIndex(keys: keys, offsets: offsets, directory: directory, system: system, capacity: initialCapacity,
                                    count: 0, indexedSeq: 0, indexedHash: .zero)
            try index.reset()
            return index
        } catch {
            throw .io(error)
        }
    }

    /// Empties the index, to be rebuilt from the first event.
    func reset() throws(SystemError) {
        forgetPositions()
        try keys.truncate(to: 0)
        try offsets.truncate(to: 0)
        capacity = LedgerIndex.initialCapacity
        count = 0
        indexedSeq = 0
        indexedHash = .zero
        offsetsThrough = 0
        try keys.truncate(to: LedgerIndex.headerBytes + Int64(capacity) * Int64(LedgerIndex.slotBytes))
        try writeHeader()
    }

    private func writeHeader() throws(SystemError) {
        var header = LedgerIndex.magic
        header.appendLittleEndian(capacity)
        header.appendLittleEndian(count)
        header.appendLittleEndian(UInt64(bitPattern: indexedSeq))
        header.append(contentsOf: [UInt8](repeating: 0, count: 32 - header.count))
        header.append(contentsOf: indexedHash.bytes)
        try keys.writeAll(header, at: 0)
    }

    // MARK: - Keys

    private struct Probe: Hashable {
        let high: UInt64
        let low: UInt64
    }

    /// Keys found (or inserted) in this session, with their slot and seq: a batch that names the
    /// same engagement or person a thousand times reads its slot once. Slots move only when the
    /// table grows or is rebuilt, which empties this.
    private var known: [Probe: (slot: UInt64, seq: Int64)] = [:]
    /// Keys found absent in this session, with the empty slot where their probing ended (the
    /// slot an insert of them would take), and those keys by that slot: an insert of another key
    /// into that slot makes them unknown again.
    private var absent: [Probe: UInt64] = [:]
    private var absentAt: [UInt64: [Probe]] = [:]

    private static func probe(_ key: EntityKey) -> Probe {
        let digest = SHA256.hash(key.indexBytes)
        // The first 16 digest bytes read as two little-endian words (the digest keeps them
        // big-endian). 0 marks an empty slot's seq, not its digest, so every digest is usable.
        return Probe(high: digest.high.byteSwapped, low: digest.second.byteSwapped)
    }

    /// The seq of the event that added `key`, or nil when the ledger does not hold it.
    func seq(of key: EntityKey) throws(SystemError) -> Int64? {
        let probe = LedgerIndex.probe(key)
        return try find(probe).seq
    }

    /// The slot holding `probe`, or the empty slot where it would go; `slot` is nil when the
    /// table has no empty slot at all (its count had fallen behind, after a writer died).
    private func find(_ probe: Probe) throws(SystemError) -> (slot: UInt64?, seq: Int64?) {
        if let hit = known[probe] { return (hit.slot, hit.seq) }
        if let slot = absent[probe] { return (slot, nil) }
        let found = try probeTable(probe)
        if let slot = found.slot {
            if let seq = found.seq {
                known[probe] = (slot, seq)
            } else {
                absent[probe] = slot
                absentAt[slot, default: []].append(probe)
            }
        }
        return found
    }

    private func probeTable(_ probe: Probe) throws(SystemError) -> (slot: UInt64?, seq: Int64?) {
        let mask = capacity - 1
        var slot = probe.high & mask
        var visited: UInt64 = 0
        let run = 16
        while visited < capacity { // bounded: a full table is never probed forever
            let available = Int(min(UInt64(run), capacity - slot, capacity - visited))
            let bytes = try keys.read(count: available * LedgerIndex.slotBytes, at: slotOffset(slot))
            for k in 0..<available {
                let base = k * LedgerIndex.slotBytes
                let seq = Int64(bitPattern: bytes.littleEndianUInt64(at: base + 16))
                if seq == 0 { return (slot + UInt64(k), nil) }
                if bytes.littleEndianUInt64(at: base) == probe.high && bytes.littleEndianUInt64(at: base + 8) == probe.low {
                    return (slot + UInt64(k), seq)
                }
            }
            visited += UInt64(available)
            slot = (slot + UInt64(available)) & mask
        }
        return (nil, nil)
    }

    /// Counts the occupied slots again: a writer that died after writing slots but before its
    /// header left the count behind, and growth depends on it.
    func recount() throws(SystemError) {
        var occupied: UInt64 = 0
        var slot: UInt64 = 0
        while slot < capacity {
            let available = Int(min(65_536, capacity - slot))
            let bytes = try keys.read(count: available * LedgerIndex.slotBytes, at: slotOffset(slot))
            for k in 0..<available where bytes.littleEndianUInt64(at: k * LedgerIndex.slotBytes + 16) != 0 { occupied += 1 }
            slot += UInt64(available)
        }
        count = occupied
    }

    private func slotOffset(_ slot: UInt64) -> Int64 {
        LedgerIndex.headerBytes + Int64(slot) * Int64(LedgerIndex.slotBytes)
    }

    /// Records that the event `seq` added `key` (a key already held keeps its first seq).
    func insert(_ key: EntityKey, seq: Int64) throws(SystemError) {
        if (count + 1) * 2 > capacity { try grow() }
        let probe = LedgerIndex.probe(key)
        var found = try find(probe)
        if found.slot == nil { // full: the count was behind; count again and grow
            try recount()
            try grow()
            found = try find(probe)
        }
        guard found.seq == nil, let slot = found.slot else { return }
        try writeSlot(slot, probe, seq: seq)
        for other in absentAt.removeValue(forKey: slot) ?? [] { absent[other] = nil }
        count += 1
        if known.count + absent.count >= LedgerIndex.rememberedKeys { forgetPositions() }
        known[probe] = (slot, seq)
    }

    private func writeSlot(_ slot: UInt64, _ probe: Probe, seq: Int64) throws(SystemError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(LedgerIndex.slotBytes)
        bytes.appendLittleEndian(probe.high)
        bytes.appendLittleEndian(probe.low)
        bytes.appendLittleEndian(UInt64(bitPattern: seq))
        try keys.writeAll(bytes, at: slotOffset(slot))
    }

    /// Forgets where keys were found: the table is rebuilt or resized, or too many are remembered.
    private func forgetPositions() {
        known.removeAll()
        absent.removeAll()
        absentAt.removeAll()
    }

    /// Doubles the table: writes every slot into a new file twice the size, then renames it
    /// over the old one, so that a crash leaves one whole table or the other.
    private func grow() throws(SystemError) {
        forgetPositions()
        let old = try keys.read(count: Int(capacity) * LedgerIndex.slotBytes, at: LedgerIndex.headerBytes)
        let newCapacity = capacity * 2
        let mask = newCapacity - 1
        var table = [UInt8](repeating: 0, count: Int(newCapacity) * LedgerIndex.slotBytes)
        for slot in 0..<Int(capacity) {
            let base = slot * LedgerIndex.slotBytes
            guard old.littleEndianUInt64(at: base + 16) != 0 else { continue }
            var target = Int(old.littleEndianUInt64(at: base) & mask)
            while table.littleEndianUInt64(at: target * LedgerIndex.slotBytes + 16) != 0 {
                target = (target + 1) & Int(mask)
            }
            table.replaceSubrange(target * LedgerIndex.slotBytes..<(target + 1) * LedgerIndex.slotBytes,
                                  with: old[base..<(base + LedgerIndex.slotBytes)])
        }
        let temporary = directory + "/keys.tmp"
        let replacement = try FileDescriptor.open(temporary, O_RDWR | O_CREAT | O_TRUNC, system: system)
        try replacement.writeAll(table, at: LedgerIndex.headerBytes)
        let previousCapacity = capacity
        capacity = newCapacity
        let swapped = keys
        keys = replacement
        do throws(SystemError) {
            try writeHeader()
            try keys.synchronize()
            guard system.rename(temporary, directory + "/keys") == 0 else {
                throw SystemError(operation: "rename", path: temporary, code: errno)
            }
        } catch {
            keys = swapped
            capacity = previousCapacity
            throw error
        }
        _ = try? swapped.close() // the old table is replaced; its close error changes nothing
    }

    // MARK: - Offsets

    /// Records the offsets of the lines of `firstSeq`, `firstSeq + 1`, ... in their segments.
    func setOffsets(_ lineOffsets: [Int64], from firstSeq: Int64) throws(SystemError) {
        guard !lineOffsets.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lineOffsets.count * 8)
        for offset in lineOffsets { bytes.appendLittleEndian(UInt64(offset)) }
        try offsets.writeAll(bytes, at: (firstSeq - 1) * 8)
        offsetsThrough = max(offsetsThrough, firstSeq + Int64(lineOffsets.count) - 1)
    }

    /// The offset of the line of `seq` in its segment, or nil when the index has none.
    func offset(of seq: Int64) throws(SystemError) -> Int64? {
        guard seq >= 1, seq <= offsetsThrough else { return nil }
        let bytes = try offsets.read(count: 8, at: (seq - 1) * 8)
        guard bytes.count == 8 else { return nil }
        return Int64(bitPattern: bytes.littleEndianUInt64(at: 0))
    }

    // MARK: - Commit

    /// Makes the index cover the ledger up to `seq`, whose line hashes to `hash`: the slots and
    /// offsets reach the disk before the header that claims them.
    func commit(seq: Int64, hash: SHA256.Digest) throws(SystemError) {
        try keys.synchronize()
        try offsets.synchronize()
        indexedSeq = seq
        indexedHash = hash
        try writeHeader()
    }
}

extension Array where Element == UInt8 {
    func littleEndianUInt64(at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<8 { value |= UInt64(self[offset + k]) << (8 * UInt64(k)) }
        return value
    }

    mutating func appendLittleEndian(_ value: UInt64) {
        for k in 0..<8 { append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
    }
}
