#if canImport(Glibc)
import Glibc
#endif

/// Reads a ledger's events in order, without the writers' lock.
///
/// A line still being written at the end of the last segment is not yet part of the ledger, so
/// readers stop at the last line feed: they never see half a line.
public struct EventLog: Sendable {
    /// The ledger's directory.
    public let directory: LedgerDirectory
    let system: SystemCalls
    /// Receives how far a whole read has got (bytes read, bytes to read), after each chunk of
    /// about a megabyte; the command line shows it on a terminal.
    public var progress: (@Sendable (_ done: Int64, _ total: Int64) -> Void)?

    /// Where a line stands.
    public struct Location: Sendable, Equatable, CustomStringConvertible {
        /// The segment file's name.
        public let segment: String
        /// The line number in that file, from 1.
        public let line: Int
        /// The byte offset of the line's start.
        public let offset: Int64

        public var description: String { "\(segment) line \(line)" }
    }

    /// Opens the log of the ledger at `path` for reading.
    /// - Throws: `LedgerError.notALedger` when `path` is not one.
    public init(path: String, system: SystemCalls = .live) throws(LedgerError) {
        self.directory = try LedgerDirectory(path: path, system: system)
        self.system = system
        _ = try directory.configuration()
    }

    /// The log of a ledger already open (a writer's).
    init(directory: LedgerDirectory, system: SystemCalls) {
        self.directory = directory
        self.system = system
    }

    /// Calls `body` with every complete line (bytes without the line feed), in order, until it
    /// returns false; no check of the chain (`readChain` checks it).
    /// - Returns: the trailing bytes after the last line feed of the last segment (0 normally).
    @discardableResult
    public func forEachLine(_ body: (Location, UnsafeBufferPointer<UInt8>) throws(LedgerError) -> Bool) throws(LedgerError) -> Int64 {
        try forEachChunk { segment, firstLine, chunk throws(LedgerError) in
            for k in 0..<chunk.count {
                let location = Location(segment: segment, line: firstLine + k, offset: chunk.offset(k))
                if !(try body(location, chunk.line(k))) { return LineReader.Taken(lines: k + 1, stops: true) }
            }
            return LineReader.Taken(lines: chunk.count, stops: false)
        }
    }

    /// Calls `body` with the complete lines of each read of about a megabyte, in order, with the
    /// segment's name and the line number of the chunk's first line, until `body` says reading
    /// stops (it returns how many lines it took, and whether it stops).
    /// - Returns: the trailing bytes after the last line feed of the last segment (0 normally).
    /// Reading starts at `start` (a segment, an offset in it, and the line number there, 0 when
    /// not known: the chunks of that segment then come with line number 0) when given.
    @discardableResult
    func forEachChunk(from start: (segment: String, offset: Int64, line: Int)? = nil,
                      _ body: (_ segment: String, _ firstLine: Int, LineReader.Chunk) throws(LedgerError) -> LineReader.Taken) throws(LedgerError) -> Int64 {
        try forEachChunk(from: start, readsAhead: false, prepare: { _, _, _ in LineReader.NothingPrepared() }) { segment, firstLine, chunk, _ throws(LedgerError) in
            try body(segment, firstLine, chunk)
        }
    }

