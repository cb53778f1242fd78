// A catch-up subscription: read the committed events after a position, then, call after call,
// only those committed since. Every read goes through `readChain`, so a follower checks the
// chain as replay does, never shows a line of an unfinished import, and stops at damage.
extension EventLog {
    /// Where a follower has read to: the last event it was given (its seq, and where the chain
    /// goes on after it). Starts before the first event.
    public struct Cursor: Sendable {
        /// The seq of the last event read; 0 before the first.
        public fileprivate(set) var seq: Int64 = 0
        fileprivate var next: ChainStart?
        /// The first read skips the events up to this seq (`log --since`).
        fileprivate var skipsThrough: Int64

        /// A cursor that gives the events after `seq` (all of them when 0).
        public init(after seq: Int64 = 0) {
            skipsThrough = seq
        }
    }

    /// Gives `body` each event committed after `cursor` (the stored line with it), in seq
    /// order, and moves the cursor past them; reads from where the cursor stopped, not from the
    /// first event. Returns how many events `body` was given (0 when nothing new is committed).
    /// - Throws: `LedgerError.damaged` naming the first damage in what it reads; an error `body` throws.
    @discardableResult
    /// - Parameter vouched: called with seq S once every line up to S is known to be in the
    ///   chain (the line after S carries its SHA-256), and with the last seq read at the end.
    public func read(after cursor: inout Cursor, _ body: (StoredEvent, UnsafeBufferPointer<UInt8>) throws(LedgerError) -> Void,
                     vouched: (Int64) throws(LedgerError) -> Void = { _ throws(LedgerError) in }) throws(LedgerError) -> Int {
        let end = try committedEnd()
        guard end > cursor.seq else { return 0 }
        var given = 0
        var read: [(location: Location, length: Int, seq: Int64)] = [] // lines read, until their hash is known
        var linkedCount = 0
        var position = cursor
        defer { cursor = position }
        try readChain(from: position.next, until: end, advice: EventLog.verifyAdvice) { location, line throws(LedgerError) in
            let event = try self.event(in: line, at: location)
            return (ChainLine(seq: event.seq, prev: event.prev, batch: event.batch), event)
        } accept: { (location: Location, line: UnsafeBufferPointer<UInt8>, _: ChainLine, event: StoredEvent) throws(LedgerError) -> Bool in
            read.append((location, line.count, event.seq))
            if event.seq > position.skipsThrough {
                try body(event, line)
                given += 1
            }
            return true
        } linked: { _, hash throws(LedgerError) in
            // Lines are linked in the order they were read: the chain goes on after this one.
            let (location, length, seq) = read[linkedCount]
            if seq - 1 > cursor.seq { try vouched(seq - 1) }
            linkedCount += 1
            position.seq = seq
            position.next = ChainStart(segment: location.segment, offset: location.offset + Int64(length) + 1,
                                       line: location.line > 0 ? location.line + 1 : 0, seq: seq, hash: hash)
            if linkedCount == read.count { // keep memory to a chunk's lines
                read.removeAll(keepingCapacity: true)
                linkedCount = 0
            }
        }
        if position.seq > cursor.seq { try vouched(position.seq) }
        return given
    }
}
