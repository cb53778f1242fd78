#if canImport(Glibc)
import Glibc
#endif

/// The writers' derived index: which keys (event ids, entities, facts) the ledger holds, and
/// where each event's line starts. Rebuilt from the events whenever it does not match them.
///
/// `index/keys` is an open-addressing hash table on disk, read and written a slot at a time so
/// that an append on a large ledger touches a few pages, not the whole index:
/// ```
/// header (88 bytes): "LDGKEYS2", capacity, count, indexed seq (UInt64 LE), head hash (32 bytes),
///                    salt, state (UInt64 LE: 0, or 1 while an import holds slots of events
///                    not yet written), checksum of the 80 bytes before it
/// slot (32 bytes):   the first 16 bytes of SHA-256(key), the seq of the event (0: empty),
///                    checksum of (salt, slot number, those three words)
/// ```
/// `index/offsets` holds "LDGOFFS2" and the salt, then for seq n, at 16 + (n - 1) * 16, the byte
/// offset of its line in its segment and the checksum of (salt, n, offset).
///
/// Derived files never decide: every slot and offset is checked when read (an empty slot too,
/// so zeroed slots are caught; with `tags`, when the session read it), and the salt, drawn when the index is made, ties the two files
/// together; any mismatch throws `LedgerError.damagedIndex`, and the writer rebuilds the index
/// from the events. The checksums find damage, not forgery (see SECURITY.md).
final class LedgerIndex {
    private var keys: FileDescriptor
    private let offsets: FileDescriptor
    private let directory: DirectoryDescriptor
    private(set) var capacity: UInt64
    private(set) var count: UInt64
    /// The last seq whose keys and offset are in the index.
    private(set) var indexedSeq: Int64
    /// The hash of that seq's line; the index is trusted only while the ledger's line matches it.
    private(set) var indexedHash: SHA256.Digest
    /// Drawn at random when the index is made; part of every checksum.
    private var salt: UInt64
    /// The last seq whose offset is written (ahead of `indexedSeq` until `commit`).
    private var offsetsThrough: Int64
    /// True while slots name events that are not written yet (an import between its passes):
    /// the header says so on disk, so that an index left so by a crash is rebuilt.
    private(set) var isProvisional = false
    /// The slots filled since `beginProvisional`, to empty them again if the import fails;
    /// nil when growth moved them or too many were filled to remember.
    private var provisionalSlots: [UInt64]? = []
    /// How many provisional slots are remembered at most (8 bytes each).
    static let rememberedProvisionalSlots = 1 << 20

    static let magic = Array("LDGKEYS2".utf8)
    static let offsetsMagic = Array("LDGOFFS2".utf8)
    static let headerBytes: Int64 = 88
    static let offsetsHeaderBytes: Int64 = 16
    static let slotBytes = 32
    static let offsetBytes: Int64 = 16
    static let initialCapacity: UInt64 = 1024
    /// The new table is built this many slots at a time when it grows: memory stays flat.
    static let growthWindow: UInt64 = 1 << 18
    /// The window of this index (smaller in tests, so that a small table grows in several windows).
    var growthWindow = LedgerIndex.growthWindow
    /// How many keys the lookups of a session remember before they are forgotten, so that a
    /// rebuild from the first event (every key inserted) does not grow with the ledger.
    static let rememberedKeys = 262_144
    static let directoryName = "index"

    private init(keys: FileDescriptor, offsets: FileDescriptor, directory: DirectoryDescriptor,
                 capacity: UInt64, count: UInt64, indexedSeq: Int64, indexedHash: SHA256.Digest, salt: UInt64) {
        self.keys = keys
        self.offsets = offsets
        self.directory = directory
        self.capacity = capacity
        self.count = count
        self.indexedSeq = indexedSeq
        self.indexedHash = indexedHash
        self.salt = salt
        self.offsetsThrough = indexedSeq
    }

