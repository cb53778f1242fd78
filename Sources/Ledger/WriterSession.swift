import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One writer's turn, under the lock: the tail repaired, the head known, the index caught up.
///
/// Its work is split by concern: crash recovery (`WriterSession+Recovery`), the index
/// (`WriterSession+Index`), checking and writing events (`WriterSession+Import`), new ids
/// (`EventIDs`).
final class WriterSession: LedgerState {
    /// The last event of the ledger, and where the next line goes.
    struct Head {
        var seq: Int64 = 0
        var hash: SHA256.Digest = .zero
        var recordedAt: Timestamp?
        var segment: LedgerDirectory.Segment?
        var segmentSize: Int64 = 0
    }

    let ledger: Ledger
    var segments: [LedgerDirectory.Segment] = []
    var head = Head()
    let index: LedgerIndex
    /// Open segments, by name, for reads through the index.
    var readers: [String: FileDescriptor] = [:]
    /// The events an import has accepted so far and not yet written, and the keys of the first
    /// of them (inserted in the index only when a second one comes: a single append inserts
    /// its keys after its line is written, and never marks the index).
    var spool: ImportSpool?
    var heldKeys: Set<EntityKey> = []
    /// The data of events that later events referred to (a contest, a question), by seq: an
    /// import of check-ins and answers reads each engagement or question once, not once a line.
    var referencedData: [Int64: JSON] = [:]
    static let rememberedData = 4096
    var ids = EventIDs()

    var directory: LedgerDirectory { ledger.directory }
    var system: SystemCalls { ledger.system }
    var personalStore: PersonalDataStore { PersonalDataStore(directory: directory) }

    /// - Parameter trimming: whose personal data a trim past the head drops, for its warning.
    init(ledger: Ledger, trimming: String = "written by an append that did not complete") throws(LedgerError) {
        self.ledger = ledger
        // The joins are checked before crash recovery moves anything (when it has something to
        // move), and after it in `readHead`.
        try Self.repairTail(of: ledger) { () throws(LedgerError) in
            _ = try Self.checkSegments(try ledger.directory.segments(), of: ledger.directory, beforeRecovery: true)
        }
        segments = try ledger.directory.segments()
        head = try Self.readHead(of: ledger.directory, segments: segments)
        let cut = try PersonalDataStore(directory: ledger.directory).trim(after: head.seq)
        if cut > 0 { ledger.warn("deleted \(cut) bytes of personal data \(trimming): personal data is kept only for events in the ledger") }
        index = try LedgerIndex.open(in: ledger.directory, warn: ledger.warn)
        try catchUpIndex()
    }

    // MARK: - The head

    /// Where the ledger ends, read from its last line, once the segments' names are found to
    /// agree with their lines (`checkSegments`): a writer must not append to, or trim the
    /// personal data of, a ledger whose files were removed, renamed or edited at their joins.
    static func readHead(of directory: LedgerDirectory, segments: [LedgerDirectory.Segment]) throws(LedgerError) -> Head {
        guard let last = segments.last else { return Head() }
        let path = directory.path + "/" + last.name
        // The segment the next line goes to: refused now, before anything is written, if another name holds it.
        let file = try io { () throws(SystemError) in try directory.files.open(last.name, O_RDONLY, soleLink: true) }
        let size = try io { () throws(SystemError) in try file.size() }
        guard let (start, line) = try LineReader.lastLine(in: file, end: size) else {
            throw .damaged(file: path, line: 0, reason: "the last line has no line feed")
        }
        let event: StoredEvent
        do {
            event = try StoredEvent(line: line)
        } catch {
            throw .damaged(file: path, line: 0, reason: "the last line is not a stored event (\(error)); "
                           + "after a power cut, 'ledgerctl repair' shows what would move to quarantine/ and 'ledgerctl repair --apply' moves it")
        }
        let previousEnd = try checkSegments(segments, of: directory)
        // The last line decides where the next one goes and which personal records are kept: it
        // must follow the line before it (the next seq, `prev` that line's SHA-256), or an edit
        // of it alone would have writers trim the personal data of events still in the ledger.
        let before = start > 0 ? try LineReader.lastLine(in: file, end: start)?.bytes : previousEnd
        guard event.follows(before) else {
            throw .damaged(file: path, line: 0, reason: "the last line (seq \(event.seq)) does not follow the line before it; "
                           + "nothing was written (run 'ledgerctl verify')")
        }
        return Head(seq: event.seq, hash: SHA256.hash(line), recordedAt: Timestamp(rfc3339: event.recordedAt),
                    segment: last, segmentSize: size)
    }

