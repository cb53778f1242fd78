import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One writer's turn, under the lock: the tail repaired, the head known, the index caught up.
final class WriterSession: LedgerState {
    /// Random bytes for new ids, and how many are used.
    private var randomBytes: [UInt8] = []
    private var randomUsed = 0
    /// The last event of the ledger, and where the next line goes.
    struct Head {
        var seq: Int64 = 0
        var hash: SHA256.Digest = .zero
        var recordedAt: Timestamp?
        var segment: LedgerDirectory.Segment?
        var segmentSize: Int64 = 0
    }

    let ledger: Ledger
    private(set) var segments: [LedgerDirectory.Segment] = []
    private(set) var head = Head()
    let index: LedgerIndex
    private var pending: [EntityKey: JSON] = [:]
    private var readers: [String: FileDescriptor] = [:]

    var directory: LedgerDirectory { ledger.directory }
    var system: SystemCalls { ledger.system }
    var personalStore: PersonalDataStore { PersonalDataStore(directory: directory) }

    init(ledger: Ledger) throws(LedgerError) {
        self.ledger = ledger
        try Self.repairTail(of: ledger)
        segments = try ledger.directory.segments()
        head = try Self.readHead(of: ledger.directory, segments: segments)
        let cut = try PersonalDataStore(directory: ledger.directory).trim(after: head.seq)
        if cut > 0 { ledger.warn("dropped \(cut) bytes of personal data written by an append that did not complete") }
        index = try LedgerIndex.open(in: ledger.directory, warn: ledger.warn)
        try catchUpIndex()
    }

    // MARK: - The head

    static func readHead(of directory: LedgerDirectory, segments: [LedgerDirectory.Segment]) throws(LedgerError) -> Head {
        guard let last = segments.last else { return Head() }
        let path = directory.path + "/" + last.name
        // The segment the next line goes to: refused now, before anything is written, if another name holds it.
        let file = try io { () throws(SystemError) in try directory.files.open(last.name, O_RDONLY, soleLink: true) }
        let size = try io { () throws(SystemError) in try file.size() }
        let start = try LineReader.lastLineStart(in: file, end: size)
        guard let line = try LineReader.line(in: file, at: start) else {
            throw .damaged(file: path, line: 0, reason: "the last line has no line feed")
        }
        let event: StoredEvent
        do {
            event = try StoredEvent(line: line)
        } catch {
            throw .damaged(file: path, line: 0, reason: "the last line is not a stored event (\(error)); "
                           + "after a power cut, 'ledgerctl repair' shows what would move to quarantine/ and 'ledgerctl repair --apply' moves it")
        }
        guard event.seq >= last.firstSeq else {
            throw .damaged(file: path, line: 0, reason: "the last line has seq \(event.seq), before the segment's first seq \(last.firstSeq)")
        }
        return Head(seq: event.seq, hash: SHA256.hash(line), recordedAt: Timestamp(rfc3339: event.recordedAt),
                    segment: last, segmentSize: size)
    }

    // MARK: - Crash recovery