    /// Opens the index of `ledger`, making an empty one when it is missing, and a new one, with
    /// a warning naming the file, when a header is damaged or the files do not belong together.
    static func open(in ledger: LedgerDirectory, warn: (String) -> Void) throws(LedgerError) -> LedgerIndex {
        try io { () throws(SystemError) -> LedgerIndex in
            let directory = try ledger.files.subdirectory(directoryName, creating: true)!
            let keys = try directory.open("keys", O_RDWR | O_CREAT)
            let offsets = try directory.open("offsets", O_RDWR | O_CREAT)
            let header = try keys.read(count: Int(headerBytes), at: 0)
            let offsetsHeader = try offsets.read(count: Int(offsetsHeaderBytes), at: 0)
            let problem: String?
            if header.isEmpty && offsetsHeader.isEmpty {
                problem = nil // a new index
            } else if header.count < Int(headerBytes) || Array(header[0..<8]) != magic {
                problem = "\(keys.path) has no index header"
            } else if Checksum.of(bytes: header[0..<80]) != header.littleEndianUInt64(at: 80) {
                problem = "\(keys.path) has a damaged header (checksum)"
            } else if header.littleEndianUInt64(at: 72) != 0 {
                problem = "\(keys.path) was left by an import that did not finish"
            } else {
                let capacity = header.littleEndianUInt64(at: 8)
                let count = header.littleEndianUInt64(at: 16)
                let seq = Int64(bitPattern: header.littleEndianUInt64(at: 24))
                let salt = header.littleEndianUInt64(at: 64)
                let size = try keys.size()
                if !(capacity >= initialCapacity && capacity <= 1 << 40 && capacity.nonzeroBitCount == 1 && count < capacity && seq >= 0) {
                    problem = "\(keys.path) has an impossible header"
                } else if size != headerBytes + Int64(capacity) * Int64(slotBytes) {
                    problem = "\(keys.path) is \(size) bytes long, not the \(headerBytes + Int64(capacity) * Int64(slotBytes)) its header says"
                } else if offsetsHeader.count < Int(offsetsHeaderBytes) || Array(offsetsHeader[0..<8]) != offsetsMagic
                            || offsetsHeader.littleEndianUInt64(at: 8) != salt {
                    problem = "\(offsets.path) does not belong with \(keys.path) (another index's, or damaged)"
                } else {
                    return LedgerIndex(keys: keys, offsets: offsets, directory: directory, capacity: capacity, count: count,
                                       indexedSeq: seq, indexedHash: SHA256.Digest(bytes: Array(header[32..<64])), salt: salt)
                }
            }
            if let problem { warn("\(problem); rebuilding the index from the events") }
            let index = LedgerIndex(keys: keys, offsets: offsets, directory: directory, capacity: initialCapacity,
                                    count: 0, indexedSeq: 0, indexedHash: .zero, salt: 0)
            try index.reset()
            return index
        }
    }

    /// Empties the index, to be rebuilt from the first event, under a new salt.
    func reset() throws(SystemError) {
        forgetPositions()
        tags = nil
        unwritten = [:]
        lookupsRead = 0
        isProvisional = false
        provisionalSlots = []
        salt = try directory.system.random(count: 8).littleEndianUInt64(at: 0)
        try keys.truncate(to: 0)
        try offsets.truncate(to: 0)
        capacity = LedgerIndex.initialCapacity
        count = 0
        indexedSeq = 0
        indexedHash = .zero
        offsetsThrough = 0
        var table: [UInt8] = []
        table.reserveCapacity(Int(capacity) * LedgerIndex.slotBytes)
        for slot in 0..<capacity { appendSlot(to: &table, slot: slot, high: 0, low: 0, seq: 0) }
        try keys.writeInPages(table, at: LedgerIndex.headerBytes)
        var offsetsHeader = LedgerIndex.offsetsMagic
        offsetsHeader.appendLittleEndian(salt)
        try offsets.writeAll(offsetsHeader, at: 0)
        try writeHeader()
    }

    private func writeHeader() throws(SystemError) {
        var header = LedgerIndex.magic
        header.appendLittleEndian(capacity)
        header.appendLittleEndian(count)
        header.appendLittleEndian(UInt64(bitPattern: indexedSeq))
        header.append(contentsOf: indexedHash.bytes)
        header.appendLittleEndian(salt)
        header.appendLittleEndian(isProvisional ? 1 : 0)
        header.appendLittleEndian(Checksum.of(bytes: header[...]))
        try keys.writeAll(header, at: 0)
    }

