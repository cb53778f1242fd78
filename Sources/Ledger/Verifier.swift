#if canImport(Glibc)
import Glibc
#endif

/// Checks a whole ledger: every line well-formed, seq 1, 2, 3, ... without gaps across segments,
/// every `prev` the SHA-256 of the line before, ids unique, `recorded_at` never going back,
/// segment names matching their first seq, import batches complete.
public struct Verifier: Sendable {
    /// The ledger's directory.
    public let path: String
    /// The catalog event types must belong to.
    public let catalog: EventCatalog

    /// Receives how far the read has got (bytes read, bytes to read); see `EventLog.progress`.
    public var progress: (@Sendable (_ done: Int64, _ total: Int64) -> Void)?

    public init(path: String, catalog: EventCatalog = .version1) {
        self.path = path
        self.catalog = catalog
    }

    /// What verification found.
    public struct Report: Sendable, Equatable {
        /// How many events the ledger holds.
        public var events: Int64 = 0
        /// How many segment files.
        public var segments = 0
        /// The head: the last seq and the hash of its line (the checkpoint of this moment).
        public var head = Checkpoint(seq: 0, hash: .zero, recordedAt: nil)
        /// The first damage found, when any: where, and what.
        public var damage: LedgerError?
        /// A torn tail (a writer died mid-write; the next writer repairs it), described; not damage.
        public var tornTail: String?
        /// True when the ledger extends the checkpoint given to `verify(against:)`.
        public var extendsCheckpoint: Bool?
        /// False when the damage was found in the directory's files before any line was read
        /// (a stray or empty segment): `head` then says nothing of the chain.
        public var chainRead = true
    }

    /// The first line whose id an earlier line already has, among ids with the given fingerprints.
    static func firstRepeatedID(in log: EventLog, among fingerprints: Set<UInt64>) throws(LedgerError) -> (id: String, location: EventLog.Location)? {
        var seen = Set<String>()
        var found: (String, EventLog.Location)?
        try log.forEachLine { location, line throws(LedgerError) in
            guard let event = try? StoredEvent(line: line), fingerprints.contains(Checksum.of(bytes: Array(event.id.utf8)[...])) else { return true }
            if !seen.insert(event.id).inserted { found = (event.id, location); return false }
            return true
        }
        return found
    }

    /// A line's envelope as `verify` checks it: ranges of the line itself, or, for a line not in
    /// the writers' form, of `text`, which holds its strings.
    /// What `verify` reads of a line by itself (on either core): the checks that need no other
    /// line, their first fault (thrown in order, when the line's turn comes), the id's hash and
    /// the recorded instant, which the checks in order use.
    struct Envelope {
        var fault: LedgerError?
        var idHash: UInt64 = 0
        var recorded: Timestamp?
        var recordedAt: Range<Int> = 0..<0
        /// The envelope's text, when the line is not in the writers' form (ranges then index it).
        var text: [UInt8]?
    }

