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
        /// Where the replay stopped, for a fold to save its state at (nil when it read nothing).
        public var end: SavedState.Position?
    }

    /// Streams the events in order to `body`, checking the chain (seq without gaps, every `prev`
    /// the hash of the line before), up to `cutoff`.
    /// The lines of an import batch are passed on once the batch is complete: a batch still
    /// being written (or torn by a crash) at the end of the ledger is not part of it yet.
    ///
    /// Each chunk of about a megabyte is hashed and parsed on both cores (`readChain`: the next
    /// chunk's while this one is folded), then folded on this thread; the chunk's `prev` links
    /// are checked after its events are folded. So `body` may have folded up to a chunk's events
    /// past a broken link before the replay throws: what it built must be thrown away with the
    /// error (a report is never computed from a damaged ledger).
    /// - Throws: `LedgerError.damaged` naming the first bad file and line.
    ///
    /// - Parameter saved: where a fold's saved state stands (see `SavedState.load`): reading goes
    ///   on after that line, the stamp counting the events before it as the saved replay did.
    public func replay(until cutoff: Cutoff = .head, after saved: SavedState.Position? = nil,
                       _ body: (ReplayedEvent) throws(LedgerError) -> Void) throws(LedgerError) -> ReplayStamp {
        var stamp = ReplayStamp()
        if case .seq(let last) = cutoff, last < 1 { return stamp }
        var start: ChainStart?
        if let saved {
            stamp = ReplayStamp(firstSeq: saved.firstSeq, lastSeq: saved.seq, headHash: saved.hash, eventsIncluded: saved.eventsIncluded, end: saved)
            if case .seq(let last) = cutoff, last <= saved.seq { return stamp }
            start = ChainStart(segment: saved.next.segment, offset: saved.next.offset, line: saved.next.line, seq: saved.seq, hash: saved.hash)
        }
        var lastLine: (location: Location, length: Int)?
        try readChain(from: start, until: try committedEnd(), advice: EventLog.verifyAdvice) { location, line throws(LedgerError) in
            let event: ReplayedEvent
            do throws(StoredEvent.Malformed) {
                event = try ReplayedEvent(line: line)
            } catch {
                throw damage(location, .notAnEvent(error.reason), advice: EventLog.verifyAdvice)
            }
            return (ChainLine(seq: event.seq, prev: event.prev, batch: event.batch), event)
        } accept: { location, line, _, event throws(LedgerError) in
            lastLine = (location, line.count)
            if stamp.firstSeq == 0 { stamp.firstSeq = event.seq }
            stamp.lastSeq = event.seq
            let isIncluded: Bool = if case .time(let instant) = cutoff { event.occurred.map { $0 <= instant } ?? false } else { true }
            if isIncluded {
                stamp.eventsIncluded = stamp.eventsIncluded.adding(saturating: 1) // a saved state gives the start
                try body(event)
            }
            if case .seq(let last) = cutoff, event.seq >= last { return false }
            return true
        } linked: { _, hash in
            stamp.headHash = hash
        }
        if let lastLine {
            stamp.end = SavedState.Position(seq: stamp.lastSeq, hash: stamp.headHash, segment: lastLine.location.segment, line: lastLine.location.line,
                                            offset: lastLine.location.offset, length: lastLine.length, firstSeq: stamp.firstSeq,
                                            eventsIncluded: stamp.eventsIncluded)
        }
        return stamp
    }

    /// The `recorded_at` of the line a replay ended at (`ReplayStamp.end`, the head of its stamp),
    /// read again from its place: what a report may print as the time it reflects, since the
    /// wall clock would make the same events give other bytes. Nil when the replay read nothing.
    /// - Throws: `LedgerError.damaged` when the line is no longer there with the same SHA-256
    ///   (the ledger was changed under the report); `LedgerError.io` when it cannot be read.
    public func recordedAt(of end: SavedState.Position?) throws(LedgerError) -> String? {
        guard let end else { return nil }
        let location = Location(segment: end.segment, line: end.line, offset: end.offset)
        let bytes: [UInt8] = try io { () throws(SystemError) -> [UInt8] in
            guard let file = try directory.files.openIfExists(end.segment) else { return [] }
            defer { try? file.close() }
            return try file.read(count: end.length, at: end.offset)
        }
        guard bytes.count == end.length, SHA256.hash(bytes) == end.hash else {
            throw damage(location, "the line a report was computed up to changed while it was read; \(EventLog.verifyAdvice)")
        }
        do throws(StoredEvent.Malformed) {
            return try bytes.withUnsafeBufferPointer { buffer throws(StoredEvent.Malformed) in try StoredEvent(line: buffer) }.recordedAt
        } catch {
            throw damage(location, .notAnEvent(error.reason), advice: EventLog.verifyAdvice)
        }
    }

    /// What readers other than `verify` add to a damage message.
    static let verifyAdvice = "run 'ledgerctl verify'"

    /// The events in order with their stored lines (valid during the call), through the chain
    /// check, until `body` returns false; an import batch not yet finished is not read.
    @discardableResult
    /// - Parameter vouched: called with seq S once every line up to S is known to be in the
    ///   chain (the line after S carries its SHA-256), and with the head's seq when the read
    ///   reaches it; a line given to `body` and never vouched for is one whose read found damage
    ///   at or after it, or the last of a read `body` stopped.
    public func replayLines(_ body: (StoredEvent, UnsafeBufferPointer<UInt8>) throws(LedgerError) -> Bool,
                            vouched: (Int64) throws(LedgerError) -> Void = { _ throws(LedgerError) in }) throws(LedgerError) -> ReplayStamp {
        var stamp = ReplayStamp()
        var linked: Int64 = 0
        var stopped = false
        try readChain(until: try committedEnd(), advice: EventLog.verifyAdvice) { location, line throws(LedgerError) in
            let event = try self.event(in: line, at: location)
            return (ChainLine(seq: event.seq, prev: event.prev, batch: event.batch), event)
        } accept: { _, line, _, event throws(LedgerError) in
            if stamp.firstSeq == 0 { stamp.firstSeq = event.seq }
            stamp.lastSeq = event.seq
            stamp.eventsIncluded = stamp.eventsIncluded.adding(saturating: 1) // a saved state gives the start
            let goesOn = try body(event, line)
            stopped = !goesOn
            return goesOn
        } linked: { _, hash throws(LedgerError) in
            stamp.headHash = hash
            linked += 1
            if linked > 1 { try vouched(linked - 1) }
        }
        // The head vouches for itself when the read reaches it; a read `body` stopped has no
        // line after its last to vouch for that one.
        if linked > 0 && !stopped { try vouched(linked) }
        return stamp
    }
}