    /// The error for a slot or offset whose checksum does not match.
    private func damage(_ file: FileDescriptor, _ what: String) -> LedgerError {
        .damagedIndex(file: file.path, reason: what)
    }

    // MARK: - Slots

    private func slotChecksum(slot: UInt64, high: UInt64, low: UInt64, seq: UInt64) -> UInt64 {
        Checksum.of(words: salt, slot, high, low, seq)
    }

    private func appendSlot(to bytes: inout [UInt8], slot: UInt64, high: UInt64, low: UInt64, seq: UInt64) {
        bytes.appendLittleEndian(high)
        bytes.appendLittleEndian(low)
        bytes.appendLittleEndian(seq)
        bytes.appendLittleEndian(slotChecksum(slot: slot, high: high, low: low, seq: seq))
    }

    /// The slot at `base` in `bytes` (which hold slot `slot`), checked.
    private func readSlot(_ bytes: [UInt8], at base: Int, slot: UInt64) throws(LedgerError) -> (high: UInt64, low: UInt64, seq: UInt64) {
        let high = bytes.littleEndianUInt64(at: base)
        let low = bytes.littleEndianUInt64(at: base + 8)
        let seq = bytes.littleEndianUInt64(at: base + 16)
        guard bytes.littleEndianUInt64(at: base + 24) == slotChecksum(slot: slot, high: high, low: low, seq: seq),
              seq <= UInt64(Int64.max) else {
            throw damage(keys, "slot \(slot) does not match its checksum")
        }
        return (high, low, seq)
    }

    // MARK: - Keys

    private struct Probe: Hashable {
        let high: UInt64
        let low: UInt64
    }

    /// One byte a slot, once a session has read many slots (an import): 0 for an empty slot,
    /// else `tag(of:)` of the key it holds. A key is then followed along its run of slots in
    /// memory, and only a slot whose tag is the key's is read from the file (and checked): an
    /// absent key, the usual lookup of an import (a new id, a new entity), reads nothing. The
    /// tags are made from slots read and checked in this session, or written by it, as the
    /// lookups it remembers (`known`) are; nil until worth making, and above `maximumTagged`
    /// slots (a byte a slot: 32 MB for a table of some 16 million keys).
    private var tags: [UInt8]?
    /// Lookups in this session that read the file; the tags are made when they reach a 128th
    /// of the table's slots (reading the whole table costs about as much as that many lookups).
    private var lookupsRead: UInt64 = 0
    static let maximumTagged: UInt64 = 1 << 25
    /// False to read every lookup's slots from the file (tests compare the two ways).
    var usesTags = true
    /// True once the tags are made.
    var hasTags: Bool { tags != nil }

    /// Slots this session has filled but not yet written to the file (without tags, none: each
    /// is written as it is filled, by the same `writeUnwritten`), while it keeps tags: an
    /// import fills a slot or two for each event, scattered over the table, and a 32-byte
    /// write costs a system call and the file system's work for a page. They are written
    /// together (`writeUnwritten`), the slots near each other in one read and one write, before
    /// the table is read whole, grown, rolled back or committed, or when there are
    /// `maximumUnwritten` of them (16 MB at most).
    private var unwritten: [UInt64: (high: UInt64, low: UInt64, seq: UInt64)] = [:]
    static let maximumUnwritten = 1 << 18
    /// The limit of this index (smaller in tests, so that slots are written at the limit too).
    var unwrittenLimit = LedgerIndex.maximumUnwritten

