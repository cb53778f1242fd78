import Foundation
import Testing
@testable import Ledger

@Suite struct RecoveryTests {
    /// A ledger of a few events, and the bytes of its only segment.
    func ledgerWithEvents(_ dir: String) throws -> (Ledger, [UInt8]) {
        let ledger = try makeLedger(dir)
        _ = try ledger.append(project)
        _ = try ledger.append(forum2)
        _ = try ledger.append(person("p-1"))
        return (ledger, try segmentBytes(dir))
    }

    @Test func quarantinesALastLineTornAtEveryByteOffset() throws {
        try withTemporaryDirectory { dir in
            let (_, intact) = try ledgerWithEvents(dir)
            let lastStart = intact.dropLast().lastIndex(of: 0x0A)! + 1
            let segment = dir + "/segment-000000000001.jsonl"
            for cut in lastStart..<(intact.count - 1) { // every torn length but the whole line
                try Data(intact[..<cut]).write(to: URL(fileURLWithPath: segment))
                try? FileManager.default.removeItem(atPath: dir + "/quarantine")
                let torn = try Verifier(path: dir).verify()
                #expect(torn.damage == nil && torn.events == 2, "cut \(cut)")
                #expect((torn.tornTail != nil) == (cut > lastStart), "cut \(cut)")
                let ledger = try Ledger(path: dir)
                var warnings: [String] = []
                ledger.warningHandler = { warnings.append($0) }
                let appended = try ledger.append(person("p-1")).event
                #expect(appended.seq == 3, "cut \(cut)")
                #expect(warnings.contains { $0.contains("torn tail") } == (cut > lastStart), "cut \(cut)")
                if cut > lastStart {
                    let moved = try FileManager.default.contentsOfDirectory(atPath: dir + "/quarantine")
                    #expect(moved.count == 1)
                    #expect(FileManager.default.contents(atPath: dir + "/quarantine/" + moved[0]) == Data(intact[lastStart..<cut]))
                }
                let report = try Verifier(path: dir).verify()
                #expect(report.damage == nil && report.tornTail == nil && report.events == 3, "cut \(cut)")
            }
        }
    }