    /// Moves a torn tail (bytes after the last line feed, or the lines of an import batch that
    /// did not finish) to `quarantine/`, truncates, and removes segments left empty.
    static func repairTail(of ledger: Ledger) throws(LedgerError) {
        let directory = ledger.directory
        while true {
            let segments = try directory.segments()
            guard let last = segments.last else { return }
            let lastPath = directory.path + "/" + last.name
            let file = try io { () throws(SystemError) in try directory.files.open(last.name, O_RDONLY) }
            let size = try io { () throws(SystemError) in try file.size() }
            if size == 0 {
                // A segment created by a writer that died before its first line: it holds nothing.
                try io { () throws(SystemError) in
                    try directory.files.remove(last.name)
                    try directory.files.synchronize()
                }
                continue
            }
            let end = try LineReader.completeEnd(of: file, size: size)
            var cutIndex = segments.count - 1
            var cutOffset = end
            if end > 0 {
                let start = try LineReader.lastLineStart(in: file, end: end)
                if let line = try LineReader.line(in: file, at: start), let event = try? StoredEvent(line: line),
                   let batch = event.batch, event.seq < batch.last {
                    guard let found = segments.lastIndex(where: { $0.firstSeq <= batch.first }) else {
                        throw .damaged(file: lastPath, line: 0, reason: "an unfinished import batch starts at seq \(batch.first), before every segment")
                    }
                    let batchPath = directory.path + "/" + segments[found].name
                    let batchFile = try io { () throws(SystemError) in try directory.files.open(segments[found].name, O_RDONLY) }
                    if let offset = try offsetOfLine(withSeq: batch.first, in: batchFile) {
                        cutIndex = found
                        cutOffset = offset
                    } else if found + 1 < segments.count, try lastSeq(of: batchFile) == batch.first - 1 {
                        // A repair that died after cutting this segment: the batch starts with the next one.
                        cutIndex = found + 1
                        cutOffset = 0
                    } else {
                        throw .damaged(file: batchPath, line: 0, reason: "an unfinished import batch starts at seq \(batch.first), which is not in this segment")
                    }
                }
            }
            if cutIndex == segments.count - 1 && cutOffset == size { return }
            try quarantine(segments[cutIndex...], from: cutOffset, ledger: ledger)
        }
    }

    /// The seq of a segment's last complete line, or nil.
    private static func lastSeq(of file: FileDescriptor) throws(LedgerError) -> Int64? {
        let size = try io { () throws(SystemError) in try file.size() }
        let end = try LineReader.completeEnd(of: file, size: size)
        guard end > 0, let line = try LineReader.line(in: file, at: try LineReader.lastLineStart(in: file, end: end)) else { return nil }
        return EventLog.seqPrefix(of: line)
    }

    /// The offset of the line whose seq is `seq`, found by reading each line's `{"seq":N` prefix.
    private static func offsetOfLine(withSeq seq: Int64, in file: FileDescriptor) throws(LedgerError) -> Int64? {
        var found: Int64?
        try LineReader.forEachLine(in: file) { offset, line in
            if EventLog.seqPrefix(of: line) == seq { found = offset; return false }
            return true
        }
        return found
    }

    static func quarantine(_ segments: ArraySlice<LedgerDirectory.Segment>, from offset: Int64, ledger: Ledger) throws(LedgerError) {
        let directory = ledger.directory
        let files = directory.files
        guard let first = segments.first else { return }
        try io { () throws(SystemError) in
            let file = try files.open(first.name, O_RDWR, soleLink: true)
            let size = try file.size()
            let quarantine = try files.subdirectory("quarantine", creating: true)!
            let stamp = (try? Timestamp.now(environment: [:]))?.millisecondsSinceEpoch ?? 0 // only names the file
            // A name of its own, even when an earlier repair of the same tail failed within the same millisecond.
            var name = "\(first.name).\(offset).\(stamp).\(getpid()).torn"
            var attempt = 0
            var target: FileDescriptor
            while true {
                do throws(SystemError) {
                    target = try quarantine.open(name, O_WRONLY | O_CREAT | O_EXCL)
                    break
                } catch {
                    guard error.code == EEXIST, attempt < 1000 else { throw error }
                    attempt += 1
                    name = "\(first.name).\(offset).\(stamp).\(getpid()).\(attempt).torn"
                }
            }
            // Copied a megabyte at a time: a torn batch of any size takes the same memory.
            var moved = size - offset
            try target.append(size - offset, bytesOf: file, from: offset)
            for later in segments.dropFirst() {
                let laterFile = try files.open(later.name, O_RDONLY)
                let laterSize = try laterFile.size()
                try target.append(laterSize, bytesOf: laterFile, from: 0)
                moved += laterSize
            }
            try target.synchronize()
            try target.close()
            try quarantine.synchronize()
            // Later segments go first, newest first, then the first one is cut: a crash at any
            // step leaves a ledger that still ends in the unfinished batch, which the next writer
            // repairs again, never a gap.
            for later in segments.dropFirst().reversed() {
                try files.remove(later.name)
                try files.synchronize()
            }
            try file.truncate(to: offset)
            try file.synchronize()
            ledger.warn("repaired a torn tail left by a writer that died: moved \(moved) bytes from \(first.name) at byte \(offset)"
                        + (segments.count > 1 ? " (and \(segments.count - 1) later segment(s))" : "")
                        + " to quarantine/\(name)")
        }
    }

