import Dispatch

extension EventLog {
    /// How far a replay reads.
    public enum Cutoff: Sendable, Equatable {
        /// The whole ledger.
        case head
        /// The ledger as it stood after event `seq`.
        case seq(Int64)
        /// What had happened by then: events whose `occurred_at` is at or before the instant.
        case time(Timestamp)
    }

    /// What a replay read: the basis of a report's stamp.
    public struct ReplayStamp: Sendable, Equatable {
        /// The first and last seq read (0 and 0 for an empty ledger).
        public var firstSeq: Int64 = 0
        public var lastSeq: Int64 = 0
        /// The SHA-256 of line `lastSeq`.
        public var headHash = SHA256.Digest.zero
        /// How many events were passed on.
        public var eventsIncluded: Int64 = 0
    }

    /// Streams the events in order to `body`, checking the chain (seq without gaps, every `prev`
    /// the hash of the line before), up to `cutoff`.
    /// The lines of an import batch are passed on once the batch is complete: a batch still
    /// being written (or torn by a crash) at the end of the ledger is not part of it yet.
    ///
    /// Each chunk of about a megabyte is hashed on one core while its lines are read and folded on
    /// the other; the chunk's `prev` links are checked when both are done. So `body` may have
    /// folded up to a chunk's events past a broken link before the replay throws: what it built
    /// must be thrown away with the error (a report is never computed from a damaged ledger).
    /// - Throws: `LedgerError.damaged` naming the first bad file and line.
    public func replay(until cutoff: Cutoff = .head, _ body: (ReplayedEvent) throws(LedgerError) -> Void) throws(LedgerError) -> ReplayStamp {
        var stamp = ReplayStamp()
        if case .seq(let last) = cutoff, last < 1 { return stamp }
        let end = try committedEnd()
        var expected: Int64 = 1
        var previousHash = SHA256.Digest.zero
        try forEachChunk { segment, firstLine, chunk throws(LedgerError) in
            let hashes = UnsafeMutableBufferPointer<SHA256.Digest>.allocate(capacity: chunk.count)
            defer { hashes.deallocate() }
            let hashing = DispatchGroup()
            let shared = LineReader.SharedChunk(chunk: chunk, output: hashes)
            DispatchQueue.global().async(group: hashing) { shared.chunk.hash(0..<shared.chunk.count, into: shared.output) }

            // Meanwhile: read and fold the lines; stop at the first problem, kept for after the chain check.
            func damage(_ k: Int, _ reason: String) -> LedgerError {
                .damaged(file: directory.path + "/" + segment, line: firstLine + k, reason: reason)
            }
            var links: [SHA256.Digest] = []
            links.reserveCapacity(chunk.count)
            var taken = chunk.count
            var failure: LedgerError?
            for k in 0..<chunk.count {
                let line = chunk.line(k)
                if let seq = EventLog.seqPrefix(of: line), seq > end { taken = k; break }
                let event: ReplayedEvent
                do {
                    event = try ReplayedEvent(line: line)
                } catch {
                    failure = damage(k, "not a stored event (\(error))")
                    taken = k
                    break
                }
                guard event.seq == expected else {
                    failure = damage(k, "seq is \(event.seq), expected \(expected); run 'ledgerctl verify'")
                    taken = k
                    break
                }
                links.append(event.prev)
                expected += 1
                if stamp.firstSeq == 0 { stamp.firstSeq = event.seq }
                stamp.lastSeq = event.seq
                let isIncluded: Bool = if case .time(let instant) = cutoff { event.occurred.map { $0 <= instant } ?? false } else { true }
                if isIncluded {
                    stamp.eventsIncluded += 1
                    do throws(LedgerError) { try body(event) } catch {
                        failure = error
                        taken = k + 1
                        break
                    }
                }
                if case .seq(let last) = cutoff, event.seq >= last { taken = k + 1; break }
            }
            hashing.wait()
            for (k, link) in links.enumerated() {
                guard link == previousHash else { throw damage(k, "prev does not match the line before; run 'ledgerctl verify'") }
                previousHash = hashes[k]
            }
            stamp.headHash = previousHash
            if let failure { throw failure }
            return taken
        }
        return stamp
    }

    /// `replay(until:_:)` with each event's stored line, until `body` returns false.
    @discardableResult
    public func replayLines(until cutoff: Cutoff = .head, _ body: (StoredEvent, UnsafeBufferPointer<UInt8>) throws(LedgerError) -> Bool) throws(LedgerError) -> ReplayStamp {
        var stamp = ReplayStamp()
        if case .seq(let last) = cutoff, last < 1 { return stamp }
        var expected: Int64 = 1
        var previousHash = SHA256.Digest.zero
        try forEachCommittedEvent { event, line, hash, location throws(LedgerError) in
            let file = directory.path + "/" + location.segment
            guard event.seq == expected else {
                throw .damaged(file: file, line: location.line, reason: "seq is \(event.seq), expected \(expected); run 'ledgerctl verify'")
            }
            guard event.prev == previousHash else {
                throw .damaged(file: file, line: location.line, reason: "prev does not match the line before; run 'ledgerctl verify'")
            }
            previousHash = hash
            expected += 1
            if stamp.firstSeq == 0 { stamp.firstSeq = event.seq }
            stamp.lastSeq = event.seq
            stamp.headHash = previousHash
            if case .time(let instant) = cutoff {
                guard let occurred = Timestamp(rfc3339: event.occurredAt), occurred <= instant else { return true }
            }
            stamp.eventsIncluded += 1
            guard try body(event, line) else { return false }
            if case .seq(let last) = cutoff, event.seq >= last { return false }
            return true
        }
        return stamp
    }
}
