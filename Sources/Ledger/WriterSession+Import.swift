#if canImport(Glibc)
import Glibc
#endif

// Checking and writing events, in two passes over the input, in memory that does not grow with it:
//
// 1. Each event is checked against the catalog and the ledger, given its seq and id, and kept
//    in a spool on disk (`ImportSpool`); its keys go into the index at once (marked provisional
//    on disk), so that later events of the batch find it. Nothing of the ledger is written yet:
//    a refusal empties those slots again and leaves the ledger as it was.
// 2. Once every event is accepted, their number is known (each line carries it in `batch`);
//    the spool is read back and the lines written, personal data first. The batch's last line
//    is written only after the personal data is on disk, so the batch is whole or quarantined.
extension WriterSession {
    /// Checks and writes the events of `input` as one unit.
    /// - Parameter keepEvents: collect one stored event per input event (for a list; an import
    ///   of a file only counts).
    func write(_ input: ImportInput, allowInternal: Bool, keepEvents: Bool) throws(LedgerError) -> Ledger.ImportResult {
        let scratch = try io { () throws(SystemError) in try directory.files.subdirectory(LedgerIndex.directoryName, creating: true)! }
        try input.start(scratch: scratch)
        spool = try io { () throws(SystemError) in try ImportSpool(in: scratch) }
        heldKeys = []
        defer {
            spool = nil
            heldKeys = []
            referencedData.removeAll() // of seqs a refused import may give to other events
        }
        var alreadyPresent = 0
        var resolved: [Int64] = [] // with keepEvents: the seq each input event stands at
        // A file is read, parsed and checked against the catalog on the other core, ahead of
        // the checks against the ledger here.
        let validator = ledger.validator
        do throws(LedgerError) {
            try ReadAhead.run(threaded: input.isRegularFile, size: \.bytes) { emit throws(LedgerError) in
                while let (line, event) = try input.next() {
                    let checked: Result<EventValidator.CheckedEvent, LedgerError>
                    do throws(LedgerError) { checked = .success(try validator.check(event, allowInternal: allowInternal)) } catch { checked = .failure(error) }
                    guard emit(ReadEvent(line: line, event: event, checked: checked, bytesRead: input.bytesRead, bytes: input.lastLineBytes)) else { return }
                }
            } consume: { (read: ReadEvent) throws(LedgerError) in
                let seq: Int64
                do throws(LedgerError) {
                    if let known = try checkRepeat(of: read.event, allowInternal: allowInternal) {
                        alreadyPresent += 1
                        seq = known
                    } else {
                        seq = try accept(try read.checked.get(), inputLine: read.line)
                    }
                } catch {
                    throw input.located(error, at: read.line)
                }
                if keepEvents { resolved.append(seq) }
                if read.line % 1024 == 0 {
                    ledger.progressHandler(.checking(bytes: read.bytesRead, of: input.totalBytes))
                }
            }
        } catch {
            try? index.rollBackProvisional() // keep the refusal; a crash here leaves the mark and a rebuild
            throw error
        }
        let firstSeq = head.seq + 1
        let written = try writeSpool(of: input, keepingEvents: keepEvents)
        var events: [StoredEvent] = []
        if keepEvents {
            events.reserveCapacity(resolved.count)
            for seq in resolved { events.append(seq >= firstSeq ? written[Int(seq - firstSeq)] : try event(at: seq)) }
        }
        let count = spool?.count ?? 0
        return Ledger.ImportResult(events: events, written: Int(count), alreadyPresent: alreadyPresent,
                                   seqRange: count > 0 ? firstSeq...(firstSeq + count - 1) : nil)
    }