    // MARK: - The index

    private func catchUpIndex() throws(LedgerError) {
        var isStale = index.indexedSeq > head.seq
        if !isStale && index.indexedSeq > 0 { isStale = try !indexMatchesLedger() }
        if isStale {
            throw .damagedIndex(file: directory.indexPath + "/keys",
                                reason: "says the ledger's line \(index.indexedSeq) hashes to what it does not (an older or a foreign index)")
        }
        guard index.indexedSeq < head.seq else { return }
        // Behind the events: a writer may have died after writing slots but before the header.
        try index.recount()
        var (segmentIndex, offset) = try position(after: index.indexedSeq)
        var expected = index.indexedSeq + 1
        var previousHash = index.indexedHash
        var offsets: [Int64] = []
        var offsetsFrom = expected
        while segmentIndex < segments.count {
            let segment = segments[segmentIndex]
            let path = directory.path + "/" + segment.name
            let file = try reader(for: segment)
            var lineNumber = 0
            try LineReader.forEachLine(in: file, from: offset) { lineOffset, line throws(LedgerError) in
                lineNumber += 1
                let event: StoredEvent
                do {
                    event = try StoredEvent(line: line)
                } catch {
                    throw .damaged(file: path, line: 0, reason: "the line at byte \(lineOffset) is not a stored event (\(error)); run 'ledgerctl verify'")
                }
                guard event.seq == expected else {
                    throw .damaged(file: path, line: 0, reason: "the line at byte \(lineOffset) has seq \(event.seq), expected \(expected); run 'ledgerctl verify'")
                }
                guard event.prev == previousHash else {
                    throw .damaged(file: path, line: 0, reason: "the line at byte \(lineOffset) (seq \(event.seq)) does not link to the line before; run 'ledgerctl verify'")
                }
                try index.insert(.eventID(event.id), seq: event.seq)
                for key in ledger.validator.catalog.keys(ofType: event.type, data: event.data) {
                    try index.insert(key, seq: event.seq)
                }
                offsets.append(lineOffset)
                if offsets.count >= 65_536 {
                    try index.setOffsets(offsets, from: offsetsFrom)
                    offsetsFrom += Int64(offsets.count)
                    offsets.removeAll(keepingCapacity: true)
                }
                previousHash = SHA256.hash(UnsafeRawBufferPointer(line))
                expected += 1
                return true
            }
            segmentIndex += 1
            offset = 0
        }
        guard expected == head.seq + 1 else {
            throw .damaged(file: directory.path, line: 0, reason: "the index caught up to seq \(expected - 1), but the head is seq \(head.seq)")
        }
        try index.setOffsets(offsets, from: offsetsFrom)
        try index.commit(seq: head.seq, hash: head.hash)
    }

    /// True when the line the index claims as its last still hashes to what the index recorded.
    private func indexMatchesLedger() throws(LedgerError) -> Bool {
        guard let line = try line(at: index.indexedSeq) else { return false }
        return SHA256.hash(line) == index.indexedHash
    }

    /// The segment and offset where the line after `seq` starts.
    private func position(after seq: Int64) throws(LedgerError) -> (segment: Int, offset: Int64) {
        guard seq > 0 else { return (0, 0) }
        guard let segmentIndex = segmentIndex(of: seq), let offset = try index.offset(of: seq),
              let line = try line(at: seq) else {
            throw .damagedIndex(file: directory.indexPath + "/offsets", reason: "has no offset for seq \(seq)")
        }
        let next = offset + Int64(line.count) + 1
        let file = try reader(for: segments[segmentIndex])
        let size = try io { () throws(SystemError) in try file.size() }
        return next >= size ? (segmentIndex + 1, 0) : (segmentIndex, next)
    }

