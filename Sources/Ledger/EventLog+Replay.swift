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
    /// Each chunk of about a megabyte is hashed on one core while its lines are read and folded on
    /// the other; the chunk's `prev` links are checked when both are done. So `body` may have
    /// folded up to a chunk's events past a broken link before the replay throws: what it built
    /// must be thrown away with the error (a report is never computed from a damaged ledger).
    /// - Throws: `LedgerError.damaged` naming the first bad file and line.
    ///
    /// - Parameter saved: where a fold's saved state stands (see `SavedState.load`): reading goes
    ///   on after that line, the stamp counting the events before it as the saved replay did.
    public func replay(until cutoff: Cutoff = .head, after saved: SavedState.Position? = nil,
                       _ body: (ReplayedEvent) throws(LedgerError) -> Void) throws(LedgerError) -> ReplayStamp {
        var stamp = ReplayStamp()
        if case .seq(let last) = cutoff, last < 1 { return stamp }
        let end = try committedEnd()
        var expected: Int64 = 1
        var previousHash = SHA256.Digest.zero
        if let saved {
            stamp = ReplayStamp(firstSeq: saved.firstSeq, lastSeq: saved.seq, headHash: saved.hash, eventsIncluded: saved.eventsIncluded, end: saved)
            expected = saved.seq + 1
            previousHash = saved.hash
            if case .seq(let last) = cutoff, last <= saved.seq { return stamp }
        }
        var lastLine: (location: Location, length: Int)?
        try forEachChainedLine(from: saved?.next, after: previousHash, mismatch: "prev does not match the line before; run 'ledgerctl verify'") { location, line throws(LedgerError) in
            if let seq = EventLog.seqPrefix(of: line), seq > end { return .stop }
            let event: ReplayedEvent
            do {
                event = try ReplayedEvent(line: line)
            } catch {
                throw .damaged(file: directory.path + "/" + location.segment, line: location.line, reason: "not a stored event (\(error))")
            }
            guard event.seq == expected else {
                throw .damaged(file: directory.path + "/" + location.segment, line: location.line,
                               reason: "seq is \(event.seq), expected \(expected); run 'ledgerctl verify'")
            }
            expected += 1
            lastLine = (location, line.count)
            if stamp.firstSeq == 0 { stamp.firstSeq = event.seq }
            stamp.lastSeq = event.seq
            let isIncluded: Bool = if case .time(let instant) = cutoff { event.occurred.map { $0 <= instant } ?? false } else { true }
            if isIncluded {
                stamp.eventsIncluded += 1
                try body(event)
            }
            if case .seq(let last) = cutoff, event.seq >= last { return .last(event.prev) }
            return .next(event.prev)
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

    /// How a line read by `forEachChainedLine` joins the chain.
    enum Link {
        /// The line's `prev`; reading goes on.
        case next(SHA256.Digest)
        /// The line's `prev`; reading stops after this line.
        case last(SHA256.Digest)
        /// Reading stops before this line.
        case stop
    }

    /// Reads the lines in order: `read` sees each chunk's lines on this thread while another core
    /// hashes them (this thread helps once it is done); then the chunk's links are checked in
    /// order, each line's `prev` against the hash of the line before (`mismatch` says what is
    /// wrong otherwise), and `linked` sees each line's hash. An error `read` throws is thrown
    /// once the links of the lines before it are checked, so the first damage is the one named.
    /// - Returns: the trailing bytes after the last line feed of the last segment (0 normally).
    @discardableResult
    func forEachChainedLine(from start: (segment: String, offset: Int64, line: Int)? = nil, after previous: SHA256.Digest = .zero, mismatch: String,
                            _ read: (Location, UnsafeBufferPointer<UInt8>) throws(LedgerError) -> Link,
                            linked: (Location, SHA256.Digest) throws(LedgerError) -> Void) throws(LedgerError) -> Int64 {
        var previousHash = previous
        return try forEachChunk(from: start) { segment, firstLine, chunk throws(LedgerError) in
            let hasher = LineReader.ChunkHasher(chunk)
            hasher.start()
            func location(_ k: Int) -> Location { Location(segment: segment, line: firstLine + k, offset: chunk.offset(k)) }
            var links: [SHA256.Digest] = []
            links.reserveCapacity(chunk.count)
            var failure: LedgerError?
            var stopped = false
            for k in 0..<chunk.count {
                let link: Link
                do throws(LedgerError) {
                    link = try read(location(k), chunk.line(k))
                } catch {
                    failure = error
                    break
                }
                switch link {
                case .next(let prev): links.append(prev)
                case .last(let prev): links.append(prev); stopped = true
                case .stop: stopped = true
                }
                if stopped { break }
            }
            hasher.finish()
            for (k, link) in links.enumerated() {
                guard link == previousHash else {
                    throw .damaged(file: directory.path + "/" + segment, line: firstLine + k, reason: mismatch)
                }
                previousHash = hasher.hashes[k]
                try linked(location(k), previousHash)
            }
            if let failure { throw failure }
            return LineReader.Taken(lines: links.count, stops: stopped)
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
