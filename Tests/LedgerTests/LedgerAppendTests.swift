import Foundation
import Testing
@testable import Ledger

@Suite struct LedgerAppendTests {
    @Test func chainsEachLineToTheOneBefore() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            let first = try ledger.append(project).event
            let second = try ledger.append(forum2).event
            #expect(first.seq == 1 && second.seq == 2)
            #expect(first.prev == .zero)
            #expect(second.prev == SHA256.hash(first.line))
            let lines = try segmentBytes(dir).split(separator: 0x0A).map(Array.init)
            #expect(lines == [first.line, second.line])
            #expect(try Verifier(path: dir).verify().head.hash == SHA256.hash(second.line))
        }
    }

    @Test func keepsPersonalDataOutOfTheEventFiles() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(person("p-1", name: "Нұрлан Әбенов", email: "nurlan@example.kz"))
            let events = String(decoding: try segmentBytes(dir), as: UTF8.self)
            #expect(!events.contains("Нұрлан") && !events.contains("nurlan@"))
            let records = try ledger.personalRecords()
            #expect(records == [PersonalDataStore.Record(seq: 1, participant: "p-1", data: .object([
                ("email", .string("nurlan@example.kz")), ("name", .string("Нұрлан Әбенов"))]))])
            var info = stat()
            #expect(stat(dir + "/personal.jsonl", &info) == 0 && info.st_mode & 0o077 == 0)
        }
    }

    @Test func repeatsAnIdempotentRetryWithoutWriting() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            var retried = project
            retried.id = "script-run-7"
            let first = try ledger.append(retried)
            let before = try snapshot(dir)
            let again = try ledger.append(retried)
            #expect(!first.wasAlreadyPresent && again.wasAlreadyPresent)
            #expect(again.event == first.event)
            #expect(try snapshot(dir) == before)
        }
    }

    @Test func refusesTheSameIDWithOtherContent() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            var a = person("p-1")
            a.id = "desk-1"
            _ = try ledger.append(a)
            var b = person("p-2")
            b.id = "desk-1"
            let before = try snapshot(dir)
            #expect(throws: LedgerError.self) { try ledger.append(b) }
            var c = person("p-1", name: "Другое Имя")
            c.id = "desk-1"
            #expect {
                try ledger.append(c)
            } throws: { error in
                "\(error)".contains("other personal data")
            }
            #expect(try snapshot(dir) == before)
        }
    }

    @Test func findsRetriesAcrossTheWholeHistoryAfterTheIndexIsDeleted() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir, segmentBytes: 1024)
            _ = try ledger.append(project)
            var early = person("p-0")
            early.id = "early"
            let stored = try ledger.append(early).event
            _ = try ledger.importBatch((1...300).map { person("p-\($0)") }, source: "test")
            try FileManager.default.removeItem(atPath: dir + "/index")
            let again = try ledger.append(early)
            #expect(again.wasAlreadyPresent && again.event == stored)
            #expect(try ledger.append(person("p-301")).event.seq == 303)
        }
    }

    @Test func importsAllOrNothing() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            _ = try ledger.append(project)
            let before = try snapshot(dir)
            let batch = [forum2, person("p-1"), event("rsvp.submitted", ["engagement": "forum-2", "participant": "p-1"]),
                         event("rsvp.submitted", ["engagement": "forum-2", "participant": "p-404"])]
            #expect {
                try ledger.importBatch(batch, source: "batch.jsonl")
            } throws: { error in
                "\(error)" == "batch.jsonl line 4: rsvp.submitted: field 'participant' names participant 'p-404', which the ledger has not seen; nothing was imported"
            }
            #expect(try snapshot(dir) == before)
            let result = try ledger.importBatch(Array(batch.dropLast()), source: "batch.jsonl")
            #expect(result.written == 3 && result.seqRange == 2...4)
            #expect(result.events.allSatisfy { $0.batch == StoredEvent.Batch(first: 2, count: 3) })
        }
    }

    @Test func rollsOverSegmentsAtTheConfiguredSize() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir, segmentBytes: 2048)
            _ = try ledger.append(project)
            for k in 1...40 { _ = try ledger.append(person("p-\(k)")) }
            let segments = try LedgerDirectory(path: dir).segments()
            #expect(segments.count > 3)
            for segment in segments {
                let size = try #require(FileManager.default.attributesOfItem(atPath: dir + "/" + segment.name)[.size] as? Int)
                #expect(size <= 2048)
            }
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.events == 41 && report.segments == segments.count)
        }
    }

    @Test func neverRecordsEarlierThanTheLineBefore() throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            ledger.environment = ["SOURCE_DATE_EPOCH": "1512000000"]
            let first = try ledger.append(project).event
            ledger.environment = ["SOURCE_DATE_EPOCH": "1500000000"] // the clock went back
            let second = try ledger.append(forum2).event
            #expect(first.recordedAt == "2017-11-30T00:00:00.000Z")
            #expect(second.recordedAt == first.recordedAt)
            #expect(second.occurredAt == second.recordedAt)
        }
    }
}