    private func segmentIndex(of seq: Int64) -> Int? {
        var low = 0, high = segments.count - 1, found: Int?
        while low <= high {
            let middle = (low + high) / 2
            if segments[middle].firstSeq <= seq { found = middle; low = middle + 1 } else { high = middle - 1 }
        }
        return found
    }

    private func reader(for segment: LedgerDirectory.Segment) throws(LedgerError) -> FileDescriptor {
        if let open = readers[segment.name] { return open }
        let file = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
        readers[segment.name] = file
        return file
    }

    /// The bytes of the line of `seq`, found through the index; nil when the index has no offset for it.
    private func line(at seq: Int64) throws(LedgerError) -> [UInt8]? {
        guard seq >= 1, seq <= head.seq, let segmentIndex = segmentIndex(of: seq),
              let offset = try index.offset(of: seq) else { return nil }
        let line = try LineReader.line(in: try reader(for: segments[segmentIndex]), at: offset)
        guard let line, EventLog.seqPrefix(of: line) == seq else { return nil }
        return line
    }

    /// The stored event of `seq`, read through the index.
    func event(at seq: Int64) throws(LedgerError) -> StoredEvent {
        guard let line = try line(at: seq), let event = try? StoredEvent(line: line) else {
            throw .damagedIndex(file: directory.indexPath + "/offsets", reason: "does not lead to the line of seq \(seq)")
        }
        return event
    }

    // MARK: - LedgerState

    func contains(_ key: EntityKey) throws(LedgerError) -> Bool {
        if pending[key] != nil { return true }
        return try index.seq(of: key) != nil
    }

    func data(of key: EntityKey) throws(LedgerError) -> JSON? {
        if let data = pending[key] { return data }
        guard let seq = try index.seq(of: key) else { return nil }
        return try event(at: seq).data
    }

    // MARK: - Writing

    /// Validates and writes events whose fields were already checked, as one unit.
    func write(_ checkedEvents: [EventValidator.CheckedEvent], source: String, lineNumbers: [Int]? = nil, allowInternal: Bool) throws(LedgerError) -> Ledger.ImportResult {
        let events = checkedEvents.map(\.event)
        var results: [StoredEvent?] = Array(repeating: nil, count: events.count)
        var accepted: [(input: Int, event: ValidatedEvent)] = []
        var inputOfID: [String: Int] = [:]
        var repeats: [(input: Int, of: Int)] = []
        var alreadyPresent = 0
        for (i, event) in events.enumerated() {
            if i % 1000 == 0 { ledger.progressHandler(events.count + i, 3 * events.count) }
            do {
                if let id = event.id, let earlier = inputOfID[id] {
                    try requireSameContent(event, as: events[earlier], allowInternal: allowInternal)
                    repeats.append((i, earlier))
                    continue
                }
                if let id = event.id, let seq = try index.seq(of: .eventID(id)) {
                    let stored = try self.event(at: seq)
                    try requireSameContent(event, as: stored, allowInternal: allowInternal)
                    results[i] = stored
                    alreadyPresent += 1
                    continue
                }
                let validated = try ledger.validator.validate(checkedEvents[i], in: self)
                for key in validated.keys { pending[key] = validated.publicData }
                if let id = event.id { inputOfID[id] = i }
                accepted.append((i, validated))
            } catch {
                throw events.count == 1 && source == "append" ? error : .invalidImportLine(source: source, line: lineNumbers?[i] ?? i + 1, reason: error.description)
            }
        }
        let written = try commit(accepted.map(\.event))
        for (k, item) in accepted.enumerated() { results[item.input] = written[k] }
        for (input, earlier) in repeats {
            results[input] = results[earlier]
            alreadyPresent += 1
        }
        let range = written.first.flatMap { first in written.last.map { first.seq...$0.seq } }
        return Ledger.ImportResult(events: results.compactMap { $0 }, written: written.count, alreadyPresent: alreadyPresent, seqRange: range)
    }

