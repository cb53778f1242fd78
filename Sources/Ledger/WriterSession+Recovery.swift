import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Crash recovery: what a writer that died left at the end of the ledger is moved to
// `quarantine/` before anything else happens.
extension WriterSession {

    /// Moves a torn tail (bytes after the last line feed, or the lines of an import batch that
    /// did not finish) to `quarantine/`, truncates, and removes segments left empty.
    /// - Parameter beforeMoving: called once before the first change, which it may refuse.
    static func repairTail(of ledger: Ledger, beforeMoving: () throws(LedgerError) -> Void) throws(LedgerError) {
        let directory = ledger.directory
        var allowed = false
        func aboutToMove() throws(LedgerError) {
            if !allowed { try beforeMoving() }
            allowed = true
        }
        while true {
            let segments = try directory.segments()
            guard let last = segments.last else { return }
            let lastPath = directory.path + "/" + last.name
            let file = try io { () throws(SystemError) in try directory.files.open(last.name, O_RDONLY) }
            let size = try io { () throws(SystemError) in try file.size() }
            if size == 0 {
                // A segment created by a writer that died before its first line: it holds nothing.
                try aboutToMove()
                try io { () throws(SystemError) in
                    try directory.files.remove(last.name)
                    try directory.files.synchronize()
                }
                continue
            }
            let end = try LineReader.completeEnd(of: file, size: size)
            var cutIndex = segments.count - 1
            var cutOffset = end
            if let (_, line) = try LineReader.lastLine(in: file, end: end) {
                if let event = try? StoredEvent(line: line), let batch = event.batch, event.seq < batch.last {
                    guard let found = segments.lastIndex(where: { $0.firstSeq <= batch.first }) else {
                        throw .damaged(file: lastPath, line: 0, reason: "an unfinished import batch starts at seq \(batch.first), before every segment")
                    }
                    let batchPath = directory.path + "/" + segments[found].name
                    let batchFile = try io { () throws(SystemError) in try directory.files.open(segments[found].name, O_RDONLY) }
                    if let offset = try LineReader.line(withSeq: batch.first, in: batchFile)?.offset {
                        cutIndex = found
                        cutOffset = offset
                    } else if found + 1 < segments.count, try lastSeq(of: batchFile) == batch.first - 1 {
                        // A repair that died after cutting this segment: the batch starts with the next one.
                        cutIndex = found + 1
                        cutOffset = 0
                    } else {
                        throw .damaged(file: batchPath, line: 0, reason: "an unfinished import batch starts at seq \(batch.first), which is not in this segment")
                    }
                    // Only the batch's own lines are moved: the last line's claim is believed only
                    // when every line from the batch's first on carries the same batch, in order.
                    // (An edited last line must not take the ledger before it away.)
                    let firstKept = cutOffset == 0 ? segments[cutIndex].firstSeq : batch.first // a repair that died cut the lines before
                    if let stranger = try firstLineOutside(batch, startingAt: firstKept, from: segments[cutIndex...], offset: cutOffset, in: directory) {
                        throw .damaged(file: directory.path + "/" + stranger.segment, line: 0,
                                       reason: "the last line claims an unfinished import batch from seq \(batch.first), but seq \(stranger.seq) is not part of it; "
                                           + "nothing was moved (run 'ledgerctl verify')")
                    }
                    // The batch's first line carries the SHA-256 of the line before it, which stays
                    // as the ledger's last: moving the batch must not take away the one line that
                    // shows that last line was altered.
                    if firstKept == batch.first {
                        let cutFile = try io { () throws(SystemError) in try directory.files.open(segments[cutIndex].name, O_RDONLY) }
                        let first = try LineReader.line(in: cutFile, at: cutOffset).flatMap { try? StoredEvent(line: $0) }
                        var before: [UInt8]?
                        if cutOffset > 0 {
                            before = try LineReader.lastLine(in: cutFile, end: cutOffset)?.bytes
                        } else if cutIndex > 0 {
                            let earlier = try io { () throws(SystemError) in try directory.files.open(segments[cutIndex - 1].name, O_RDONLY) }
                            before = try LineReader.lastCompleteLine(in: earlier)?.bytes
                        }
                        guard let first, first.follows(before) else {
                            throw .damaged(file: directory.path + "/" + segments[cutIndex].name, line: 0,
                                           reason: "the unfinished import from seq \(batch.first) does not follow the line before it (seq \(batch.first - 1) was altered, or the import's first line); "
                                               + "nothing was moved (run 'ledgerctl verify')")
                        }
                    }
                }
            }
            if cutIndex == segments.count - 1 && cutOffset == size { return }
            try aboutToMove()
            try quarantine(segments[cutIndex...], from: cutOffset, ledger: ledger, what: "repaired a torn tail left by a writer that died")
        }
    }

    /// The first line from `offset` of the first of `segments` to the end that is not the next
    /// line of `batch` (its seq in order from `seq`, its `batch` the same), or nil when every one is.
    private static func firstLineOutside(_ batch: StoredEvent.Batch, startingAt seq: Int64, from segments: ArraySlice<LedgerDirectory.Segment>,
                                         offset: Int64, in directory: LedgerDirectory) throws(LedgerError) -> (segment: String, seq: Int64)? {
        var expected = seq
        for (k, segment) in zip(segments.indices, segments) {
            let file = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
            var outside: Int64?
            _ = try LineReader.forEachLine(in: file, from: k == segments.startIndex ? offset : 0) { _, line in
                let event = try? ReplayedEvent(line: line)
                guard let event, event.seq == expected, event.batch == batch else {
                    outside = event?.seq ?? EventLog.seqPrefix(of: line) ?? expected
                    return false
                }
                expected += 1
                return true
            }
            if let outside { return (segment.name, outside) }
        }
        return nil
    }

    /// The seq of a segment's last complete line, or nil.
    private static func lastSeq(of file: FileDescriptor) throws(LedgerError) -> Int64? {
        try LineReader.lastCompleteLine(in: file).flatMap { EventLog.seqPrefix(of: $0.bytes) }
    }

    /// Moves everything from `offset` of the first of `segments` to the end to `quarantine/`,
    /// and warns, saying `what` was done.
    static func quarantine(_ segments: ArraySlice<LedgerDirectory.Segment>, from offset: Int64, ledger: Ledger, what: String) throws(LedgerError) {
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
            ledger.warn("\(what): moved \(moved) bytes from \(first.name) at byte \(offset)"
                        + (segments.count > 1 ? " (and \(segments.count - 1) later segment(s))" : "")
                        + " to quarantine/\(name)")
        }
    }
}
