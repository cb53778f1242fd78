// The one reader of the chain: replay, `log`, `verify` and the writers' index catch-up all walk
// the lines through `readChain`, which checks what makes the lines one chain (seq without gaps,
// segment names, import batches, every `prev` the SHA-256 of the line before, the committed end)
// and words any damage to it the same way for all of them.
extension EventLog {
    /// What the chain needs of a line: read from it by the caller, checked by `readChain`.
    struct ChainLine {
        var seq: Int64
        var prev: SHA256.Digest
        var batch: StoredEvent.Batch?
    }

    /// Damage to the chain, in the words every reader uses.
    enum ChainDamage {
        case notAnEvent(String)
        case seq(found: Int64, expected: Int64)
        case prev
        case segmentName(namedSeq: Int64, firstSeq: Int64)
        case batchCutShort(StoredEvent.Batch, lastSeq: Int64)
        case batchWithoutFirst

        var reason: String {
            switch self {
            case .notAnEvent(let why):
                "not a stored event (\(why))"
            case let .seq(found, expected):
                "seq is \(found), expected \(expected) (\(found < expected ? "repeated or out of order" : "events are missing"))"
            case .prev:
                "prev does not match the SHA-256 of the line before (that line, or this one, was altered, removed or reordered)"
            case let .segmentName(named, first):
                "the segment's name says it starts at seq \(named), but its first line is seq \(first) (segments renamed, removed or reordered)"
            case let .batchCutShort(batch, last):
                "the import batch that started at seq \(batch.first) stops at seq \(last), short of its \(batch.count) events"
            case .batchWithoutFirst:
                "a batch line without the batch's first line"
            }
        }
    }

    /// Where reading starts: just after a line already read (its seq and hash), at `offset` of
    /// `segment`; `line` is the line number there, or 0 when it is not known (damage is then
    /// placed by byte offset).
    struct ChainStart {
        var segment: String
        var offset: Int64
        var line: Int
        var seq: Int64
        var hash: SHA256.Digest
    }

    /// Where reading ended.
    struct ChainEnd {
        /// The last line linked into the chain, and its hash (0 and zero when none).
        var seq: Int64 = 0
        var hash = SHA256.Digest.zero
        /// An import batch whose last line was not read (only without `until`: otherwise reading
        /// stops before it).
        var openBatch: (batch: StoredEvent.Batch, location: Location)?
        /// The bytes after the last line feed of the last segment.
        var trailingBytes: Int64 = 0
        /// The last line read.
        var lastLocation: Location?
    }

    /// The error for damage at `location`; `advice` (such as "run 'ledgerctl verify'") follows the reason.
    func damage(_ location: Location, _ kind: ChainDamage, advice: String? = nil) -> LedgerError {
        damage(location, kind.reason + (advice.map { "; " + $0 } ?? ""))
    }

    /// The error for a problem with the line at `location`.
    func damage(_ location: Location, _ reason: String) -> LedgerError {
        let file = directory.path + "/" + location.segment
        return location.line > 0
            ? .damaged(file: file, line: location.line, reason: reason)
            : .damaged(file: file, line: 0, reason: "the line at byte \(location.offset): \(reason)")
    }