    private func requireSameContent(_ event: NewEvent, as earlier: NewEvent, allowInternal: Bool) throws(LedgerError) {
        let id = event.id ?? ""
        guard event.type == earlier.type else { throw .conflict(id: id, reason: "its type is \(earlier.type) earlier in the batch") }
        let mine = try ledger.validator.normalize(event, allowInternal: allowInternal)
        let theirs = try ledger.validator.normalize(earlier, allowInternal: allowInternal)
        guard mine.publicData == theirs.publicData, mine.personalData == theirs.personalData,
              event.occurredAt == earlier.occurredAt, event.actor == earlier.actor else {
            throw .conflict(id: id, reason: "it comes earlier in the batch with other content")
        }
    }

    private func requireSameContent(_ event: NewEvent, as stored: StoredEvent, allowInternal: Bool) throws(LedgerError) {
        let id = stored.id
        guard event.type == stored.type else { throw .conflict(id: id, reason: "seq \(stored.seq) is of type \(stored.type)") }
        let mine = try ledger.validator.normalize(event, allowInternal: allowInternal)
        guard mine.publicData == stored.data else { throw .conflict(id: id, reason: "seq \(stored.seq) has other data") }
        if let occurredAt = event.occurredAt, occurredAt != stored.occurredAt {
            throw .conflict(id: id, reason: "seq \(stored.seq) occurred at \(stored.occurredAt)")
        }
        if let actor = event.actor, actor != stored.actor { throw .conflict(id: id, reason: "seq \(stored.seq) has another actor") }
        if let personal = mine.personalData,
           let record = try personalStore.records().first(where: { $0.seq == stored.seq }), record.data != personal {
            throw .conflict(id: id, reason: "seq \(stored.seq) has other personal data")
        }
    }