    /// Writes the slots in `unwritten` to the file: slots less than a page apart as one run,
    /// read, patched and written back whole (the slots between them as they were).
    private func writeUnwritten() throws(LedgerError) {
        guard !unwritten.isEmpty else { return }
        let slots = unwritten.keys.sorted()
        let span = UInt64(4096 / LedgerIndex.slotBytes)
        var k = 0
        try io { () throws(SystemError) in
            while k < slots.count {
                var end = k + 1
                while end < slots.count && slots[end] - slots[k] < span { end += 1 }
                let first = slots[k]
                let count = Int(slots[end - 1] - first) + 1
                var bytes = count == 1 ? [] : try keys.read(count: count * LedgerIndex.slotBytes, at: slotOffset(first))
                if count > 1 && bytes.count != count * LedgerIndex.slotBytes {
                    throw SystemError(operation: "read", path: keys.path, code: EIO) // cut short under the writer
                }
                var slot: [UInt8] = []
                for dirty in slots[k..<end] {
                    let entry = unwritten[dirty]! // a key of `unwritten`, sorted
                    slot.removeAll(keepingCapacity: true)
                    appendSlot(to: &slot, slot: dirty, high: entry.high, low: entry.low, seq: entry.seq)
                    if count == 1 { bytes = slot } else {
                        let at = Int(dirty - first) * LedgerIndex.slotBytes
                        bytes.replaceSubrange(at..<(at + LedgerIndex.slotBytes), with: slot)
                    }
                }
                try keys.writeAll(bytes, at: slotOffset(first))
                k = end
            }
        }
        unwritten.removeAll()
    }

    private static func tag(of probe: Probe) -> UInt8 {
        0x80 | UInt8(truncatingIfNeeded: probe.low & 0x7F)
    }

