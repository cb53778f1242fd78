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
        // The last line decides where the next one goes and which personal records are kept: it
        // must follow the line before it (the next seq, `prev` that line's SHA-256), or an edit
        // of it alone would have writers trim the personal data of events still in the ledger.
        var before: [UInt8]?
        if start > 0 {
            before = try LineReader.line(in: file, at: try LineReader.lastLineStart(in: file, end: start))
        } else if segments.count > 1 {
            let previous = segments[segments.count - 2]
            let earlier = try io { () throws(SystemError) in try directory.files.open(previous.name, O_RDONLY) }
            let end = try io { () throws(SystemError) in try earlier.size() }
            before = try LineReader.line(in: earlier, at: try LineReader.lastLineStart(in: earlier, end: end))
        }
        let follows = before.map { EventLog.seqPrefix(of: $0) == event.seq - 1 && SHA256.hash($0) == event.prev } ?? (event.seq == 1 && event.prev == .zero)
        guard follows else {
            throw .damaged(file: path, line: 0, reason: "the last line (seq \(event.seq)) does not follow the line before it; "
                           + "nothing was written (run 'ledgerctl verify')")
        }
        return Head(seq: event.seq, hash: SHA256.hash(line), recordedAt: Timestamp(rfc3339: event.recordedAt),
                    segment: last, segmentSize: size)
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