    /// Writes validated events: personal data first, then the lines, each file fsync'd; on any
    /// failure everything written is cut back and the error is thrown.
    private func commit(_ events: [ValidatedEvent]) throws(LedgerError) -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        let now = try Timestamp.now(environment: ledger.environment)
        let recorded = max(now, head.recordedAt ?? now).description
        let batch = events.count > 1 ? StoredEvent.Batch(first: head.seq + 1, count: Int64(events.count)) : nil
        var stored: [StoredEvent] = []
        var lines: [[UInt8]] = []
        var records: [PersonalDataStore.Record] = []
        var prev = head.hash
        for (k, event) in events.enumerated() {
            if k % 1000 == 0 { ledger.progressHandler(2 * events.count + k, 3 * events.count) }
            let seq = head.seq + 1 + Int64(k)
            let id: String
            if let given = event.id { id = given } else { id = try newID() }
            let storedEvent = StoredEvent(seq: seq, id: id, type: event.type, occurredAt: event.occurredAt ?? recorded,
                                          recordedAt: recorded, actor: event.actor, batch: batch, data: event.publicData, prev: prev)
            let line = storedEvent.line
            guard line.count <= Ledger.maximumLineBytes else {
                throw .invalidEvent(type: event.type, reason: "the stored line would be \(line.count) bytes; the limit is \(Ledger.maximumLineBytes)")
            }
            if let personal = event.personalData, let participant = event.participant {
                records.append(PersonalDataStore.Record(seq: seq, participant: participant, data: personal))
            }
            prev = SHA256.hash(line)
            stored.append(storedEvent)
            lines.append(line)
        }
        let createdStore = try io { () throws(SystemError) in try personalStore.append(records) }
        let offsets: [Int64]
        do {
            offsets = try writeLines(lines, firstSeq: head.seq + 1)
        } catch {
            // Keep the write's error; the next writer trims again.
            if createdStore { _ = try? directory.files.remove(PersonalDataStore.fileName) } else { _ = try? personalStore.trim(after: head.seq) }
            throw error
        }
        let firstSeq = head.seq + 1
        head.seq += Int64(events.count)
        head.hash = prev
        head.recordedAt = Timestamp(rfc3339: recorded)
        pending.removeAll()
        do {
            for (k, event) in events.enumerated() {
                let seq = firstSeq + Int64(k)
                try index.insert(.eventID(stored[k].id), seq: seq)
                for key in event.keys { try index.insert(key, seq: seq) }
            }
            try index.setOffsets(offsets, from: firstSeq)
            try index.commit(seq: head.seq, hash: head.hash)
        } catch {
            ledger.warn("the events are written, but the index was not updated (\(error)); the next writer rebuilds it")
            _ = try? LedgerIndex.discard(in: directory) // keep the warning's error; a stale header would be caught too
        }
        return stored
    }

    private func newID() throws(LedgerError) -> String {
        while true {
            let id = try randomUUID()
            if try !contains(.eventID(id)) { return id }
        }
    }

    /// A random (version 4) UUID in lowercase, from the kernel's random bytes drawn 16 KB at a
    /// time: one call for a thousand ids (Foundation's `UUID()` opens `/dev/urandom` for each).
    private func randomUUID() throws(LedgerError) -> String {
        if randomUsed + 16 > randomBytes.count {
            randomBytes = try io { () throws(SystemError) in try system.random(count: 16 * 1024) }
            randomUsed = 0
        }
        var bytes = Array(randomBytes[randomUsed..<(randomUsed + 16)])
        randomUsed += 16
        bytes[6] = bytes[6] & 0x0F | 0x40 // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80 // the RFC 4122 variant
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (k, byte) in bytes.enumerated() {
            if k == 4 || k == 6 || k == 8 || k == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `lines` to the current segment, rolling over to new ones at the configured size.
    /// - Returns: each line's offset in its segment.
    private func writeLines(_ lines: [[UInt8]], firstSeq: Int64) throws(LedgerError) -> [Int64] {
        struct Chunk {
            var segment: LedgerDirectory.Segment
            var isNew: Bool
            var startSize: Int64
            var bytes: [UInt8] = []
        }
        var chunks: [Chunk] = []
        var offsets: [Int64] = []
        var current = head.segment.map { Chunk(segment: $0, isNew: false, startSize: head.segmentSize) }
        var size = head.segmentSize
        for (k, line) in lines.enumerated() {
            let length = Int64(line.count) + 1
            if current == nil || (size > 0 && size + length > ledger.configuration.segmentBytes) {
                if let finished = current, !finished.bytes.isEmpty { chunks.append(finished) }
                let seq = firstSeq + Int64(k)
                current = Chunk(segment: .init(name: LedgerDirectory.segmentName(firstSeq: seq), firstSeq: seq), isNew: true, startSize: 0)
                size = 0
            }
            offsets.append(size)
            current!.bytes.append(contentsOf: line)
            current!.bytes.append(0x0A)
            size += length
        }
        if let last = current, !last.bytes.isEmpty { chunks.append(last) }

        var done: [Chunk] = []
        do {
            for chunk in chunks {
                let flags = O_WRONLY | O_APPEND | (chunk.isNew ? O_CREAT | O_EXCL : 0)
                let file = try directory.files.open(chunk.segment.name, flags, soleLink: true)
                done.append(chunk)
                try file.writeAll(chunk.bytes)
                try file.synchronize()
                try file.close()
                if chunk.isNew { try directory.files.synchronize() }
            }
        } catch {
            rollBack(done)
            throw LedgerError(error)
        }
        for chunk in chunks where chunk.isNew { segments.append(chunk.segment) }
        if let last = chunks.last {
            head.segment = last.segment
            head.segmentSize = last.startSize + Int64(last.bytes.count)
        }
        return offsets
        // Cutting back after a failure is best effort: a batch left half-written carries its
        // `batch` marker, and the next writer quarantines it.
        func rollBack(_ chunks: [Chunk]) {
            for chunk in chunks.reversed() {
                if chunk.isNew {
                    _ = try? directory.files.remove(chunk.segment.name)
                } else if let file = try? directory.files.open(chunk.segment.name, O_WRONLY, soleLink: true) {
                    _ = try? file.truncate(to: chunk.startSize)
                    _ = try? file.synchronize()
                }
            }
            if chunks.contains(where: \.isNew) { _ = try? directory.files.synchronize() }
        }
    }
}


