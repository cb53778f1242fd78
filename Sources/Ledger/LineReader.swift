#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// Reads a file of LF-terminated lines in large chunks, without loading it whole.
struct LineReader {
    /// What follows the last line feed of a file.
    struct Tail: Equatable {
        /// The offset just after the last line feed (the end of the last complete line).
        var completeEnd: Int64
        /// How many bytes follow it: a line still being written, or torn by a crash.
        var trailingBytes: Int64
    }

    /// The longest line read; a longer run without a line feed is damage.
    static let maximumLineBytes = Ledger.maximumReadLineBytes

    static let chunkBytes = 1 << 20

    /// Calls `body` with each complete line (without its line feed) and its offset, from `offset`
    /// on, until `body` returns false or the file ends.
    /// - Returns: where the complete lines end, and how many bytes follow them.
    /// - Throws: `LedgerError.io` on a read error, `.damaged` for a line longer than the limit,
    ///   or whatever `body` throws.
    @discardableResult
    static func forEachLine(in file: FileDescriptor, from offset: Int64 = 0,
                            _ body: (_ offset: Int64, _ line: UnsafeBufferPointer<UInt8>) throws(LedgerError) -> Bool) throws(LedgerError) -> Tail {
        try forEachChunk(in: file, from: offset) { chunk throws(LedgerError) in
            for k in 0..<chunk.count where !(try body(chunk.offset(k), chunk.line(k))) { return Taken(lines: k + 1, stops: true) }
            return Taken(lines: chunk.count, stops: false)
        }
    }

    /// What a chunk's reader did with its lines.
    struct Taken {
        /// How many of the chunk's lines it took (from the first).
        var lines: Int
        /// True when reading stops after them.
        var stops: Bool
    }

    /// The complete lines of one read of a file, valid during the call they are passed to.
    struct Chunk {
        /// The bytes read.
        let bytes: UnsafeBufferPointer<UInt8>
        /// The file offset of `bytes[0]`.
        let fileOffset: Int64
        /// Where each line starts and where its line feed is, in `bytes`.
        let starts: [Int]
        let ends: [Int]

        var count: Int { ends.count }

        /// Line `k` without its line feed.
        func line(_ k: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[starts[k]..<ends[k]])
        }

        /// The file offset where line `k` starts.
        func offset(_ k: Int) -> Int64 { fileOffset + Int64(starts[k]) }

        /// Writes the SHA-256 of lines `range` to `output` (indexed as the lines are), several
        /// lines at once.
        func hash(_ range: Range<Int>, into output: UnsafeMutableBufferPointer<SHA256.Digest>) {
            SHA256.hash(each: Lines(chunk: self, startIndex: range.lowerBound, endIndex: range.upperBound),
                        into: UnsafeMutableBufferPointer(rebasing: output[range]))
        }

        /// Some of a chunk's lines, as byte buffers. A lazily mapped range would do, but would
        /// allocate its closure's context on every call.
        struct Lines: RandomAccessCollection {
            let chunk: Chunk
            let startIndex: Int
            let endIndex: Int

