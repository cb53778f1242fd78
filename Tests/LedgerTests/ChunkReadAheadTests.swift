import Foundation
import Testing
@testable import Ledger

/// Reading chunks ahead (`LineReader.forEachChunk(in:from:readsAhead:prepare:_:)`): the reader
/// sees the same lines, offsets and tail as reading one chunk at a time, each chunk is prepared
/// before its turn and settled exactly once on every path (read through, stopped, thrown, a
/// line too long), and errors come in the file's order.
@Suite struct ChunkReadAheadTests {
    /// Records what happens to each chunk prepared, by the file offset of its first line.
    final class Journal: @unchecked Sendable {
        private let lock = NSLock()
        private var prepared: [Int64] = []
        private var settled: [Int64: Int] = [:]
        func prepare(_ offset: Int64) { lock.withLock { prepared.append(offset) } }
        func settle(_ offset: Int64) { lock.withLock { settled[offset, default: 0] += 1 } }
        var preparedOffsets: [Int64] { lock.withLock { prepared } }
        var settledCounts: [Int64: Int] { lock.withLock { settled } }
    }

    struct Mark: LineReader.ChunkPreparation {
        let offset: Int64
        let journal: Journal
        func settle() { journal.settle(offset) }
    }

    /// A file of `count` lines of varied lengths, some longer than a chunk, and `tail` bytes after the last line feed.
    func file(count: Int, tail: String = "") throws -> (FileDescriptor, [String]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lines: [String] = []
        for k in 0..<count {
            let length = k % 97 == 13 ? LineReader.chunkBytes + 5_000 * (k % 3) : 50 + (k * 7919) % 3_000
            lines.append("\(k):" + String(repeating: Character(UnicodeScalar(UInt8(97 + k % 26))), count: length))
        }
        try Data((lines.joined(separator: "\n") + "\n" + tail).utf8).write(to: directory.appendingPathComponent("lines"))
        let opened = try DirectoryDescriptor.open(directory.path, system: .live)
        return (try opened.open("lines", O_RDONLY), lines)
    }

    func read(_ file: FileDescriptor, readsAhead: Bool, journal: Journal, stopAfter: Int? = nil, failAt: Int? = nil)
        throws(LedgerError) -> (lines: [String], offsets: [Int64], tail: LineReader.Tail) {
        var lines: [String] = [], offsets: [Int64] = []
        let tail = try LineReader.forEachChunk(in: file, readsAhead: readsAhead, prepare: { chunk in
            journal.prepare(chunk.offset(0))
            return Mark(offset: chunk.offset(0), journal: journal)
        }) { chunk, mark throws(LedgerError) in
            #expect(mark.offset == chunk.offset(0))
            for k in 0..<chunk.count {
                if lines.count == failAt { throw .invalidArgument("stop at line \(lines.count)") }
                lines.append(String(decoding: chunk.line(k), as: UTF8.self))
                offsets.append(chunk.offset(k))
                if lines.count == stopAfter { return LineReader.Taken(lines: k + 1, stops: true) }
            }
            return LineReader.Taken(lines: chunk.count, stops: false)
        }
        return (lines, offsets, tail)
    }

    @Test(arguments: [false, true])
    func readingAheadSeesTheSameLinesAndTailAndSettlesEachChunkOnce(readsAhead: Bool) throws {
        let (file, written) = try file(count: 3_000, tail: "half a line")
        let journal = Journal()
        let (lines, offsets, tail) = try read(file, readsAhead: readsAhead, journal: journal)
        #expect(lines == written)
        var offset: Int64 = 0
        var expected: [Int64] = []
        for line in written {
            expected.append(offset)
            offset += Int64(line.utf8.count + 1)
        }
        #expect(offsets == expected)
        #expect(tail == LineReader.Tail(completeEnd: offset, trailingBytes: Int64("half a line".utf8.count)))
        #expect(journal.preparedOffsets.count > 3)
        #expect(journal.settledCounts == Dictionary(uniqueKeysWithValues: journal.preparedOffsets.map { ($0, 1) }))
    }

    @Test(arguments: [false, true])
    func stoppingOrThrowingSettlesTheChunkReadAhead(readsAhead: Bool) throws {
        let (file, written) = try file(count: 3_000)
        let stopped = Journal()
        let (lines, _, tail) = try read(file, readsAhead: readsAhead, journal: stopped, stopAfter: 1_000)
        #expect(lines == Array(written.prefix(1_000)))
        #expect(tail.completeEnd == Int64(written.prefix(1_000).reduce(0) { $0 + $1.utf8.count + 1 }))
        #expect(tail.trailingBytes == 0)
        #expect(stopped.settledCounts == Dictionary(uniqueKeysWithValues: stopped.preparedOffsets.map { ($0, 1) }))
        // Reading ahead prepares the chunk after the one stopped in; reading one at a time does not.
        let thrown = Journal()
        #expect(throws: LedgerError.self) { try read(file, readsAhead: readsAhead, journal: thrown, failAt: 1_000) }
        #expect(thrown.settledCounts == Dictionary(uniqueKeysWithValues: thrown.preparedOffsets.map { ($0, 1) }))
        #expect(readsAhead ? stopped.preparedOffsets.last! > Int64(tail.completeEnd) : stopped.preparedOffsets.last! < Int64(tail.completeEnd))
    }

    @Test func aLineTooLongIsNamedAfterTheLinesBeforeItAreRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let short = (0..<2_000).map { "line \($0) " + String(repeating: "x", count: 600) }
        try Data((short.joined(separator: "\n") + "\n" + String(repeating: "y", count: LineReader.maximumLineBytes + LineReader.chunkBytes + 10) + "\n").utf8)
            .write(to: directory.appendingPathComponent("lines"))
        let file = try DirectoryDescriptor.open(directory.path, system: .live).open("lines", O_RDONLY)
        for readsAhead in [false, true] {
            let journal = Journal()
            var seen = 0
            do {
                try LineReader.forEachChunk(in: file, readsAhead: readsAhead, prepare: { chunk in
                    journal.prepare(chunk.offset(0))
                    return Mark(offset: chunk.offset(0), journal: journal)
                }) { chunk, _ throws(LedgerError) in
                    seen += chunk.count
                    return LineReader.Taken(lines: chunk.count, stops: false)
                }
                Issue.record("a line longer than the limit was read")
            } catch {
                guard case .damaged(_, _, let reason) = error else { Issue.record("\(error)"); continue }
                #expect(reason.contains("longer than"))
            }
            #expect(seen == short.count)
            #expect(journal.settledCounts == Dictionary(uniqueKeysWithValues: journal.preparedOffsets.map { ($0, 1) }))
        }
    }
}