    /// The seq of the event already in the ledger, or accepted earlier in this import, under
    /// `event`'s id; nil when the id is new (or none is given).
    /// - Throws: `LedgerError.conflict` when that event has other content.
    private func checkRepeat(of event: NewEvent, allowInternal: Bool) throws(LedgerError) -> Int64? {
        guard let id = event.id, let seq = try seq(of: .eventID(id)) else { return nil }
        let mine = try ledger.validator.normalize(event, allowInternal: allowInternal)
        if seq > head.seq, let spool {
            let earlier = try spool.event(seq - head.seq - 1)
            guard event.type == earlier.type else { throw .conflict(id: id, reason: "its type is \(earlier.type) earlier in the batch") }
            // As with a stored event: what the repeat gives must match; what it leaves out is not compared.
            guard mine.publicData == earlier.publicData, mine.personalData == earlier.personalData,
                  event.occurredAt.map({ $0 == earlier.occurredAt }) ?? true, event.actor.map({ $0 == earlier.actor }) ?? true else {
                throw .conflict(id: id, reason: "it comes earlier in the batch with other content")
            }
            return seq
        }
        let stored = try self.event(at: seq)
        guard event.type == stored.type else { throw .conflict(id: id, reason: "seq \(stored.seq) is of type \(stored.type)") }
        guard mine.publicData == stored.data else { throw .conflict(id: id, reason: "seq \(stored.seq) has other data") }
        if let occurredAt = event.occurredAt, occurredAt != stored.occurredAt {
            throw .conflict(id: id, reason: "seq \(stored.seq) occurred at \(stored.occurredAt)")
        }
        if let actor = event.actor, actor != stored.actor { throw .conflict(id: id, reason: "seq \(stored.seq) has another actor") }
        if let personal = mine.personalData, let record = try personalStore.record(ofSeq: stored.seq), record.data != personal {
            throw .conflict(id: id, reason: "seq \(stored.seq) has other personal data")
        }
        return seq
    }

    /// Validates a new event against the ledger and the events accepted before it, gives it
    /// its seq and id, and spools it.
    private func accept(_ checked: EventValidator.CheckedEvent, inputLine: Int) throws(LedgerError) -> Int64 {
        guard let spool else { preconditionFailure("accept outside write") }
        let validated = try ledger.validator.validate(checked, in: self)
        let seq = head.seq + 1 + spool.count
        var id = validated.id ?? ""
        if validated.id == nil {
            repeat { id = try ids.next(from: system) } while try contains(.eventID(id))
        }
        let keys = [EntityKey.eventID(id)] + validated.keys
        // The first event's keys are held in memory; a second event makes this a batch, whose
        // keys go into the index, marked provisional, as each is accepted.
        if spool.count == 0 {
            heldKeys = Set(keys)
        } else {
            if !heldKeys.isEmpty {
                try index.beginProvisional()
                for key in heldKeys { try index.insert(key, seq: head.seq + 1) }
                heldKeys = []
            }
            for key in keys { try index.insert(key, seq: seq) }
        }
        try io { () throws(SystemError) in try spool.append(validated, id: id, inputLine: inputLine) }
        return seq
    }