            subscript(k: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(chunk.line(k)) }
        }

    }

    /// What a chunk's reader starts on a chunk before its turn (`forEachChunk(...prepare:_:)`).
    protocol ChunkPreparation {
        /// Ends or waits for whatever work on the chunk is under way elsewhere: afterwards no
        /// other thread touches its bytes. Called once the chunk's turn is over, or when it never comes.
        func settle()
    }

    /// Nothing started ahead.
    struct NothingPrepared: ChunkPreparation {
        func settle() {}
    }

    /// The work on a chunk that needs no other line: each line's SHA-256 and its parse, shared
    /// by whichever threads ask for it, 64 lines at a time. A reader hands this to a helper
    /// thread (`ChunkHelper`), which hashes first and then parses; the reader parses first and
    /// then hashes; each takes what the other has not. What depends on the lines before (seq,
    /// `prev`, the folds) is left to the reader, in order, once both are done.
    final class ChunkWork<Parsed>: @unchecked Sendable, ChunkPreparation {
        let chunk: Chunk
        /// Line `k`'s hash and parse, once `finish()` has returned.
        let hashes: UnsafeMutableBufferPointer<SHA256.Digest>
        /// Line `k`'s parse where `outcomes[k]` is `parsedLine`; its error, under `lock`, where it is `refused`.
        private let parsed: UnsafeMutableBufferPointer<Parsed>
        private let outcomes: UnsafeMutableBufferPointer<UInt8>
        private var failures: [Int: LedgerError] = [:]
        private static var notParsed: UInt8 { 0 }
        private static var parsedLine: UInt8 { 1 }
        private static var refused: UInt8 { 2 }
        /// Dropped once the work is finished or settled: the caller's closure is not kept past either.
        private var parse: ((Int) throws(LedgerError) -> Parsed)?
        private let lock = NSCondition()
        private var nextHash = 0
        private var nextParse = 0
        /// True from when a helper is given the chunk until it is through with it.
        private var isHelped = false

        /// - Parameter parse: reads line `k`; called on any thread, so it must only read (no
        ///   state of the caller's is changed by it).
        init(_ chunk: Chunk, parse: @escaping (Int) throws(LedgerError) -> Parsed) {
            self.chunk = chunk
            self.parse = parse
            hashes = .allocate(capacity: chunk.count)
            parsed = .allocate(capacity: chunk.count)
            outcomes = .allocate(capacity: chunk.count)
            outcomes.initialize(repeating: Self.notParsed)
        }

        deinit {
            for k in 0..<chunk.count where outcomes[k] == Self.parsedLine { (parsed.baseAddress! + k).deinitialize(count: 1) }
            parsed.deallocate()
            outcomes.deallocate()
            hashes.deallocate()
        }

        /// Hands the chunk to `helper`, whose thread takes it up after the chunks handed over
        /// before; this thread may do other work meanwhile. When the helper has no thread (a
        /// limit on memory or processes), `finish()` does all the work.
        func start(on helper: ChunkHelper) {
            lock.lock()
            isHelped = true
            lock.unlock()
            let handed = helper.submit { [self] in
                hashUnclaimed()
                parseUnclaimed()
                lock.lock()
                isHelped = false
                lock.broadcast()
                lock.unlock()
            }
            if !handed {
                lock.lock()
                isHelped = false
                lock.unlock()
            }
        }

        /// Does what is left, then waits for the helper: every hash and parse is then done.
        func finish() {
            parseUnclaimed()
            hashUnclaimed()
            waitForHelper()
        }

        /// Leaves what is not yet claimed undone and waits for the helper's run in hand.
        func settle() {
            lock.lock()
            nextHash = chunk.count
            nextParse = chunk.count
            lock.unlock()
            waitForHelper()
        }

        private func waitForHelper() {
            lock.lock()
            while isHelped { lock.wait() }
            lock.unlock()
            parse = nil
        }

        /// Line `k`'s parse (after `finish()`), copied once.
        func parsedLine(_ k: Int) throws(LedgerError) -> Parsed {
            guard outcomes[k] == Self.parsedLine else {
                lock.lock()
                defer { lock.unlock() }
                throw failures[k]! // invariant: finish() parsed every line
            }
            return parsed[k]
        }

        private func hashUnclaimed() {
            while let run = claim(&nextHash) { chunk.hash(run, into: hashes) }
        }

        private func parseUnclaimed() {
            while let run = claim(&nextParse) {
                for k in run {
                    do throws(LedgerError) {
                        (parsed.baseAddress! + k).initialize(to: try parse!(k)) // invariant: set until finished or settled
                        outcomes[k] = Self.parsedLine
                    } catch {
                        lock.lock()
                        failures[k] = error
                        lock.unlock()
                        outcomes[k] = Self.refused
                    }
                }
            }
        }

        private func claim(_ next: inout Int) -> Range<Int>? {
            lock.lock()
            defer { lock.unlock() }
            guard next < chunk.count else { return nil }
            let run = next..<min(next + 64, chunk.count)
            next = run.upperBound
            return run
        }
    }

    /// One thread that works through the chunks handed to it (`ChunkWork.start(on:)`), in order,
    /// while a reader does what must be done in order. Its thread starts with the first chunk and
    /// ends at `close()`, which every owner calls.
    final class ChunkHelper: @unchecked Sendable { // shared state is under `condition`
        private let condition = NSCondition()
        private var jobs: [(@Sendable () -> Void)?] = []
        private var next = 0
        private var isStarted = false
        private var hasThread = false
        private var isClosing = false
        private var hasExited = false

        init() {}

        /// Runs `job` on the helper's thread after the jobs before it; false when it has no thread.
        func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            if !isStarted {
                isStarted = true
                hasThread = ReadAhead.startThread { [self] in work() }
            }
            guard hasThread, !isClosing else { return false }
            jobs.append(job)
            condition.signal()
            return true
        }

        /// Lets go of `work` on the helper's thread, after the jobs handed over before: what the
        /// helper made for it (most of a chunk's parsed lines) is then freed on the thread that
        /// allocated it, which the allocator does without taking a lock the other thread holds.
        func release(_ work: some AnyObject & Sendable) {
            _ = submit { withExtendedLifetime(work) {} }
        }

        /// Lets the jobs handed over run, then ends the thread and waits for it.
        func close() {
            condition.lock()
            defer { condition.unlock() }
            isClosing = true
            condition.broadcast()
            while hasThread && !hasExited { condition.wait() }
        }

        private func work() {
            condition.lock()
            while true {
                while next == jobs.count && !isClosing { condition.wait() }
                guard next < jobs.count else { break }
                var job = jobs[next]
                jobs[next] = nil
                next += 1
                if next == jobs.count {
                    jobs.removeAll(keepingCapacity: true)
                    next = 0
                }
                condition.unlock()
                job?()
                job = nil // what the job holds is let go on this thread, outside the lock
                condition.lock()
            }
            hasExited = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Calls `body` with the complete lines of each read of about a megabyte, from `offset` on,
    /// until `body` says reading stops (it returns how many lines it took, and whether it stops).
    /// - Returns: where the lines taken end, and how many bytes follow them at the end of the file.
    /// - Throws: `LedgerError.io` on a read error, `.damaged` for a line longer than the limit,
    ///   or whatever `body` throws.
    @discardableResult
    static func forEachChunk(in file: FileDescriptor, from offset: Int64 = 0,
                             _ body: (Chunk) throws(LedgerError) -> Taken) throws(LedgerError) -> Tail {
        try forEachChunk(in: file, from: offset, readsAhead: false, prepare: { _ in NothingPrepared() }) { chunk, _ throws(LedgerError) in
            try body(chunk)
        }
    }

    /// `forEachChunk(in:from:_:)`, with `prepare` called on each chunk before `body` sees it and
    /// its result handed to `body`. When `readsAhead`, the next chunk is read and prepared before
    /// `body` sees this one, so work `prepare` starts on another thread overlaps `body`. Every
    /// preparation is settled (`settle()`) before its chunk's bytes are reused or freed, whether
    /// `body` saw it, stopped before it, or threw. An error reading ahead waits until the chunk
    /// before it is through `body`, so errors come in the file's order.
    @discardableResult
    static func forEachChunk<Prepared: ChunkPreparation>(
        in file: FileDescriptor, from offset: Int64 = 0, readsAhead: Bool, prepare: (Chunk) -> Prepared,
        _ body: (Chunk, Prepared) throws(LedgerError) -> Taken
    ) throws(LedgerError) -> Tail {
        var current = ChunkBuffer(), other = ChunkBuffer()
        defer {
            current.release()
            other.release()
        }
        try current.load(from: file, at: offset, carrying: nil)
        var prepared: Prepared?
        while true {
            guard current.count > 0 else { // only when the file ends without another line feed
                return Tail(completeEnd: current.fileOffset, trailingBytes: Int64(current.filled))
            }
            let chunk = current.chunk
            let mine = prepared ?? prepare(chunk)
            prepared = nil
            var aheadFailure: LedgerError?
            if readsAhead {
                do throws(LedgerError) {
                    try other.load(from: file, at: current.linesEnd, carrying: current)
                    if other.count > 0 { prepared = prepare(other.chunk) }
                } catch {
                    aheadFailure = error
                }
            }
            let taken: Taken
            do throws(LedgerError) {
                defer { mine.settle() }
                taken = try body(chunk, mine)
            } catch {
                prepared?.settle()
                throw error
            }
            let lines = min(max(taken.lines, 0), chunk.count)
            if taken.stops || lines < chunk.count {
                prepared?.settle()
                return Tail(completeEnd: lines > 0 ? chunk.fileOffset + Int64(chunk.ends[lines - 1] + 1) : chunk.fileOffset,
                            trailingBytes: 0)
            }
            if let aheadFailure { throw aheadFailure }
            if !readsAhead { try other.load(from: file, at: current.linesEnd, carrying: current) }
            swap(&current, &other)
        }
    }

    /// The buffer one chunk is read into: bytes from the file, and where its complete lines are.
    private struct ChunkBuffer {
        private var storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunkBytes)
        /// Bytes holding data.
        private(set) var filled = 0
        /// The file offset of the first byte.
        private(set) var fileOffset: Int64 = 0
        private var starts: [Int] = [], ends: [Int] = []

        var count: Int { ends.count }
        /// The file offset just after the last complete line.
        var linesEnd: Int64 { fileOffset + Int64(ends.last.map { $0 + 1 } ?? 0) }
        var chunk: Chunk { Chunk(bytes: UnsafeBufferPointer(rebasing: storage[..<filled]), fileOffset: fileOffset, starts: starts, ends: ends) }

        /// Fills the buffer from `offset`: first the bytes `previous` holds after its last line
        /// (a line it has only part of), then reads until there is a complete line or the file ends.
        mutating func load(from file: FileDescriptor, at offset: Int64, carrying previous: ChunkBuffer?) throws(LedgerError) {
            let carried = previous.map { $0.filled - Int($0.linesEnd - $0.fileOffset) } ?? 0
            filled = 0
            if storage.count > chunkBytes && carried < chunkBytes { resize(to: chunkBytes) }
            if carried > storage.count { resize(to: (carried / chunkBytes + 1) * chunkBytes) }
            if let previous, carried > 0 {
                let from = previous.storage.baseAddress! + (previous.filled - carried)
                storage.baseAddress!.update(from: from, count: carried)
            }
            fileOffset = offset
            filled = carried
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            var scanned = carried // bytes known to hold no line feed: the carried part has none
            while true {
                if filled == storage.count {
                    guard storage.count < maximumLineBytes + chunkBytes else {
                        throw .damaged(file: file.path, line: 0, reason: "a line at byte \(fileOffset) is longer than \(maximumLineBytes) bytes")
                    }
                    resize(to: storage.count + chunkBytes)
                }
                let got: Int
                do throws(SystemError) {
                    got = try file.read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: storage[filled...])), at: fileOffset + Int64(filled))
                } catch {
                    throw .io(error)
                }
                guard got > 0 else { return }
                filled += got
                var lineStart = 0
                let bytes = UnsafeBufferPointer(storage)
                var i = scanned
                while let newline = memchrIndex(bytes, from: i, to: filled) {
                    starts.append(lineStart)
                    ends.append(newline)
                    lineStart = newline + 1
                    i = newline + 1
                }
                scanned = filled
                if !ends.isEmpty { return }
            }
        }

        private mutating func resize(to capacity: Int) {
            let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
            if filled > 0 { larger.baseAddress!.update(from: storage.baseAddress!, count: filled) }
            storage.deallocate()
            storage = larger
        }

        func release() { storage.deallocate() }
    }

    private static func memchrIndex(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + from, 0x0A, to - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The offset just after the last line feed before `size`: where the complete lines end.
    static func completeEnd(of file: FileDescriptor, size: Int64) throws(LedgerError) -> Int64 {
        guard size > 0 else { return 0 }
        let last: [UInt8]
        do {
            last = try file.read(count: 1, at: size - 1)
        } catch {
            throw .io(error)
        }
        return last == [0x0A] ? size : try lastLineStart(in: file, end: size)
    }

    /// The start offset of the line that ends at `end`, reading backwards: the offset after the
    /// line feed before `end - 1`, or 0. `end` is normally just after a line feed.
    static func lastLineStart(in file: FileDescriptor, end: Int64) throws(LedgerError) -> Int64 {
        guard end > 0 else { return 0 }
        var position = end - 1 // the line feed that ends the last line
        var step: Int64 = 4096 // a line is usually a few hundred bytes; longer ones are read in growing steps
        while position > 0 {
            defer { step = min(4 * step, 64 * 1024) }
            let from = max(0, position - step)
            let chunk: [UInt8]
            do {
                chunk = try file.read(count: Int(position - from), at: from)
            } catch {
                throw .io(error)
            }
            if let index = chunk.lastIndex(of: 0x0A) {
                return from + Int64(index) + 1
            }
            position = from
        }
        return 0
    }

    /// The line whose `{"seq":N` prefix gives `seq`: its offset and bytes (without the line
    /// feed), found by reading the file's lines from the start; nil when no line has it.
    static func line(withSeq seq: Int64, in file: FileDescriptor) throws(LedgerError) -> (offset: Int64, bytes: [UInt8])? {
        var found: (Int64, [UInt8])?
        _ = try forEachLine(in: file) { offset, line in
            guard EventLog.seqPrefix(of: line) == seq else { return true }
            found = (offset, Array(line))
            return false
        }
        return found
    }

    /// The last whole line of `file` (a torn tail after it is passed over): where it starts
    /// and its bytes; nil when the file has none.
    static func lastCompleteLine(in file: FileDescriptor) throws(LedgerError) -> (start: Int64, bytes: [UInt8])? {
        let size = try io { () throws(SystemError) in try file.size() }
        return try lastLine(in: file, end: try completeEnd(of: file, size: size))
    }

    /// The line that ends at `end` (just after its line feed): where it starts and its bytes,
    /// without the line feed; nil when `end` is 0.
    static func lastLine(in file: FileDescriptor, end: Int64) throws(LedgerError) -> (start: Int64, bytes: [UInt8])? {
        guard end > 0 else { return nil }
        let start = try lastLineStart(in: file, end: end)
        return try line(in: file, at: start).map { (start, $0) }
    }

    /// The bytes of the line starting at `offset` (without its line feed), or nil when no line feed ends it.
    static func line(in file: FileDescriptor, at offset: Int64) throws(LedgerError) -> [UInt8]? {
        var collected: [UInt8] = []
        var position = offset
        var step = 4096
        while collected.count <= maximumLineBytes {
            defer { step = min(4 * step, 64 * 1024) }
            let chunk: [UInt8]
            do {
                chunk = try file.read(count: step, at: position)
            } catch {
                throw .io(error)
            }
            if chunk.isEmpty { return nil }
            if let newline = chunk.firstIndex(of: 0x0A) {
                collected.append(contentsOf: chunk[..<newline])
                return collected
            }
            collected.append(contentsOf: chunk)
            position += Int64(chunk.count)
        }
        throw .damaged(file: file.path, line: 0, reason: "a line at byte \(offset) is longer than \(maximumLineBytes) bytes")
    }
}