    /// `forEachChunk(from:_:)`, with `prepare` called on each chunk (with its segment and first
    /// line number) before `body` sees it, as `LineReader.forEachChunk(in:from:readsAhead:prepare:_:)`
    /// does within each segment.
    @discardableResult
    func forEachChunk<Prepared: LineReader.ChunkPreparation>(
        from start: (segment: String, offset: Int64, line: Int)? = nil, readsAhead: Bool,
        prepare: (_ segment: String, _ firstLine: Int, LineReader.Chunk) -> Prepared,
        _ body: (_ segment: String, _ firstLine: Int, LineReader.Chunk, Prepared) throws(LedgerError) -> LineReader.Taken
    ) throws(LedgerError) -> Int64 {
        var segments = try directory.segments()
        if let start {
            guard let first = segments.firstIndex(where: { $0.name == start.segment }) else {
                throw .damaged(file: directory.path + "/" + start.segment, line: start.line, reason: "the segment to read on from is gone; run 'ledgerctl verify'")
            }
            segments.removeFirst(first)
        }
        var total: Int64 = 0, done: Int64 = 0
        if progress != nil {
            for segment in segments {
                if let info = try? directory.files.status(of: segment.name) { total += Int64(info.st_size) }
            }
            total -= start?.offset ?? 0
        }
        for (k, segment) in segments.enumerated() {
            let path = directory.path + "/" + segment.name
            guard let file = try io({ () throws(SystemError) in try directory.files.openIfExists(segment.name) }) else {
                continue // removed by a writer's recovery after the listing
            }
            let isStart = k == 0 && start != nil
            let linesUnknown = isStart && start!.line == 0 // read on from an offset whose line number is not known
            var lines = isStart ? start!.line - 1 : 0
            var prepared = lines // lines before the next chunk to prepare (chunks are prepared in order)
            var stopped = false
            let tail = try LineReader.forEachChunk(in: file, from: isStart ? start!.offset : 0, readsAhead: readsAhead, prepare: { chunk in
                defer { prepared += chunk.count }
                return prepare(segment.name, linesUnknown ? 0 : prepared + 1, chunk)
            }) { chunk, ready throws(LedgerError) in
                let taken = try body(segment.name, linesUnknown ? 0 : lines + 1, chunk, ready)
                lines += taken.lines
                if let progress, taken.lines > 0 {
                    done += Int64(chunk.ends[taken.lines - 1] + 1 - chunk.starts[0])
                    progress(done, max(total, done))
                }
                if taken.stops { stopped = true }
                return taken
            }
            if stopped { return 0 }
            if tail.trailingBytes > 0 && k < segments.count - 1 {
                throw .damaged(file: path, line: lines + 1, reason: "\(tail.trailingBytes) bytes without a line feed before the next segment")
            }
            if !isStart && lines == 0 && k < segments.count - 1 {
                throw .damaged(file: path, line: 0, reason: "an empty segment before the last one (its lines were removed, or it was made empty)")
            }
            if k == segments.count - 1 { return tail.trailingBytes }
        }
        return 0
    }

    /// The last seq that is part of the ledger: the seq of the last complete line, or, when that
    /// line belongs to an import batch that has not finished, the seq before the batch. Reads only
    /// the end of the last segment.
    public func committedEnd() throws(LedgerError) -> Int64 {
        for segment in try directory.segments().reversed() {
            guard let file = try io({ () throws(SystemError) in try directory.files.openIfExists(segment.name) }) else { continue }
            let size = try io { () throws(SystemError) in try file.size() }
            let end = try LineReader.completeEnd(of: file, size: size)
            guard end > 0 else { continue }
            guard let (_, line) = try LineReader.lastLine(in: file, end: end), let event = try? StoredEvent(line: line) else {
                return .max // not an event: reading reaches it and names the damage
            }
            if let batch = event.batch, event.seq < batch.last, try !isDisowned(batch) { return batch.first - 1 }
            return event.seq
        }
        return 0
    }

    /// True when the line with seq `batch.first` is there but does not carry `batch`: the last
    /// line's claim to belong to an unfinished import is then false (an edit), and reading on to
    /// it names the damage instead of hiding the events before. (A first line that is not there
    /// at all is what a repair that died part way leaves; the claim is believed then.)
    private func isDisowned(_ batch: StoredEvent.Batch) throws(LedgerError) -> Bool {
        guard let segment = try directory.segments().last(where: { $0.firstSeq <= batch.first }),
              let file = try io({ () throws(SystemError) in try directory.files.openIfExists(segment.name) }),
              let (_, line) = try LineReader.line(withSeq: batch.first, in: file) else { return false }
        return (try? StoredEvent(line: line))?.batch != batch
    }

    /// The event a line holds.
    /// - Throws: `LedgerError.damaged` naming the file and line when it holds none.
    public func event(in line: some Collection<UInt8>, at location: Location) throws(LedgerError) -> StoredEvent {
        do throws(StoredEvent.Malformed) {
            return try StoredEvent(line: line)
        } catch {
            throw damage(location, .notAnEvent(error.reason), advice: EventLog.verifyAdvice)
        }
    }

    /// The seq in a line's `{"seq":N,` prefix, which every stored line starts with; nil otherwise.
    public static func seqPrefix(of line: some Collection<UInt8>) -> Int64? {
        line.withContiguousStorageIfAvailable(seqPrefix(of:)) ?? Array(line).withUnsafeBufferPointer(seqPrefix(of:))
    }

    private static let seqKey = Array(#"{"seq":"#.utf8)

    private static func seqPrefix(of line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard line.hasBytes(seqKey) else { return nil }
        var value: Int64 = 0
        var digits = 0
        for byte in line[seqKey.count...] {
            guard byte >= 0x30, byte <= 0x39 else { break }
            guard digits < 18 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