    /// Writes the spooled events after the head: personal data, then the lines, each file
    /// flushed to disk; on any failure everything written is cut back and the error is thrown.
    /// - Returns: the stored events, with `keepingEvents` (for `append` and lists), else none.
    private func writeSpool(of input: ImportInput, keepingEvents: Bool) throws(LedgerError) -> [StoredEvent] {
        guard let spool, spool.count > 0 else { return [] }
        let count = spool.count
        let now = try Timestamp.now(environment: ledger.environment)
        let recorded = max(now, head.recordedAt ?? now).description
        let firstSeq = head.seq + 1
        let batch = count > 1 ? StoredEvent.Batch(first: firstSeq, count: count) : nil
        let personal = PersonalDataStore.Appender(files: directory.files)
        var lines = SegmentAppender(session: self)
        var stored: [StoredEvent] = []
        var offsets: [Int64] = []
        var offsetsFrom = firstSeq
        var prev = head.hash
        do throws(LedgerError) {
            // Each line is made up to its `prev`, and hashed that far, on the other core (for a
            // batch worth a thread); here, in order, its `prev` ends it and the chain's hash is
            // finished: the one step that must wait for the line before.
            try ReadAhead.run(threaded: count >= 4096, size: { $0.start.count }) { emit throws(LedgerError) in
                var recordedText: [UInt8] = []
                JSON.writeString(recorded, to: &recordedText)
                try spool.forEach { k, fields throws(LedgerError) in
                    let seq = firstSeq + k
                    // The line is made from the JSON text of the spool, as `StoredEvent.line` would write it.
                    var start: [UInt8] = []
                    start.reserveCapacity(fields[.publicData].count + 320)
                    StoredEvent.appendLineBeforePrev(seq: seq, batch: batch, hasActor: fields.has(.actor), to: &start) { member, out in
                        switch member {
                        case .id: out.append(contentsOf: fields[.id])
                        case .type: out.append(contentsOf: fields[.type])
                        case .occurredAt:
                            if fields.has(.occurredAt) { out.append(contentsOf: fields[.occurredAt]) } else { out.append(contentsOf: recordedText) }
                        case .recordedAt: out.append(contentsOf: recordedText)
                        case .actor: out.append(contentsOf: fields[.actor])
                        case .data: out.append(contentsOf: fields[.publicData])
                        case .seq, .batch, .prev: break
                        }
                    }
                    let event = keepingEvents || start.count + StoredEvent.prevTailBytes > Ledger.maximumLineBytes
                        ? try io { () throws(SystemError) in try spool.event(fields) } : nil
                    if let event, start.count + StoredEvent.prevTailBytes > Ledger.maximumLineBytes {
                        throw input.located(.invalidEvent(type: event.type, reason: "the stored line would be \(start.count + StoredEvent.prevTailBytes) bytes; the limit is \(Ledger.maximumLineBytes)"),
                                            at: fields.inputLine)
                    }
                    var hasher = SHA256()
                    hasher.update(start)
                    var personalLine: [UInt8]?
                    if fields.has(.personalData) {
                        var line: [UInt8] = []
                        line.reserveCapacity(fields[.personalData].count + 64)
                        PersonalDataStore.Record.appendLine(seq: seq, to: &line) { $0.append(contentsOf: fields[.participant]) } data: { $0.append(contentsOf: fields[.personalData]) }
                        personalLine = line
                    }
                    let storedEvent = event.map { event in
                        StoredEvent(seq: seq, id: event.id, type: event.type, occurredAt: event.occurredAt ?? recorded,
                                    recordedAt: recorded, actor: event.actor, batch: batch, data: event.publicData, prev: .zero)
                    }
                    return emit(PreparedLine(seq: seq, start: start, hasher: hasher, personalLine: personalLine, event: storedEvent))
                }
            } consume: { (prepared: PreparedLine) throws(LedgerError) in
                let seq = prepared.seq
                if let personalLine = prepared.personalLine {
                    try io { () throws(SystemError) in try personal.add(line: personalLine) }
                }
                let tail = StoredEvent.prevTail(prev)
                offsets.append(try lines.add(prepared.start, tail, seq: seq))
                if offsets.count >= 65_536 {
                    try index.setOffsets(offsets, from: offsetsFrom)
                    offsetsFrom += Int64(offsets.count)
                    offsets.removeAll(keepingCapacity: true)
                }
                var hasher = prepared.hasher
                hasher.update(tail)
                if var storedEvent = prepared.event {
                    storedEvent.prev = prev
                    stored.append(storedEvent)
                }
                prev = hasher.finalize()
                let k = seq - firstSeq
                if k % 1024 == 0 { ledger.progressHandler(.writing(events: k, of: count)) }
            }
            // The personal data reaches the disk before the last line is written.
            try io { () throws(SystemError) in try personal.finish() }
            try lines.finish()
        } catch {
            // Keep the write's error; the next writer trims and quarantines what is left.
            lines.rollBack()
            personal.rollBack()
            try? index.rollBackProvisional()
            throw error
        }
        head.seq += count
        head.hash = prev
        head.recordedAt = Timestamp(rfc3339: recorded)
        do {
            for key in heldKeys { try index.insert(key, seq: firstSeq) }
            heldKeys = []
            try index.setOffsets(offsets, from: offsetsFrom)
            try index.commit(seq: head.seq, hash: head.hash)
        } catch {
            ledger.warn("the events are written, but the index was not updated (\(error)); the next writer rebuilds it")
            _ = try? LedgerIndex.discard(in: directory) // keep the warning's error; a stale header would be caught too
        }
        return stored
    }
}

/// An input event read, with its check against the catalog (made ahead, thrown in order).
struct ReadEvent {
    var line: Int
    var event: NewEvent
    var checked: Result<EventValidator.CheckedEvent, LedgerError>
    /// The input's bytes read when this event was read (for progress), and the length of its
    /// line (what it weighs in a batch read ahead).
    var bytesRead: Int64
    var bytes: Int
}