    /// Reads and checks every line.
    /// - Parameter checkpoint: an earlier head that the ledger must still extend.
    /// - Returns: the report; `damage` is set when the ledger fails.
    /// - Throws: only when the ledger cannot be read at all (not a ledger, an I/O error).
    public func verify(against checkpoint: Checkpoint? = nil) throws(LedgerError) -> Report {
        var log = try EventLog(path: path)
        log.progress = progress
        var report = Report()
        var previousRecorded: Timestamp?
        // Ids are remembered by a 64-bit hash (8 bytes each, not the id): a repeat of a hash is
        // checked against the ids themselves in a second pass, so a collision never fails a ledger.
        var seenIDs = Set<UInt64>()
        var repeatedHashes = Set<UInt64>()
        if let stray = try log.directory.strayFiles().first {
            report.damage = .damaged(file: log.directory.path + "/" + stray, line: 0, reason: LedgerDirectory.strayReason)
            report.chainRead = false
            return report
        }
        let segments = try log.directory.segments()
        report.segments = segments.count
        for segment in segments.dropLast() {
            if let info = try io({ () throws(SystemError) in try log.directory.files.status(of: segment.name) }), info.st_size == 0 {
                report.damage = .damaged(file: log.directory.path + "/" + segment.name, line: 0,
                                         reason: "an empty segment before the last one (its lines were removed)")
                report.chainRead = false
                return report
            }
        }
        let end: EventLog.ChainEnd
        do throws(LedgerError) {
            var linkedSeq: Int64 = 0
            var lastRecordedAt: [UInt8] = [] // of the last line read: the head's, once every line read is linked
            end = try log.readChain { location, line throws(LedgerError) in
                var text: [UInt8]?
                let scanned: ScannedLine
                if let fast = JSONParser.scanStoredLine(line, { scanned, _ in scanned }) {
                    scanned = fast
                } else {
                    // Not in the writers' form: read strictly, then checked the same way.
                    let event: StoredEvent
                    do throws(StoredEvent.Malformed) {
                        event = try StoredEvent(envelopeOf: line)
                    } catch {
                        throw log.damage(location, .notAnEvent(error.reason))
                    }
                    var bytes: [UInt8] = []
                    func add(_ string: String) -> Range<Int> {
                        bytes.append(contentsOf: string.utf8)
                        return (bytes.count - string.utf8.count)..<bytes.count
                    }
                    scanned = ScannedLine(seq: event.seq, id: add(event.id), type: add(event.type), occurredAt: add(event.occurredAt),
                                          recordedAt: add(event.recordedAt), actor: nil, batch: event.batch, prev: event.prev, data: 0..<0)
                    text = bytes
                }
                /// Checks what the chain does not, of this line alone: the type, the id, the instants.
                func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Envelope {
                    func part(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[range]) }
                    func text(_ range: Range<Int>) -> String { String(decoding: part(range), as: UTF8.self) }
                    var envelope = Envelope(recordedAt: scanned.recordedAt)
                    if !catalog.hasType(named: part(scanned.type)) {
                        envelope.fault = log.damage(location, "unknown event type '\(text(scanned.type))'")
                    } else if !EventValidator.isIdentifier(part(scanned.id)) {
                        envelope.fault = log.damage(location, "id is not a valid id")
                    } else if Timestamp(rfc3339: part(scanned.occurredAt)) == nil {
                        envelope.fault = log.damage(location, "occurred_at is not an RFC 3339 date-time")
                    } else if let recorded = Timestamp(rfc3339: part(scanned.recordedAt)) {
                        envelope.recorded = recorded
                    } else {
                        envelope.fault = log.damage(location, "recorded_at is not an RFC 3339 date-time")
                    }
                    envelope.idHash = Checksum.of(bytes: UnsafeRawBufferPointer(part(scanned.id)))
                    return envelope
                }
                var envelope = text.map { text in text.withUnsafeBufferPointer(check) } ?? check(line)
                envelope.text = text
                return (EventLog.ChainLine(seq: scanned.seq, prev: scanned.prev, batch: scanned.batch), envelope)
            } accept: { location, line, chained, envelope throws(LedgerError) in
                // In order: the line's own fault, then what depends on the lines before.
                if let fault = envelope.fault { throw fault }
                if !seenIDs.insert(envelope.idHash).inserted { repeatedHashes.insert(envelope.idHash) }
                let recorded = envelope.recorded! // invariant: set when there is no fault
                if let previousRecorded, recorded < previousRecorded {
                    let text = envelope.text.map { String(decoding: $0[envelope.recordedAt], as: UTF8.self) }
                        ?? String(decoding: UnsafeBufferPointer(rebasing: line[envelope.recordedAt]), as: UTF8.self)
                    throw log.damage(location, "recorded_at \(text) is earlier than the line before")
                }
                previousRecorded = recorded
                lastRecordedAt.removeAll(keepingCapacity: true)
                if let text = envelope.text {
                    lastRecordedAt.append(contentsOf: text[envelope.recordedAt])
                } else {
                    lastRecordedAt.append(contentsOf: UnsafeBufferPointer(rebasing: line[envelope.recordedAt]))
                }
                report.events = chained.seq
                return true
            } linked: { location, lineHash throws(LedgerError) in
                linkedSeq += 1
                report.head = Checkpoint(seq: linkedSeq, hash: lineHash, recordedAt: nil) // recorded_at once the last is linked
                if let checkpoint, linkedSeq == checkpoint.seq {
                    guard lineHash == checkpoint.hash else {
                        throw log.damage(location, "does not match the checkpoint: history up to seq \(checkpoint.seq) was rewritten")
                    }
                    report.extendsCheckpoint = true
                }
            }
            if report.head.seq > 0 {
                report.head = Checkpoint(seq: report.head.seq, hash: report.head.hash, recordedAt: String(decoding: lastRecordedAt, as: UTF8.self))
            }
        } catch {
            if case .damaged(let file, let line, _) = error {
                report.damage = error
                // An id used twice before the damage is the first damage (the repeat is confirmed
                // against the ids themselves, read again; lines past the damage are not counted).
                // Damage without a line number (a line too long to read) lies after every line
                // of its segment that could be read.
                let prefix = log.directory.path + "/"
                if !repeatedHashes.isEmpty, file.hasPrefix(prefix), let repeated = try? Self.firstRepeatedID(in: log, among: repeatedHashes),
                   (repeated.location.segment, repeated.location.line) < (String(file.dropFirst(prefix.count)), line > 0 ? line : Int.max) {
                    report.damage = .damaged(file: prefix + repeated.location.segment, line: repeated.location.line,
                                             reason: "id '\(repeated.id)' appears twice")
                }
                return report
            }
            throw error
        }
        if !repeatedHashes.isEmpty, let repeated = try Self.firstRepeatedID(in: log, among: repeatedHashes) {
            report.damage = .damaged(file: log.directory.path + "/" + repeated.location.segment, line: repeated.location.line,
                                     reason: "id '\(repeated.id)' appears twice")
            return report
        }
        let writerActive = WriterLock.isHeld(log.directory)
        if end.trailingBytes > 0 && !writerActive {
            let trailing = end.trailingBytes
            let lastName = segments.last?.name ?? "the last segment"
            let after = end.lastLocation.flatMap { $0.segment == lastName ? "after \($0)" : nil } ?? "at the start of \(lastName)"
            report.tornTail = "\(trailing) bytes without a line feed \(after): a writer died mid-write; the next append moves them to quarantine/"
        }
        if let open = end.openBatch {
            if writerActive {
                // A batch still being written: the ledger stands as before it.
            } else {
                report.tornTail = "the import batch from seq \(open.batch.first) (\(open.location)) stops short of its \(open.batch.count) events: a writer died mid-import; the next append moves it to quarantine/"
            }
            report.events = open.batch.first - 1
            report.head = Checkpoint(seq: 0, hash: .zero, recordedAt: nil)
            // A checkpoint of a line of the unfinished import is not one of this ledger, which
            // ends before it (as `audit_chain.py` judges it).
            if let checkpoint, checkpoint.seq >= open.batch.first { report.extendsCheckpoint = nil }
            if open.batch.first > 1 {
                // Recompute the head before the batch by reading it again: rare, only after a crash.
                let before = open.batch.first - 1
                try log.forEachLine { location, line in
                    if EventLog.seqPrefix(of: line) == before {
                        let event = try? StoredEvent(line: line)
                        report.head = Checkpoint(seq: before, hash: SHA256.hash(UnsafeRawBufferPointer(line)), recordedAt: event?.recordedAt)
                        return false
                    }
                    return true
                }
            }
        }
        if let checkpoint, report.extendsCheckpoint == nil {
            if checkpoint.seq == 0 && checkpoint.hash == .zero {
                report.extendsCheckpoint = true
            } else {
                report.damage = .damaged(file: log.directory.path, line: 0,
                                         reason: "the ledger ends at seq \(report.head.seq), before the checkpoint's seq \(checkpoint.seq): events were removed")
            }
        }
        return report
    }
}
