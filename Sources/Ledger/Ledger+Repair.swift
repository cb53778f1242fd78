#if canImport(Glibc)
import Glibc
#endif

extension Ledger {
    /// What `repair` moves, or would move, to `quarantine/`: everything after the last line
    /// whose chain checks, never anything before it.
    public struct RepairPlan: Sendable, Equatable {
        /// The segment where the cut begins.
        public let segment: String
        /// The byte offset of the cut in that segment (the end of the last good line).
        public let offset: Int64
        /// The later segments, moved whole and removed.
        public let laterSegments: [String]
        /// How many bytes move.
        public let bytes: Int64
        /// The seq of the last line that stays (0 when none does).
        public let lastGoodSeq: Int64
        /// How many complete lines move (a torn tail without a line feed is not counted).
        public let lines: Int
        /// What is wrong with the first line that moves.
        public let reason: String
        /// How many personal-data records belong to the events that move: they are deleted, not
        /// moved, since personal data is kept only for events in the ledger.
        public let personalRecords: Int
    }

    /// Finds what `repair(apply:)` would move. Reads only; takes no lock.
    /// - Returns: nil when every line chains and nothing trails the last line feed.
    public func repairPlan() throws(LedgerError) -> RepairPlan? {
        let segments = try directory.segments()
        let files = directory.files
        var expected: Int64 = 1
        var previous = SHA256.Digest.zero
        var lastGood: (segment: Int, end: Int64)? = nil
        var damage: (segment: Int, reason: String)? = nil
        // Where the import batch the last good line belongs to began, while that batch is open:
        // a batch is all or nothing, so damage inside it moves the batch's good lines too.
        var openBatch: (batch: StoredEvent.Batch, segment: Int, offset: Int64)? = nil
        scan: for (k, segment) in segments.enumerated() {
            let file = try io { () throws(SystemError) in try files.open(segment.name, O_RDONLY) }
            let size = try io { () throws(SystemError) in try file.size() }
            var lineNumber = 0
            var failure: String?
            if size == 0 && k < segments.count - 1 { // as readers and writers judge it
                damage = (k, "\(segment.name) is empty, before the last segment")
                break scan
            }
            do {
                try LineReader.forEachLine(in: file) { offset, line throws(LedgerError) in
                    lineNumber += 1
                    let event: StoredEvent
                    do {
                        event = try StoredEvent(line: line)
                    } catch {
                        failure = "line \(lineNumber) of \(segment.name) is not a stored event (\(error))"
                        return false
                    }
                    if lineNumber == 1 && event.seq != segment.firstSeq {
                        failure = "\(segment.name) starts with seq \(event.seq), not the \(segment.firstSeq) its name says"
                        return false
                    }
                    guard event.seq == expected, event.prev == previous else {
                        failure = "line \(lineNumber) of \(segment.name) (seq \(event.seq)) does not follow seq \(expected - 1) in the chain"
                        return false
                    }
                    // Import batches as readers judge them: a batch starts at its first line, and
                    // every line up to its last carries it; a line that breaks that is damage here too,
                    // so that the cut never leaves a last line that claims a batch it is not in.
                    if let open = openBatch, event.batch != open.batch {
                        failure = "line \(lineNumber) of \(segment.name) (seq \(event.seq)) cuts short the import batch from seq \(open.batch.first)"
                        return false
                    }
                    if let batch = event.batch, event.seq != batch.first, openBatch == nil {
                        failure = "line \(lineNumber) of \(segment.name) (seq \(event.seq)) claims an import batch from seq \(batch.first) that does not start there"
                        return false
                    }
                    previous = SHA256.hash(line)
                    expected += 1
                    lastGood = (k, offset + Int64(line.count) + 1)
                    if let batch = event.batch, event.seq == batch.first { openBatch = (batch, k, offset) }
                    if openBatch.map({ event.seq == $0.batch.last }) ?? false { openBatch = nil }
                    return true
                }
            } catch {
                failure = error.description
            }
            if let failure {
                damage = (k, failure)
                break scan
            }
            let end = lastGood.map { $0.segment == k ? $0.end : 0 } ?? 0
            if end < size {
                damage = (k, "\(size - end) bytes after the last line feed of \(segment.name)")
                break scan
            }
        }
        guard var damage else { return nil }
        // The cut: after the last good line, or the start of the damaged segment when none of it
        // is good; or, when that line is inside an import batch, at the batch's first line.
        var cutSegment = damage.segment
        var cutOffset: Int64 = 0
        if let lastGood, lastGood.segment == damage.segment { cutOffset = lastGood.end }
        if let lastGood, lastGood.segment < damage.segment { cutSegment = lastGood.segment + 1 }
        if let open = openBatch {
            (cutSegment, cutOffset) = (open.segment, open.offset)
            damage.reason += "; the import batch from seq \(open.batch.first) goes with it, since an import is all or nothing"
            expected = open.batch.first
        }
        var bytes: Int64 = 0
        var lines = 0
        for (k, segment) in segments.enumerated() where k >= cutSegment {
            let file = try io { () throws(SystemError) in try files.open(segment.name, O_RDONLY) }
            let from = k == cutSegment ? cutOffset : 0
            bytes += try io { () throws(SystemError) in try file.size() } - from
            try LineReader.forEachLine(in: file, from: from) { _, _ in lines += 1; return true }
        }
        return RepairPlan(segment: segments[cutSegment].name, offset: cutOffset, laterSegments: segments[(cutSegment + 1)...].map(\.name),
                          bytes: bytes, lastGoodSeq: expected - 1, lines: lines, reason: damage.reason,
                          personalRecords: try PersonalDataStore(directory: directory).count(after: expected - 1))
    }

    /// Moves everything after the last line whose chain checks to `quarantine/`, under the
    /// writers' lock, then trims personal data of the moved events and rebuilds the index.
    /// - Returns: what was moved, or nil when nothing needed repair.
    /// - Throws: `LedgerError` (busy, I/O, not the owner); nothing is moved then.
    public func repair() throws(LedgerError) -> RepairPlan? {
        try directory.requireOwnedByCaller()
        let lock = try WriterLock.acquire(directory.files, timeout: lockTimeout)
        defer { lock.release() }
        guard let plan = try repairPlan() else { return nil }
        let segments = try directory.segments()
        guard let first = segments.firstIndex(where: { $0.name == plan.segment }) else { return nil }
        // What the move and the writer after it will need is checked before anything moves:
        // `quarantine/`, if there, is a directory (a link or a file in its place is refused here), the
        // segment that will be the last and the personal-data store are ones the writer may
        // change (a second hard link is refused here), and the index can go.
        try io { () throws(SystemError) in
            _ = try directory.files.subdirectory("quarantine", creating: false) // made by the move when missing
            let newLast = plan.offset > 0 ? segments[first] : first > 0 ? segments[first - 1] : nil
            if let newLast { _ = try directory.files.open(newLast.name, O_RDONLY, soleLink: true) }
            _ = try directory.files.openIfExists(PersonalDataStore.fileName, O_RDWR, soleLink: true)
        }
        try LedgerIndex.discard(in: directory)
        try WriterSession.quarantine(segments[first...], from: plan.offset, ledger: self,
                                     what: "repair moved what follows the last line whose chain checks")
        do {
            // Trims the personal data of the moved events (the plan counts it) and rebuilds the index.
            _ = try WriterSession(ledger: self, trimming: "of the events moved to quarantine/")
        } catch {
            warn("the lines above were moved to quarantine/, as the plan said; then the ledger that was left stopped the writer:")
            throw error
        }
        return plan
    }
}