/// A line made ready to write but for its `prev`: its bytes and hash so far, and its personal
/// record's line. Only bytes pass between the threads (and the stored event, when kept), so
/// the writer frees little of what the other thread made.
struct PreparedLine {
    var seq: Int64
    var start: [UInt8]
    var hasher: SHA256
    var personalLine: [UInt8]?
    var event: StoredEvent?
}

/// Writes lines at the end of the ledger, a megabyte at a time, rolling over to a new segment
/// at the configured size. The line last added stays gathered until `finish`, so that a batch's
/// last line reaches the file only after everything that must come before it.
struct SegmentAppender {
    private struct Touched {
        var segment: LedgerDirectory.Segment
        var isNew: Bool
        var startSize: Int64
    }

    private let session: WriterSession
    /// Every segment written to, for a roll-back; only the last one is open.
    private var touched: [Touched] = []
    private var file: FileDescriptor?
    private var pending: [UInt8] = []
    /// The size of the segment being written, what is gathered included.
    private var size: Int64

    init(session: WriterSession) {
        self.session = session
        size = session.head.segmentSize
    }

    /// Gathers the line of `seq`: `start` (`StoredEvent.lineBeforePrev`) and `tail`
    /// (`StoredEvent.prevTail` of its `prev`); returns its offset in its segment.
    mutating func add(_ start: [UInt8], _ tail: [UInt8], seq: Int64) throws(LedgerError) -> Int64 {
        let length = Int64(start.count + tail.count) + 1
        do throws(SystemError) {
            if touched.isEmpty, let segment = session.head.segment, size == 0 || size + length <= session.ledger.configuration.segmentBytes {
                file = try session.directory.files.open(segment.name, O_WRONLY | O_APPEND, soleLink: true)
                touched.append(Touched(segment: segment, isNew: false, startSize: size))
            } else if touched.isEmpty || (size > 0 && size + length > session.ledger.configuration.segmentBytes) {
                if let finished = file {
                    // A full segment is flushed to disk and closed: one descriptor at a time, whatever the import's size.
                    try flush()
                    try finished.synchronize()
                    try finished.close()
                    file = nil
                }
                let segment = LedgerDirectory.Segment(name: LedgerDirectory.segmentName(firstSeq: seq), firstSeq: seq)
                file = try session.directory.files.open(segment.name, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, soleLink: true)
                touched.append(Touched(segment: segment, isNew: true, startSize: 0)) // only once it is ours
                size = 0
            } else if pending.count + Int(length) > ScratchFile.gatherBytes {
                try flush()
            }
        } catch {
            throw LedgerError(error)
        }
        let offset = size
        pending.append(contentsOf: start)
        pending.append(contentsOf: tail)
        pending.append(0x0A)
        size += length
        return offset
    }

    private mutating func flush() throws(SystemError) {
        guard !pending.isEmpty, let file else { return }
        try file.writeAll(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes what is gathered and flushes the segment, and the directory when a segment is
    /// new, to disk; then the session's head and segments say where the ledger ends.
    mutating func finish() throws(LedgerError) {
        do throws(SystemError) {
            try flush()
            guard let file else { return }
            try file.synchronize()
            if touched.contains(where: \.isNew) { try session.directory.files.synchronize() }
        } catch {
            throw LedgerError(error)
        }
        for entry in touched where entry.isNew { session.segments.append(entry.segment) }
        session.head.segment = touched.last?.segment
        session.head.segmentSize = size
    }

    /// Cuts back what was written, best effort: a batch left half-written carries its `batch`
    /// marker, and the next writer quarantines it.
    func rollBack() {
        for entry in touched.reversed() {
            if entry.isNew {
                _ = try? session.directory.files.remove(entry.segment.name)
            } else if let file = try? session.directory.files.open(entry.segment.name, O_WRONLY, soleLink: true) {
                _ = try? file.truncate(to: entry.startSize)
                _ = try? file.synchronize()
            }
        }
        if touched.contains(where: \.isNew) { _ = try? session.directory.files.synchronize() }
    }
}
