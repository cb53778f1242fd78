import Foundation
import Testing
@testable import Ledger

@Suite struct VerifierTests {
    /// A ledger of 32 events over several segments; returns the segment names.
    func build(_ dir: String) throws -> [String] {
        let ledger = try makeLedger(dir, segmentBytes: 2048)
        _ = try ledger.append(project)
        _ = try ledger.append(forum2)
        for k in 1...30 { _ = try ledger.append(person("p-\(k)")) }
        return try LedgerDirectory(path: dir).segments().map(\.name)
    }

    func lines(_ dir: String, _ name: String) throws -> [[UInt8]] {
        try #require(FileManager.default.contents(atPath: dir + "/" + name)).split(separator: 0x0A).map(Array.init)
    }

    func write(_ dir: String, _ name: String, _ lines: [[UInt8]]) throws {
        try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: dir + "/" + name))
    }

    func damage(_ dir: String, checkpoint: Checkpoint? = nil) throws -> String? {
        try Verifier(path: dir).verify(against: checkpoint).damage.map { "\($0)" }
    }

    @Test func passesAnIntactLedger() throws {
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.tornTail == nil)
            #expect(report.events == 32 && report.segments == segments.count)
        }
    }

    @Test func namesTheLineWhereAByteWasFlipped() throws {
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            var content = try lines(dir, segments[0])
            let at = content[1].firstIndex(of: UInt8(ascii: "f"))! // in "forum-2"
            content[1][at] = UInt8(ascii: "g")
            try write(dir, segments[0], content)
            #expect(try damage(dir)?.hasSuffix("\(segments[0]) line 3: prev does not match the SHA-256 of the line before (that line, or this one, was altered, removed or reordered)") == true)
        }
    }

    @Test(arguments: ["delete", "swap", "duplicate"])
    func catchesLinesRemovedReorderedOrRepeated(change: String) throws {
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            var content = try lines(dir, segments[0])
            switch change {
            case "delete": content.remove(at: 1)
            case "swap": content.swapAt(1, 2)
            default: content.insert(content[1], at: 2)
            }
            try write(dir, segments[0], content)
            let found = try #require(try damage(dir))
            #expect(found.contains("\(segments[0]) line 2") || found.contains("\(segments[0]) line 3"), "\(found)")
        }
    }

    @Test func catchesAnEditWhoseSuccessorWasRelinked() throws {
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            var content = try lines(dir, segments[0])
            var edited = try StoredEvent(line: content[1])
            edited.data = .object([("engagement", .string("forum-2")), ("project", .string("wealmaty")), ("title", .string("Other"))])
            content[1] = edited.line
            var successor = try StoredEvent(line: content[2])
            successor.prev = SHA256.hash(content[1])
            content[2] = successor.line
            try write(dir, segments[0], content)
            #expect(try damage(dir)?.contains("line 4: prev does not match") == true)
        }
    }

    @Test func catchesASegmentRemovedOrRenamed() throws {
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            #expect(segments.count >= 3)
            try FileManager.default.removeItem(atPath: dir + "/" + segments[1])
            #expect(try damage(dir)?.contains("\(segments[2]) line 1") == true)
        }
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            let firstSeq = LedgerDirectory.firstSeq(ofSegment: segments[1])!
            try FileManager.default.moveItem(atPath: dir + "/" + segments[1], toPath: dir + "/" + LedgerDirectory.segmentName(firstSeq: firstSeq + 1))
            #expect(try damage(dir)?.contains("the segment's name says it starts at seq \(firstSeq + 1)") == true)
        }
    }

    @Test func catchesAConsistentRewriteWithAnOlderCheckpoint() throws {
        try withTemporaryDirectory { dir in
            _ = try build(dir)
            let checkpoint = try Verifier(path: dir).verify().head
            // Rewrite the whole history consistently: another ledger with one event changed.
            try FileManager.default.removeItem(atPath: dir)
            let ledger = try makeLedger(dir, segmentBytes: 2048)
            _ = try ledger.append(project)
            _ = try ledger.append(forum2)
            for k in 1...30 { _ = try ledger.append(person(k == 5 ? "p-x" : "p-\(k)")) }
            #expect(try damage(dir) == nil) // the chain alone cannot tell
            #expect(try damage(dir, checkpoint: checkpoint)?.contains("does not match the checkpoint") == true)
        }
    }

    @Test func catchesEventsRemovedFromTheEndWithACheckpoint() throws {
        try withTemporaryDirectory { dir in
            let segments = try build(dir)
            let checkpoint = try Verifier(path: dir).verify().head
            try FileManager.default.removeItem(atPath: dir + "/" + segments.last!)
            #expect(try damage(dir) == nil)
            #expect(try damage(dir, checkpoint: checkpoint)?.contains("before the checkpoint's seq 32: events were removed") == true)
        }
    }

    @Test func readsAndWritesTheCheckpointTextForm() throws {
        let checkpoint = Checkpoint(seq: 12, hash: SHA256.hash(Array("x".utf8)), recordedAt: "2017-11-30T03:00:00.000Z")
        #expect(try Checkpoint(text: checkpoint.description, source: "c") == checkpoint)
        #expect(throws: LedgerError.self) { try Checkpoint(text: "seq: 1\n", source: "c") }
    }
}

@Suite struct VerifierStrayFileTests {
    @Test func catchesAnEmptiedMiddleSegmentAndFilesNamedLikeSegments() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir, segmentBytes: 1024)
            _ = try ledger.append(project)
            for k in 1...8 { _ = try ledger.append(person("p-\(k)")) }
            let segments = try LedgerDirectory(path: dir).segments().map(\.name)
            let middle = dir + "/" + segments[1]
            let saved = try #require(FileManager.default.contents(atPath: middle))
            try Data().write(to: URL(fileURLWithPath: middle))
            #expect(try Verifier(path: dir).verify().damage.map { "\($0)" }?.contains("an empty segment before the last one") == true)
            try saved.write(to: URL(fileURLWithPath: middle))
            let last = dir + "/" + segments.last!
            try FileManager.default.moveItem(atPath: last, toPath: last + ".bak")
            #expect(try Verifier(path: dir).verify().damage.map { "\($0)" }?.contains("a file named like a segment that is not one") == true)
        }
    }
}

@Suite struct VerifierDuplicateIDTests {
    @Test func catchesAnIDUsedTwiceEvenWhenTheChainWasRelinked() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            for k in 1...4 { _ = try ledger.append(person("p-\(k)")) }
            let path = dir + "/segment-000000000001.jsonl"
            var events = try #require(FileManager.default.contents(atPath: path)).split(separator: 0x0A).map { try StoredEvent(line: $0) }
            events[3].id = events[1].id
            var previous = SHA256.Digest.zero
            var bytes: [UInt8] = []
            for k in events.indices {
                events[k].prev = previous
                let line = events[k].line
                previous = SHA256.hash(line)
                bytes += line + [0x0A]
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let damage = try Verifier(path: dir).verify().damage.map { "\($0)" }
            #expect(damage == "\(path) line 4: id '\(events[1].id)' appears twice")
        }
    }
}