    /// Reads the whole table, checked, into `tags`.
    private func makeTags() throws(LedgerError) {
        var made = [UInt8](repeating: 0, count: Int(capacity))
        try forEachSlot(from: 0, count: capacity) { slot, high, low, seq in
            if seq != 0 { made[Int(slot)] = LedgerIndex.tag(of: Probe(high: high, low: low)) }
        }
        tags = made
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

    /// The last keys hashed, with their probes: a writer looks a key up, then inserts it.
    private var recentProbes: [(key: EntityKey, probe: Probe)] = []
    private var nextRecent = 0

    private func probe(_ key: EntityKey) -> Probe {
        // `==` (fast, and true for the same bytes) first; the bytes, which the probe hashes, decide.
        if let recent = recentProbes.first(where: { $0.key == key && $0.key.hasSameBytes(as: key) }) { return recent.probe }
        let probe = LedgerIndex.probe(key)
        if recentProbes.count < 8 {
            recentProbes.append((key, probe))
        } else {
            recentProbes[nextRecent] = (key, probe)
            nextRecent = (nextRecent + 1) % 8
        }
        return probe
    }

    /// The seq of the event that added `key`, or nil when the ledger does not hold it.
    /// - Throws: `LedgerError.damagedIndex` when a slot read on the way is damaged.
    func seq(of key: EntityKey) throws(LedgerError) -> Int64? {
        try find(probe(key)).seq
    }

    /// The slot holding `probe`, or the empty slot where it would go; `slot` is nil when the
    /// table has no empty slot at all (its count had fallen behind, after a writer died).
    private func find(_ probe: Probe) throws(LedgerError) -> (slot: UInt64?, seq: Int64?) {
        if let hit = known[probe] { return (hit.slot, hit.seq) }
        if tags != nil {
            let found = try probeTags(probe)
            if let slot = found.slot, let seq = found.seq {
                if known.count >= LedgerIndex.rememberedKeys { forgetPositions() }
                known[probe] = (slot, seq)
            }
            return found
        }
        if let slot = absent[probe] { return (slot, nil) }
        let found = try probeTable(probe)
        if known.count + absent.count >= LedgerIndex.rememberedKeys { forgetPositions() } // lookups alone never grow memory
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

    /// `probeTable` through the tags: only a slot whose tag is the probe's is read.
    private func probeTags(_ probe: Probe) throws(LedgerError) -> (slot: UInt64?, seq: Int64?) {
        guard let tags else { return try probeTable(probe) }
        let mask = capacity - 1
        let wanted = LedgerIndex.tag(of: probe)
        var slot = probe.high & mask
        for _ in 0..<capacity { // bounded: a full table is never probed forever
            let tag = tags[Int(slot)]
            if tag == 0 { return (slot, nil) }
            if tag == wanted {
                if let entry = unwritten[slot] {
                    if entry.high == probe.high && entry.low == probe.low { return (slot, Int64(entry.seq)) }
                    slot = (slot + 1) & mask
                    continue
                }
                let bytes = try io { () throws(SystemError) in try keys.read(count: LedgerIndex.slotBytes, at: slotOffset(slot)) }
                guard bytes.count == LedgerIndex.slotBytes else { throw damage(keys, "is shorter than its header says") }
                let entry = try readSlot(bytes, at: 0, slot: slot)
                guard entry.seq != 0 else { throw damage(keys, "slot \(slot) was emptied while this writer held the lock") }
                if entry.high == probe.high && entry.low == probe.low { return (slot, Int64(entry.seq)) }
            }
            slot = (slot + 1) & mask
        }
        return (nil, nil)
    }

    private func probeTable(_ probe: Probe) throws(LedgerError) -> (slot: UInt64?, seq: Int64?) {
        let mask = capacity - 1
        var slot = probe.high & mask
        var visited: UInt64 = 0
        let run = 8
        lookupsRead += 1
        if usesTags && lookupsRead >= capacity / 128 && capacity <= LedgerIndex.maximumTagged {
            try makeTags()
            return try probeTags(probe)
        }
        while visited < capacity { // bounded: a full table is never probed forever
            let available = Int(min(UInt64(run), capacity - slot, capacity - visited))
            let bytes = try io { () throws(SystemError) in try keys.read(count: available * LedgerIndex.slotBytes, at: slotOffset(slot)) }
            guard bytes.count == available * LedgerIndex.slotBytes else { throw damage(keys, "is shorter than its header says") }
            for k in 0..<available {
                let entry = try readSlot(bytes, at: k * LedgerIndex.slotBytes, slot: slot + UInt64(k))
                if entry.seq == 0 { return (slot + UInt64(k), nil) }
                if entry.high == probe.high && entry.low == probe.low {
                    return (slot + UInt64(k), Int64(entry.seq))
                }
            }
            visited += UInt64(available)
            slot = (slot + UInt64(available)) & mask
        }
        return (nil, nil)
    }

    /// Calls `body` with each slot of the table from `first`, `count` of them, checked, read a
    /// window at a time.
    private func forEachSlot(from first: UInt64, count: UInt64, _ body: (_ slot: UInt64, _ high: UInt64, _ low: UInt64, _ seq: UInt64) throws(LedgerError) -> Void) throws(LedgerError) {
        var slot = first
        while slot < first + count {
            let available = Int(min(65_536, first + count - slot))
            let bytes = try io { () throws(SystemError) in try keys.read(count: available * LedgerIndex.slotBytes, at: slotOffset(slot)) }
            guard bytes.count == available * LedgerIndex.slotBytes else { throw damage(keys, "is shorter than its header says") }
            for k in 0..<available {
                let entry = try readSlot(bytes, at: k * LedgerIndex.slotBytes, slot: slot + UInt64(k))
                try body(slot + UInt64(k), entry.high, entry.low, entry.seq)
            }
            slot += UInt64(available)
        }
    }

    /// Counts the occupied slots again: a writer that died after writing slots but before its
    /// header left the count behind, and growth depends on it.
    func recount() throws(LedgerError) {
        try writeUnwritten()
        var occupied: UInt64 = 0
        try forEachSlot(from: 0, count: capacity) { _, _, _, seq in if seq != 0 { occupied += 1 } }
        count = occupied
    }

    private func slotOffset(_ slot: UInt64) -> Int64 {
        LedgerIndex.headerBytes + Int64(slot) * Int64(LedgerIndex.slotBytes)
    }

    /// Records that the event `seq` added `key` (a key already held keeps its first seq).
    func insert(_ key: EntityKey, seq: Int64) throws(LedgerError) {
        if (count + 1) * 2 > capacity { try grow() }
        let probe = probe(key)
        var found = try find(probe)
        if found.slot == nil { // full: the count was behind; count again and grow
            try recount()
            try grow()
            found = try find(probe)
        }
        guard found.seq == nil, let slot = found.slot else { return }
        unwritten[slot] = (probe.high, probe.low, UInt64(seq))
        tags?[Int(slot)] = LedgerIndex.tag(of: probe)
        // Without tags the slot is written at once: lookups then read the file.
        if tags == nil || unwritten.count >= unwrittenLimit { try writeUnwritten() }
        for other in absentAt.removeValue(forKey: slot) ?? [] { absent[other] = nil }
        count += 1
        if isProvisional, provisionalSlots != nil {
            if provisionalSlots!.count < LedgerIndex.rememberedProvisionalSlots { provisionalSlots!.append(slot) } else { provisionalSlots = nil }
        }
        // With tags, a key written by this session is found in memory (its tag, then `unwritten`).
        guard tags == nil else { return }
        if known.count + absent.count >= LedgerIndex.rememberedKeys { forgetPositions() }
        known[probe] = (slot, seq)
    }

    /// Forgets where keys were found: the table is rebuilt or resized, or too many are remembered.
    private func forgetPositions() {
        known.removeAll()
        absent.removeAll()
        absentAt.removeAll()
    }

    /// Doubles the table into a new file, then renames it over the old one, so that a crash
    /// leaves one whole table or the other.
    ///
    /// The new table is built a window of `growthWindow` slots at a time, so memory stays flat
    /// however large the table. A key whose home is in the window lies, in the old table, at or
    /// after its old home (`home % capacity`) and before the end of its cluster, so each window
    /// reads only its old range and the cluster that runs past it. Keys that run past a
    /// window's end take the next window's first free slots; past the last window, the first
    /// free slots from slot 0 (linear probing wraps around).
    private func grow() throws(LedgerError) {
        provisionalSlots = nil // moved: a failed import now rebuilds the table without its slots
        try rebuild(capacity: capacity * 2) { _ in true }
    }

    /// Builds the table anew at `newCapacity` (the same, or twice the old) with the entries
    /// `keeping` accepts (by seq), a window at a time as `grow()` says, and renames it over the old.
    private func rebuild(capacity newCapacity: UInt64, keeping: (UInt64) -> Bool) throws(LedgerError) {
        try writeUnwritten()
        forgetPositions()
        let oldCapacity = capacity
        let newMask = newCapacity - 1
        var kept: UInt64 = 0
        let window = min(newCapacity, growthWindow)
        let (temporary, replacement) = try io { () throws(SystemError) in try directory.createUnique("keys") }
        var spill: [(high: UInt64, low: UInt64, seq: UInt64)] = []
        // The tags of the new table, when this session keeps tags, made as its windows are written.
        var newTags = tags == nil || newCapacity > LedgerIndex.maximumTagged ? nil : [UInt8](repeating: 0, count: Int(newCapacity))
        do throws(LedgerError) {
            var start: UInt64 = 0
            while start < newCapacity {
                var high = [UInt64](repeating: 0, count: Int(window))
                var low = [UInt64](repeating: 0, count: Int(window))
                var seqs = [UInt64](repeating: 0, count: Int(window))
                var next = 0
                func place(_ entryHigh: UInt64, _ entryLow: UInt64, _ seq: UInt64, from position: Int) -> Bool {
                    var k = position
                    while k < Int(window) && seqs[k] != 0 { k += 1 }
                    guard k < Int(window) else { return false }
                    high[k] = entryHigh; low[k] = entryLow; seqs[k] = seq
                    return true
                }
                var overflow: [(high: UInt64, low: UInt64, seq: UInt64)] = []
                for entry in spill where !place(entry.high, entry.low, entry.seq, from: next) { overflow.append(entry) }
                next = 0
                // The old range of this window, then on to the end of the cluster that runs past it.
                let oldStart = start & (oldCapacity - 1)
                var scanned: UInt64 = 0
                var reachedEnd = false
                while !reachedEnd && scanned < oldCapacity {
                    let run = min(UInt64(65_536), oldCapacity - scanned)
                    let first = (oldStart + scanned) & (oldCapacity - 1)
                    let length = min(run, oldCapacity - first)
                    try forEachSlot(from: first, count: length) { slot, entryHigh, entryLow, seq throws(LedgerError) in
                        guard !reachedEnd else { return }
                        let offset = (slot + oldCapacity - oldStart) & (oldCapacity - 1)
                        if seq == 0 {
                            if offset >= window { reachedEnd = true }
                            return
                        }
                        let home = entryHigh & newMask
                        guard home >= start && home < start + window, keeping(seq) else { return }
                        kept += 1
                        if !place(entryHigh, entryLow, seq, from: Int(home - start)) { overflow.append((entryHigh, entryLow, seq)) }
                    }
                    scanned += length
                }
                spill = overflow
                var bytes: [UInt8] = []
                bytes.reserveCapacity(Int(window) * LedgerIndex.slotBytes)
                for k in 0..<Int(window) {
                    appendSlot(to: &bytes, slot: start + UInt64(k), high: high[k], low: low[k], seq: seqs[k])
                    if seqs[k] != 0 { newTags?[Int(start) + k] = LedgerIndex.tag(of: Probe(high: high[k], low: low[k])) }
                }
                try io { () throws(SystemError) in
                    try replacement.writeInPages(bytes, at: LedgerIndex.headerBytes + Int64(start) * Int64(LedgerIndex.slotBytes))
                }
                start += window
            }
            let previousCapacity = capacity, previousCount = count
            let swapped = keys
            capacity = newCapacity
            count = kept
            keys = replacement
            do throws(LedgerError) {
                // Keys that ran past the last slot wrap around to the first free slots from 0.
                for entry in spill {
                    var slot: UInt64 = 0
                    while try readSlot(try io { () throws(SystemError) in try keys.read(count: LedgerIndex.slotBytes, at: slotOffset(slot)) }, at: 0, slot: slot).seq != 0 {
                        slot += 1
                    }
                    var bytes: [UInt8] = []
                    appendSlot(to: &bytes, slot: slot, high: entry.high, low: entry.low, seq: entry.seq)
                    try io { () throws(SystemError) in try keys.writeAll(bytes, at: slotOffset(slot)) }
                    newTags?[Int(slot)] = LedgerIndex.tag(of: Probe(high: entry.high, low: entry.low))
                }
                try io { () throws(SystemError) in
                    try writeHeader()
                    try keys.synchronize()
                    try directory.rename(temporary, to: "keys")
                }
            } catch {
                keys = swapped
                capacity = previousCapacity
                count = previousCount
                throw error
            }
            tags = newTags
            _ = try? swapped.close() // the old table is replaced; its close error changes nothing
        } catch {
            _ = try? directory.remove(temporary) // keep the first error
            throw error
        }
    }

    // MARK: - Offsets

    private func offsetChecksum(seq: Int64, offset: Int64) -> UInt64 {
        Checksum.of(words: salt, UInt64(bitPattern: seq), UInt64(bitPattern: offset))
    }

    /// Records the offsets of the lines of `firstSeq`, `firstSeq + 1`, ... in their segments.
    func setOffsets(_ lineOffsets: [Int64], from firstSeq: Int64) throws(LedgerError) {
        guard !lineOffsets.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(lineOffsets.count * Int(LedgerIndex.offsetBytes))
        for (k, offset) in lineOffsets.enumerated() {
            bytes.appendLittleEndian(UInt64(bitPattern: offset))
            bytes.appendLittleEndian(offsetChecksum(seq: firstSeq + Int64(k), offset: offset))
        }
        try io { () throws(SystemError) in try offsets.writeAll(bytes, at: position(of: firstSeq)) }
        offsetsThrough = max(offsetsThrough, firstSeq + Int64(lineOffsets.count) - 1)
    }

    private func position(of seq: Int64) -> Int64 {
        LedgerIndex.offsetsHeaderBytes.adding(saturating: (seq - 1).multiplied(saturating: LedgerIndex.offsetBytes)) // seq may come from a header
    }

    /// The offset of the line of `seq` in its segment, or nil when the index has none.
    /// - Throws: `LedgerError.damagedIndex` when the entry is damaged or missing.
    func offset(of seq: Int64) throws(LedgerError) -> Int64? {
        guard seq >= 1, seq <= offsetsThrough else { return nil }
        let bytes = try io { () throws(SystemError) in try offsets.read(count: Int(LedgerIndex.offsetBytes), at: position(of: seq)) }
        guard bytes.count == Int(LedgerIndex.offsetBytes) else { throw damage(offsets, "has no entry for seq \(seq)") }
        let offset = Int64(bitPattern: bytes.littleEndianUInt64(at: 0))
        // Within a segment's reach: an entry made by hand (its checksum redone) could send a read past any file.
        guard bytes.littleEndianUInt64(at: 8) == offsetChecksum(seq: seq, offset: offset), offset >= 0, offset < 1 << 48 else {
            throw damage(offsets, "the entry of seq \(seq) does not match its checksum")
        }
        return offset
    }

    // MARK: - Commit

    /// Makes the index cover the ledger up to `seq`, whose line hashes to `hash`: the slots and
    /// offsets reach the disk before the header that claims them.
    func commit(seq: Int64, hash: SHA256.Digest) throws(LedgerError) {
        try writeUnwritten()
        try io { () throws(SystemError) in
            try keys.synchronize()
            try offsets.synchronize()
        }
        indexedSeq = seq
        indexedHash = hash
        isProvisional = false
        provisionalSlots = []
        try io { () throws(SystemError) in try writeHeader() }
    }

    // MARK: - Provisional slots

    /// Marks the index, on disk, as holding slots of events not yet written, before the first
    /// such slot is written: an import inserts each event's keys as it checks it, so that later
    /// events of the batch find earlier ones without holding them in memory. `commit` clears
    /// the mark; a crash before it leaves the mark, and the next writer rebuilds the index.
    func beginProvisional() throws(LedgerError) {
        guard !isProvisional else { return }
        isProvisional = true
        provisionalSlots = []
        try io { () throws(SystemError) in
            try writeHeader()
            try keys.synchronize()
        }
    }

    /// Empties the slots filled since `beginProvisional` (an import that failed): a linear-probing
    /// table without deletions, emptied of every key added after a moment, is the table of that
    /// moment. When growth moved the slots, the table is built again without them.
    func rollBackProvisional() throws(LedgerError) {
        guard isProvisional else { return }
        try writeUnwritten()
        forgetPositions()
        guard let slots = provisionalSlots else {
            // The table grew meanwhile and its slots moved: built again without the entries of
            // events that were never written (every seq past the indexed one).
            let last = UInt64(indexedSeq)
            try rebuild(capacity: capacity) { $0 <= last }
            isProvisional = false
            provisionalSlots = []
            offsetsThrough = indexedSeq
            try io { () throws(SystemError) in try writeHeader() }
            return
        }
        var empty: [UInt8] = []
        for slot in slots {
            empty.removeAll(keepingCapacity: true)
            appendSlot(to: &empty, slot: slot, high: 0, low: 0, seq: 0)
            try io { () throws(SystemError) in try keys.writeAll(empty, at: slotOffset(slot)) }
            tags?[Int(slot)] = 0
        }
        count -= UInt64(slots.count)
        isProvisional = false
        provisionalSlots = []
        offsetsThrough = indexedSeq
        try io { () throws(SystemError) in
            try keys.synchronize()
            try writeHeader()
        }
    }

    /// Removes the index files of `ledger`, so that the next writer rebuilds them from the events.
    static func discard(in ledger: LedgerDirectory) throws(LedgerError) {
        try io { () throws(SystemError) in
            guard let directory = try ledger.files.subdirectory(directoryName, creating: false) else { return }
            for name in ["keys", "offsets"] { try directory.remove(name) }
            try directory.synchronize()
        }
    }
}

private extension FileDescriptor {
    /// Writes `bytes` at `offset` a page at a time. The table is then written a slot (32 bytes)
    /// at a time, and a small write costs the kernel in proportion to the cached folio it lands
    /// in: Linux caches a large write in large folios (up to megabytes, ext4 since 6.x), after
    /// which each 32-byte `pwrite` walked every block of its folio (6.5 µs a write, against
    /// 0.9 µs into page-sized folios, measured on this machine's 6.18 kernel).
    func writeInPages(_ bytes: [UInt8], at offset: Int64) throws(SystemError) {
        let page = 4096
        var start = 0
        while start < bytes.count {
            // The first piece ends at a page boundary of the file, so that every piece is one page.
            let end = min(bytes.count, start + page - Int((offset + Int64(start)) % Int64(page)))
            try writeAll(Array(bytes[start..<end]), at: offset + Int64(start))
            start = end
        }
    }
}
