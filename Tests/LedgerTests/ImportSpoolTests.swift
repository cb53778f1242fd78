import Foundation
import Testing
@testable import Ledger

/// An import keeps each accepted event in its spool as the JSON text it will be written with,
/// and makes the stored lines from that text in its second pass, without parsing it again. The
/// lines and personal records so made must be exactly those that `StoredEvent.line` and
/// `PersonalDataStore.Record.line` write for the same events.
@Suite struct ImportSpoolTests {
    static let awkward = "Айгүл \"Ә\" \\ ⟨x⟩ 🙂 /"

    /// A batch of `count` events: people with awkward names, some with e-mail (personal data),
    /// some with an actor, some without `occurred_at`, some without an id.
    static func batch(_ count: Int) -> [NewEvent] {
        var events = [project, forum2]
        for k in 0..<(count - 2) {
            var registration = person("p-\(k)", name: k % 3 == 0 ? awkward : "Нұрлан \(k)", email: k % 4 == 0 ? "p\(k)@example.kz" : nil)
            if k % 5 != 1 { registration.id = "reg-\(k)" }
            if k % 2 == 0 { registration.occurredAt = "2017-11-2\(k % 9)T10:00:00+06:00" }
            if k % 7 == 3 { registration.actor = k % 2 == 0 ? "desk \"1\" \\ Алматы" : "scripts/import.sh" }
            events.append(registration)
        }
        return events
    }

    @Test(arguments: [3, 40, 5_000]) // 5,000: the second pass runs on two threads
    func importedLinesAreTheLinesOfTheEventsWrittenWhole(count: Int) throws {
        try withTemporaryDirectory { path in
            let ledger = try makeLedger(path)
            let input = Self.batch(count)
            let result = try ledger.importBatch(input, source: "batch.jsonl")
            #expect(result.written == count)
            let text = try segmentBytes(path)
            let lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == count)
            for (k, line) in lines.enumerated() {
                let stored = try StoredEvent(line: line)
                #expect(stored.line == Array(line))
                #expect(stored == result.events[k])
                let given = input[k]
                #expect(stored.type == given.type)
                #expect(stored.actor == given.actor)
                #expect(stored.occurredAt == given.occurredAt ?? stored.recordedAt)
                if let id = given.id { #expect(stored.id == id) }
                #expect(stored.data["name"] == nil) // personal
                #expect(stored.data["participant"] == given.data["participant"])
            }
            let personal = FileManager.default.contents(atPath: path + "/personal.jsonl") ?? Data()
            let records = Array(personal).split(separator: 0x0A)
            #expect(records.count == count - 2)
            for (k, line) in records.enumerated() {
                let record = try #require(PersonalDataStore.Record(line: line))
                #expect(record.line == Array(line))
                #expect(record.seq == Int64(k) + 3)
                #expect(record.participant == "p-\(k)")
                #expect(record.data["name"] == input[k + 2].data["name"])
                #expect(record.data["email"] == input[k + 2].data["email"])
            }
        }
    }

    @Test(arguments: ["group", "name"]) // public data, personal data
    func aRepeatInTheBatchIsComparedWithTheSpooledEvent(changing field: String) throws {
        try withTemporaryDirectory { path in
            let ledger = try makeLedger(path)
            let input = Self.batch(10)
            let repeated = input[4]
            #expect(repeated.id == "reg-2")
            var changed = repeated
            changed.data = .object(repeated.data.objectMembers!.map { member in
                (key: member.key, value: member.key == field ? .string("expert") : member.value)
            })
            func ledgerFiles() throws -> [String: Data] { try snapshot(path).filter { !$0.key.hasPrefix("index") } } // the index is derived
            let before = try ledgerFiles()
            #expect {
                try ledger.importBatch(input + [changed], source: "batch.jsonl")
            } throws: { error in
                "\(error)".contains("line 11") && "\(error)".contains("it comes earlier in the batch with other content")
            }
            #expect(try ledgerFiles() == before)
            let result = try ledger.importBatch(input + [repeated], source: "batch.jsonl")
            #expect(result.written == 10)
            #expect(result.alreadyPresent == 1)
            #expect(result.events[10] == result.events[4])
        }
    }

    /// A line that would be stored longer than the limit is found when the lines are made, in
    /// the second pass: the refusal still names its input line, and nothing is imported.
    @Test(arguments: [2, 40, 4_990]) // the first pass's first events, and past the threaded second pass's first batches
    func aStoredLineOverTheLimitIsRefusedWithItsInputLine(position: Int) throws {
        try withTemporaryDirectory { dir in
            let ledger = try makeLedger(dir)
            var input = Self.batch(5_000)
            // One character to the validator (a letter and its combining accents), 66 KB of UTF-8.
            input[position].actor = "b" + String(repeating: "\u{301}", count: 33_000)
            let before = try snapshot(dir).filter { !$0.key.hasPrefix("index") }
            #expect {
                try ledger.importBatch(input, source: "batch.jsonl")
            } throws: { error in
                "\(error)".hasPrefix("batch.jsonl line \(position + 1): participant.registered: the stored line would be ")
                    && "\(error)".hasSuffix("; nothing was imported")
            }
            #expect(try snapshot(dir).filter { !$0.key.hasPrefix("index") } == before)
            input[position].actor = "desk"
            #expect(try ledger.importBatch(input, source: "batch.jsonl").written == 5_000)
        }
    }
}
