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

    /// Streams the events in order to `body`, checking the chain as it goes (seq without gaps,
    /// every `prev` the hash of the line before), up to `cutoff`.
    /// The lines of an import batch are passed on once the batch is complete: a batch still
    /// being written (or torn by a crash) at the end of the ledger is not part of it yet.
    /// - Throws: `LedgerError.damaged` naming the first bad file and line: a report is never
    ///   computed from a ledger whose chain is broken.
    public func replay(until cutoff: Cutoff = .head, _ body: (StoredEvent) throws(LedgerError) -> Void) throws(LedgerError) -> ReplayStamp {
        try replayLines(until: cutoff) { event, _ throws(LedgerError) in
            try body(event)
            return true
        }
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
