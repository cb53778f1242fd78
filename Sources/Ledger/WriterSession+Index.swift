#if canImport(Glibc)
import Glibc
#endif

// The index: caught up with the events when a session starts, and the way to a stored event by seq.
extension WriterSession {

    func catchUpIndex() throws(LedgerError) {
        var isStale = index.indexedSeq > head.seq
        if !isStale && index.indexedSeq > 0 { isStale = try !indexMatchesLedger() }
        if isStale {
            throw .damagedIndex(file: directory.indexPath + "/keys",
                                reason: "says the ledger's line \(index.indexedSeq) hashes to what it does not (an older or a foreign index)")
        }
        guard index.indexedSeq < head.seq else { return }
        // Behind the events: a writer may have died after writing slots but before the header.
        try index.recount()
        var start: EventLog.ChainStart?
        if index.indexedSeq > 0 {
            let (segmentIndex, offset) = try position(after: index.indexedSeq)
            guard segmentIndex < segments.count else {
                throw .damaged(file: directory.path, line: 0, reason: "the index caught up to seq \(index.indexedSeq), but the head is seq \(head.seq)")
            }
            start = EventLog.ChainStart(segment: segments[segmentIndex].name, offset: offset, line: 0, seq: index.indexedSeq, hash: index.indexedHash)
        }
        var offsets: [Int64] = []
        var offsetsFrom = index.indexedSeq + 1
        let log = EventLog(directory: directory, system: system)
        let end = try log.readChain(from: start, until: head.seq, advice: EventLog.verifyAdvice) { location, line throws(LedgerError) in
            let event = try log.event(in: line, at: location)
            return (EventLog.ChainLine(seq: event.seq, prev: event.prev, batch: event.batch), event)
        } accept: { location, _, _, event throws(LedgerError) in
            try index.insert(.eventID(event.id), seq: event.seq)
            for key in ledger.validator.catalog.keys(ofType: event.type, data: event.data) {
                try index.insert(key, seq: event.seq)
            }
            offsets.append(location.offset)
            if offsets.count >= 65_536 {
                try index.setOffsets(offsets, from: offsetsFrom)
                offsetsFrom += Int64(offsets.count)
                offsets.removeAll(keepingCapacity: true)
            }
            return true
        }
        guard end.seq == head.seq else {
            throw .damaged(file: directory.path, line: 0, reason: "the index caught up to seq \(end.seq), but the head is seq \(head.seq)")
        }
        try index.setOffsets(offsets, from: offsetsFrom)
        try index.commit(seq: head.seq, hash: head.hash)
    }

    /// True when the line the index claims as its last still hashes to what the index recorded.
    func indexMatchesLedger() throws(LedgerError) -> Bool {
        guard let line = try line(at: index.indexedSeq) else { return false }
        return SHA256.hash(line) == index.indexedHash
    }

    /// The segment and offset where the line after `seq` starts.
    func position(after seq: Int64) throws(LedgerError) -> (segment: Int, offset: Int64) {
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

    func segmentIndex(of seq: Int64) -> Int? {
        var low = 0, high = segments.count - 1, found: Int?
        while low <= high {
            let middle = (low + high) / 2
            if segments[middle].firstSeq <= seq { found = middle; low = middle + 1 } else { high = middle - 1 }
        }
        return found
    }

    func reader(for segment: LedgerDirectory.Segment) throws(LedgerError) -> FileDescriptor {
        if let open = readers[segment.name] { return open }
        let file = try io { () throws(SystemError) in try directory.files.open(segment.name, O_RDONLY) }
        readers[segment.name] = file
        return file
    }

    /// The bytes of the line of `seq`, found through the index; nil when the index has no offset for it.
    func line(at seq: Int64) throws(LedgerError) -> [UInt8]? {
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
}
