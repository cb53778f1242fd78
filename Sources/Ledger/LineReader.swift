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

    /// The work on a chunk that needs no other line: each line's SHA-256 and its parse, shared
    /// by whichever threads ask for it, 64 lines at a time. A reader hands this to another core,
    /// which hashes first and then parses; the reader parses first and then hashes; each takes
    /// what the other has not. What depends on the lines before (seq, `prev`, the folds) is left
    /// to the reader, in order, once both are done.
    final class ChunkWork<Parsed>: @unchecked Sendable {
        let chunk: Chunk
        /// Line `k`'s hash and parse, once `finish()` has returned.
        let hashes: UnsafeMutableBufferPointer<SHA256.Digest>
        private let parsed: UnsafeMutablePointer<Result<Parsed, LedgerError>>
        /// Dropped once every line is parsed: the caller's closure is not kept past `finish()`.
        private var parse: ((Int) throws(LedgerError) -> Parsed)?
        private let lock = NSCondition()
        private var nextHash = 0
        private var nextParse = 0
        private var isFinished = false
        /// True while the other core's thread works on the chunk.
        private var isHelped = false

        /// - Parameter parse: reads line `k`; called on any thread, so it must only read (no
        ///   state of the caller's is changed by it).
        init(_ chunk: Chunk, parse: @escaping (Int) throws(LedgerError) -> Parsed) {
            self.chunk = chunk
            self.parse = parse
            hashes = .allocate(capacity: chunk.count)
            parsed = .allocate(capacity: chunk.count)
        }

        deinit {
            if isFinished { parsed.deinitialize(count: chunk.count) }
            parsed.deallocate()
            hashes.deallocate()
        }

        /// Starts the other core on the chunk; this thread may do other work meanwhile. When no
        /// thread can be had (a limit on memory or processes), `finish()` does all the work.
        func start() {
            lock.lock()
            isHelped = true
            lock.unlock()
            let started = ReadAhead.startThread { [self] in
                hashUnclaimed()
                parseUnclaimed()
                lock.lock()
                isHelped = false
                lock.broadcast()
                lock.unlock()
            }
            if !started {
                lock.lock()
                isHelped = false
                lock.unlock()
            }
        }

        /// Does what is left, then waits for the other core: every hash and parse is then done.
        func finish() {
            parseUnclaimed()
            hashUnclaimed()
            lock.lock()
            while isHelped { lock.wait() }
            lock.unlock()
            isFinished = true
            parse = nil
        }

        /// Line `k`'s parse (after `finish()`).
        func result(_ k: Int) -> Result<Parsed, LedgerError> { parsed[k] }

        private func hashUnclaimed() {
            while let run = claim(&nextHash) { chunk.hash(run, into: hashes) }
        }

        private func parseUnclaimed() {
            while let run = claim(&nextParse) {
                for k in run {
                    let result: Result<Parsed, LedgerError>
                    do throws(LedgerError) { result = .success(try parse!(k)) } catch { result = .failure(error) } // invariant: set until finish()
                    (parsed + k).initialize(to: result)
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


    /// Calls `body` with the complete lines of each read of about a megabyte, from `offset` on,
    /// until `body` says reading stops (it returns how many lines it took, and whether it stops).
    /// - Returns: where the lines taken end, and how many bytes follow them at the end of the file.
    /// - Throws: `LedgerError.io` on a read error, `.damaged` for a line longer than the limit,
    ///   or whatever `body` throws.
    @discardableResult
    static func forEachChunk(in file: FileDescriptor, from offset: Int64 = 0,
                             _ body: (Chunk) throws(LedgerError) -> Taken) throws(LedgerError) -> Tail {
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        var filled = 0           // bytes of buffer holding data
        var bufferOffset = offset // file offset of buffer[0]
        while true {
            if filled == buffer.count {
                guard buffer.count < maximumLineBytes + chunkBytes else {
                    throw .damaged(file: file.path, line: 0, reason: "a line at byte \(bufferOffset) is longer than \(maximumLineBytes) bytes")
                }
                buffer.append(contentsOf: [UInt8](repeating: 0, count: chunkBytes))
            }
            let got: Int
            let result: Result<Int, SystemError> = buffer.withUnsafeMutableBytes { raw in
                do throws(SystemError) {
                    return .success(try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: bufferOffset + Int64(filled)))
                } catch {
                    return .failure(error)
                }
            }
            do throws(SystemError) { got = try result.get() } catch { throw .io(error) }
            let atEnd = got == 0
            filled += got
            var start = 0
            var keepGoing = true
            try buffer.withUnsafeBufferPointer { all throws(LedgerError) in
                var starts: [Int] = [], ends: [Int] = []
                var i = 0
                while i < filled, let newline = memchrIndex(all, from: i, to: filled) {
                    starts.append(i)
                    ends.append(newline)
                    i = newline + 1
                }
                guard !ends.isEmpty else { return }
                let taken = try body(Chunk(bytes: all, fileOffset: bufferOffset, starts: starts, ends: ends))
                let lines = min(max(taken.lines, 0), ends.count)
                keepGoing = !taken.stops && lines == ends.count
                start = lines > 0 ? ends[lines - 1] + 1 : 0
            }
            if !keepGoing {
                return Tail(completeEnd: bufferOffset + Int64(start), trailingBytes: 0)
            }
            if atEnd {
                return Tail(completeEnd: bufferOffset + Int64(start), trailingBytes: Int64(filled - start))
            }
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { b in
                    let remaining = filled - start
                    if remaining > 0 { b.baseAddress!.update(from: b.baseAddress! + start, count: remaining) }
                }
                filled -= start
                bufferOffset += Int64(start)
                if buffer.count > chunkBytes && filled < chunkBytes { buffer.removeSubrange(chunkBytes...) }
            }
        }
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
        let step: Int64 = 64 * 1024
        while position > 0 {
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

    /// The bytes of the line starting at `offset` (without its line feed), or nil when no line feed ends it.
    static func line(in file: FileDescriptor, at offset: Int64) throws(LedgerError) -> [UInt8]? {
        var collected: [UInt8] = []
        var position = offset
        while collected.count <= maximumLineBytes {
            let chunk: [UInt8]
            do {
                chunk = try file.read(count: 64 * 1024, at: position)
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