    @Test func quarantinesAZeroFilledTail() throws {
        try withTemporaryDirectory { dir in
            let (ledger, intact) = try ledgerWithEvents(dir)
            try Data(intact + [UInt8](repeating: 0, count: 4096)).write(to: URL(fileURLWithPath: dir + "/segment-000000000001.jsonl"))
            #expect(try Verifier(path: dir).verify().tornTail?.contains("4096 bytes") == true)
            #expect(try ledger.append(person("p-2")).event.seq == 4)
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.events == 4)
        }
    }

    @Test func quarantinesAnImportBatchThatStoppedHalfWay() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir, segmentBytes: 1024)
            _ = try ledger.append(project)
            let before = try segmentBytes(dir)
            let segmentsBefore = try LedgerDirectory(path: dir).segments()
            _ = try ledger.importBatch((1...20).map { person("p-\($0)") }, source: "test")
            #expect(try LedgerDirectory(path: dir).segments().count > segmentsBefore.count) // the batch spans segments
            // Keep the batch's first 12 complete lines only, as if the writer died.
            let all = try segmentBytes(dir)
            var cut = before.count
            for _ in 0..<12 { cut = all[cut...].firstIndex(of: 0x0A)! + 1 }
            for segment in try LedgerDirectory(path: dir).segments() { try FileManager.default.removeItem(atPath: dir + "/" + segment.name) }
            var offset = 0
            var seq: Int64 = 1
            var pieces: [(name: String, bytes: [UInt8])] = []
            for line in all[..<cut].split(separator: 0x0A) {
                let bytes = Array(line) + [0x0A]
                if pieces.isEmpty || offset + bytes.count > 1024 {
                    pieces.append((LedgerDirectory.segmentName(firstSeq: seq), []))
                    offset = 0
                }
                pieces[pieces.count - 1].bytes += bytes
                offset += bytes.count
                seq += 1
            }
            for piece in pieces { try Data(piece.bytes).write(to: URL(fileURLWithPath: dir + "/" + piece.name)) }
            let torn = try Verifier(path: dir).verify()
            #expect(torn.damage == nil && torn.events == 1)
            #expect(torn.tornTail?.contains("import batch from seq 2") == true)
            let next = try Ledger(path: dir)
            #expect(try next.append(person("p-99")).event.seq == 2)
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.events == 2)
            #expect(try segmentBytes(dir).starts(with: before))
        }
    }

    @Test func removesASegmentCreatedByAWriterThatDiedBeforeItsFirstLine() throws {
        try withTemporaryDirectory { dir in
            let (ledger, _) = try ledgerWithEvents(dir)
            _ = FileManager.default.createFile(atPath: dir + "/" + LedgerDirectory.segmentName(firstSeq: 4), contents: Data())
            #expect(try ledger.append(person("p-2")).event.seq == 4)
            #expect(try Verifier(path: dir).verify().damage == nil)
        }
    }

    @Test func dropsPersonalDataOfAnAppendThatNeverReachedTheLog() throws {
        try withTemporaryDirectory { dir in
            let (ledger, _) = try ledgerWithEvents(dir)
            let store = dir + "/personal.jsonl"
            var bytes = try #require(FileManager.default.contents(atPath: store))
            bytes.append(Data(#"{"seq":4,"participant":"p-2","data":{"name":"Orphan Name"}}"#.utf8 + [0x0A]))
            bytes.append(Data(#"{"seq":5,"partic"#.utf8))
            try bytes.write(to: URL(fileURLWithPath: store))
            _ = try ledger.append(forumCheckIn)
            let text = String(decoding: try #require(FileManager.default.contents(atPath: store)), as: UTF8.self)
            #expect(!text.contains("Orphan Name") && !text.contains("partic\""))
            #expect(try ledger.personalRecords().map(\.seq) == [3])
        }
    }

    let forumCheckIn = event("attendance.checked_in", ["engagement": "forum-2", "participant": "p-1"])

    @Test func refusesToWriteAfterALastLineThatIsNotAnEvent() throws {
        try withTemporaryDirectory { dir in
            let (ledger, intact) = try ledgerWithEvents(dir)
            try Data(intact + Array("garbage\n".utf8)).write(to: URL(fileURLWithPath: dir + "/segment-000000000001.jsonl"))
            let before = try snapshot(dir)
            #expect {
                try ledger.append(person("p-2"))
            } throws: { error in
                guard case .damaged = error as? LedgerError else { return false }
                return true
            }
            #expect(try snapshot(dir) == before)
        }
    }
}

@Suite struct RecoveryInterruptedTests {
    /// A repair that died between cutting the segment where a batch began and removing the
    /// segments after it (the order of an earlier version) is repaired by the next writer.
    @Test func finishesARepairThatDiedHalfWay() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir, segmentBytes: 1024)
            _ = try ledger.append(project)
            _ = try ledger.importBatch((1...20).map { person("p-\($0)") }, source: "test")
            let segments = try LedgerDirectory(path: dir).segments()
            #expect(segments.count >= 3)
            // The batch began in the first segment, after the project line: cut it there, keep the next segment only.
            let first = dir + "/" + segments[0].name
            let bytes = try #require(FileManager.default.contents(atPath: first))
            let projectLine = bytes.firstIndex(of: 0x0A)! + 1
            try Data(bytes.prefix(projectLine)).write(to: URL(fileURLWithPath: first))
            for later in segments.dropFirst(2) { try FileManager.default.removeItem(atPath: dir + "/" + later.name) }
            let next = try Ledger(path: dir)
            var warnings: [String] = []
            next.warningHandler = { warnings.append($0) }
            #expect(try next.append(person("p-after")).event.seq == 2)
            #expect(warnings.contains { $0.contains("torn tail") })
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.tornTail == nil && report.events == 2)
        }
    }
}

@Suite struct IndexRecoveryTests {
    /// Writers killed between writing index slots and the index header leave its count behind;
    /// the next writer counts again, so the table grows instead of filling up.
    @Test func anIndexWhoseCountFellBehindIsCountedAgain() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            // Six times: the header forgets every slot (count 0) and claims to stop one event short;
            // without a recount the table would fill up, and a lookup would never end.
            for round in 0..<6 {
                _ = try ledger.importBatch((1...300).map { person("r\(round)-\($0)") }, source: "test")
                let lines = try LedgerDirectory(path: dir).segments().flatMap { segment in
                    try #require(FileManager.default.contents(atPath: dir + "/" + segment.name)).split(separator: 0x0A)
                }
                let path = dir + "/index/keys"
                var header = try #require(FileManager.default.contents(atPath: path))
                let claimed = Int64(lines.count - 1)
                for k in 0..<8 { header[16 + k] = 0 }
                for k in 0..<8 { header[24 + k] = UInt8(truncatingIfNeeded: claimed >> (8 * Int64(k))) }
                let hash = SHA256.hash(Array(lines[lines.count - 2])).bytes
                for k in 0..<32 { header[32 + k] = hash[k] }
                try header.write(to: URL(fileURLWithPath: path))
            }
            #expect(try ledger.append(person("last")).event.seq == 1802)
            #expect(throws: LedgerError.self) { try ledger.append(person("r0-1")) } // still known: no duplicate registration
        }
    }
}