    /// Reads the chain in order, from the first line or from `start`.
    ///
    /// For each line, `parse` reads what the caller needs (and the chain's part of it); the seq
    /// must follow the one before, the first line of a segment must have the seq its name says,
    /// then `accept` sees the line (and returns false to stop after it), then the line must fit
    /// its import batch. Each chunk of about a megabyte is hashed and parsed on both cores
    /// (`ChunkWork`: so `parse` must only read, and may see lines past where reading stops); its
    /// lines then go through the checks and `accept` in order, its `prev` links are checked, and
    /// `linked` sees each line's hash, in order. The next chunk is read before that, and a helper
    /// thread (`ChunkHelper`) hashes and parses it while this thread does the in-order work.
    /// An error thrown for a line comes after the links of the lines before it are checked, so
    /// the first damage is the one named.
    ///
    /// - Parameters:
    ///   - until: the committed end (`committedEnd()`): reading stops before a line past it.
    ///   - advice: what damage messages add (readers other than `verify` send people to it).
    @discardableResult
    func readChain<Line>(from start: ChainStart? = nil, until end: Int64? = nil, advice: String? = nil,
                         parse: (Location, UnsafeBufferPointer<UInt8>) throws(LedgerError) -> (ChainLine, Line),
                         accept: (Location, UnsafeBufferPointer<UInt8>, ChainLine, Line) throws(LedgerError) -> Bool,
                         linked: (Location, SHA256.Digest) throws(LedgerError) -> Void = { _, _ in }) throws(LedgerError) -> ChainEnd {
        var result = ChainEnd(seq: start?.seq ?? 0, hash: start?.hash ?? .zero)
        var expected = (start?.seq ?? 0) + 1
        var openBatch: (batch: StoredEvent.Batch, location: Location)?
        var isFirstLine = true // read on from `start`, the first line may be inside a batch
        func lineLocation(_ segment: String, _ firstLine: Int, _ chunk: LineReader.Chunk, _ k: Int) -> Location {
            Location(segment: segment, line: firstLine > 0 ? firstLine + k : 0, offset: chunk.offset(k))
        }
        let helper = LineReader.ChunkHelper()
        defer { helper.close() }
        result.trailingBytes = try withoutActuallyEscaping(parse) { parse throws(LedgerError) in
            try forEachChunk(from: start.map { ($0.segment, $0.offset, $0.line) }, readsAhead: true, prepare: { segment, firstLine, chunk in
                // Each line's hash and parse, begun on the helper's core while the chunk before is read in order.
                let work = LineReader.ChunkWork(chunk) { k throws(LedgerError) in try parse(lineLocation(segment, firstLine, chunk, k), chunk.line(k)) }
                work.start(on: helper)
                return work
            }) { segment, firstLine, chunk, work throws(LedgerError) in
                func location(_ k: Int) -> Location { lineLocation(segment, firstLine, chunk, k) }
                // This thread does what the helper has not; then, in order, what links the lines.
                work.finish()
                var links: [SHA256.Digest] = []
                links.reserveCapacity(chunk.count)
                var failure: LedgerError?
                var stops = false
                // The line after `end`, when the file has one (an import being written, or one
                // that never finished): its `prev` must still be the last line's SHA-256, or the
                // last line read was altered, which only this line shows.
                var after: (place: Location, prev: SHA256.Digest)?
                for k in 0..<chunk.count {
                    let place = location(k)
                    let line = chunk.line(k)
                    do throws(LedgerError) {
                        if let end, let seq = EventLog.seqPrefix(of: line), seq > end {
                            if seq == end + 1, let (chained, _) = try? work.parsedLine(k) { after = (place, chained.prev) }
                            stops = true
                            break
                        }
                        let (chained, parsed) = try work.parsedLine(k)
                        if place.offset == 0, let named = LedgerDirectory.firstSeq(ofSegment: segment), named != chained.seq {
                            throw damage(place, .segmentName(namedSeq: named, firstSeq: chained.seq), advice: advice)
                        }
                        guard chained.seq == expected else {
                            throw damage(place, .seq(found: chained.seq, expected: expected), advice: advice)
                        }
                        result.lastLocation = place
                        let goesOn = try accept(place, line, chained, parsed)
                        if let open = openBatch, open.batch != chained.batch {
                            throw damage(place, .batchCutShort(open.batch, lastSeq: chained.seq - 1), advice: advice)
                        }
                        if let batch = chained.batch {
                            if chained.seq == batch.first || (isFirstLine && start != nil) { openBatch = (batch, place) }
                            guard openBatch?.batch == batch else { throw damage(place, .batchWithoutFirst, advice: advice) }
                            if chained.seq == batch.last { openBatch = nil }
                        }
                        expected += 1
                        isFirstLine = false
                        links.append(chained.prev)
                        if !goesOn {
                            stops = true
                            break
                        }
                    } catch {
                        failure = error
                        break
                    }
                }
                for (k, link) in links.enumerated() {
                    guard link == result.hash else { throw damage(location(k), .prev, advice: advice) }
                    result.hash = work.hashes[k]
                    result.seq += 1
                    try linked(location(k), result.hash)
                }
                helper.release(work)
                if let failure { throw failure }
                if let after, after.prev != result.hash { throw damage(after.place, .prev, advice: advice) }
                return LineReader.Taken(lines: links.count, stops: stops)
            }
        }
        result.openBatch = openBatch
        return result
    }
}