    /// Checks that the segments' names agree with their lines where one segment meets the next:
    /// the first is named for seq 1, each begins with the seq its name gives, and each begins
    /// with the line that follows the last line of the one before (the next seq, `prev` its
    /// SHA-256). A segment removed, emptied or renamed is found here, with two short reads a
    /// segment, and not only by readers; the lines inside a segment are `verify`'s to check.
    /// - Parameter beforeRecovery: the check made before crash recovery: the last segment's
    ///   first line may then be torn or garbled (recovery and `readHead` judge it).
    /// - Returns: the last line of the segment before the last one (nil with one segment).
    static func checkSegments(_ segments: [LedgerDirectory.Segment], of directory: LedgerDirectory, beforeRecovery: Bool = false) throws(LedgerError) -> [UInt8]? {
        var previous: (name: String, lastLine: [UInt8])?
        for (k, segment) in segments.enumerated() {
            let path = directory.path + "/" + segment.name
            if k == 0, segment.firstSeq != 1 {
                throw .damaged(file: path, line: 1, reason: "the first segment is named for seq \(segment.firstSeq): the segments before it are missing; nothing was written (run 'ledgerctl verify')")
            }
            let file = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
            guard let first = try LineReader.line(in: file, at: 0), let event = try? StoredEvent(line: first) else {
                if beforeRecovery && k == segments.count - 1 { break }
                throw .damaged(file: path, line: 1, reason: "the segment is empty or its first line is not a stored event; nothing was written (run 'ledgerctl verify')")
            }
            guard event.seq == segment.firstSeq else {
                throw .damaged(file: path, line: 1, reason: "the segment begins with seq \(event.seq), not the seq \(segment.firstSeq) its name gives; nothing was written (run 'ledgerctl verify')")
            }
            let follows = event.follows(previous?.lastLine)
            // A repair of an unfinished import that died half way cut the batch's first lines from
            // the segment before and left this one, which starts inside the batch: recovery's to
            // finish, when the ledger's last line still claims that batch unfinished.
            var cutByRecovery = false
            if beforeRecovery, let batch = event.batch, event.seq > batch.first,
               previous.flatMap({ EventLog.seqPrefix(of: $0.lastLine) }) == batch.first - 1 {
                cutByRecovery = try unfinishedBatch(atEndOf: segments, in: directory) == batch
            }
            guard follows || cutByRecovery else {
                let after = previous.map { "the last line of \($0.name)" } ?? "the start of the ledger"
                throw .damaged(file: path, line: 1, reason: "the first line (seq \(event.seq)) does not follow \(after): a segment is missing or was changed; nothing was written (run 'ledgerctl verify')")
            }
            guard k < segments.count - 1 else { break }
            let size = try io { () throws(SystemError) in try file.size() }
            guard let (_, last) = try LineReader.lastLine(in: file, end: size) else {
                throw .damaged(file: path, line: 0, reason: "the last line has no line feed")
            }
            previous = (segment.name, last)
        }
        return previous?.lastLine
    }

    /// The import batch the ledger's last complete line claims and does not finish, if any.
    private static func unfinishedBatch(atEndOf segments: [LedgerDirectory.Segment], in directory: LedgerDirectory) throws(LedgerError) -> StoredEvent.Batch? {
        guard let last = segments.last else { return nil }
        let file = try io { () throws(SystemError) in try directory.files.open(last.name, O_RDONLY) }
        guard let (_, line) = try LineReader.lastCompleteLine(in: file),
              let event = try? StoredEvent(line: line), let batch = event.batch, event.seq < batch.last else { return nil }
        return batch
    }

    // MARK: - LedgerState

    /// The seq of the event that added `key`: in the ledger, or accepted earlier in this import.
    func seq(of key: EntityKey) throws(LedgerError) -> Int64? {
        if heldKeys.contains(key) { return head.seq + 1 }
        guard let seq = try index.seq(of: key) else { return nil }
        guard seq <= head.seq + (spool?.count ?? 0) else {
            throw .damagedIndex(file: directory.indexPath + "/keys", reason: "names seq \(seq) for \(key), after the ledger's head \(head.seq)")
        }
        return seq
    }

    func contains(_ key: EntityKey) throws(LedgerError) -> Bool {
        try seq(of: key) != nil
    }

    func data(of key: EntityKey) throws(LedgerError) -> JSON? {
        guard let seq = try seq(of: key) else { return nil }
        if let known = referencedData[seq] { return known }
        let data = seq > head.seq && spool != nil ? try spool!.event(seq - head.seq - 1).publicData : try event(at: seq).data
        if referencedData.count >= Self.rememberedData { referencedData.removeAll(keepingCapacity: true) }
        referencedData[seq] = data
        return data
    }
}
