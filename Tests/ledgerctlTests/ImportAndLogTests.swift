import Foundation
import Testing

@Suite struct ImportAndLogTests {
    let batch = """
    {"type":"participant.registered","data":{"participant":"p-1","group":"civil_society","name":"Гүлнар Омарова","sex":"female"},"id":"imp-1"}
    {"type":"participant.registered","data":{"participant":"p-2","group":"business","name":"Oliver Brown"},"id":"imp-2","actor":"csv-import"}

    {"type":"rsvp.submitted","data":{"engagement":"forum-2","participant":"p-1"},"occurred_at":"2017-11-20T10:00:00+06:00","id":"imp-3"}
    {"type":"proposal.submitted","data":{"proposal":"pr-1","engagement":"forum-2","participant":"p-1","theme":"cycle_paths","title":"Велосипед жолы","text":"Бірінші жол\\nекінші жол"},"id":"imp-4"}

    """

    @Test func importsABatchAndPrintsASummary() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let result = try ledger(dir, "import", "-", stdin: batch)
            #expect(result.status == 0)
            #expect(result.stdout == "imported 4 events (seq 3-6)\n")
            let again = try ledger(dir, "import", "-", stdin: batch)
            #expect(again.status == 0 && again.stdout == "imported 0 events; 4 already present\n")
            #expect(try storedIDs(dir).suffix(4) == ["imp-1", "imp-2", "imp-3", "imp-4"])
        }
    }

    @Test func importsNothingWhenOneLineIsBad() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = snapshot(dir)
            let bad = batch + #"{"type":"rsvp.submitted","data":{"engagement":"forum-2","participant":"p-9"}}"# + "\n"
            let file = dir + "/../import-\(UUID().uuidString).jsonl"
            try bad.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try ledger(dir, "import", file)
            #expect(result.status == 65)
            let badLine = batch.filter { $0 == "\n" }.count + 1
            #expect(result.stderr == "error: \(file) line \(badLine): rsvp.submitted: field 'participant' names participant 'p-9', which the ledger has not seen; nothing was imported\n")
            #expect(snapshot(dir) == before)
            let malformed = try ledger(dir, "import", "-", stdin: "{\"type\":\"participant.registered\",\"data\":{\"participant\":\"p-new\",\"group\":\"citizen\",\"name\":\"New\"}}\nnot json\n")
            #expect(malformed.status == 65 && malformed.stderr.hasPrefix("error: standard input line 2: not valid JSON"))
            let forged = try ledger(dir, "import", "-", stdin: #"{"type":"project.defined","data":{},"seq":1}"#)
            #expect(forged.status == 65 && forged.stderr.contains("unknown member 'seq'"))
            #expect(snapshot(dir) == before)
        }
    }

    /// An input line within the limit whose stored line (with its seq, id, times, batch and
    /// `prev`) would pass it is found when the lines are made, after every check: the refusal
    /// still names the input line, and nothing is imported.
    @Test func refusesALineThatWouldBeStoredPastTheLimitNamingItsInputLine() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = snapshot(dir)
            // One character to the validator (a letter and its combining accents), 65 KB of UTF-8.
            let actor = "b" + String(repeating: "\u{301}", count: 32_650)
            let long = #"{"type":"participant.registered","data":{"participant":"p-9","group":"citizen","name":"Long"},"actor":"\#(actor)"}"#
            #expect(long.utf8.count < 65_536)
            let file = dir + "/../import-\(UUID().uuidString).jsonl"
            try (batch + long + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try ledger(dir, "import", file)
            #expect(result.status == 65)
            let longLine = batch.filter { $0 == "\n" }.count + 1
            #expect(result.stderr.hasPrefix("error: \(file) line \(longLine): participant.registered: the stored line would be "))
            #expect(result.stderr.hasSuffix(" bytes; the limit is 65536; nothing was imported\n"))
            #expect(snapshot(dir) == before)
            let fits = try ledger(dir, "import", "-", stdin: batch)
            #expect(fits.status == 0 && fits.stdout == "imported 4 events (seq 3-6)\n")
        }
    }

    @Test func logFiltersAndPrintsStoredLinesOrASafeTable() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "import", "-", stdin: batch)
            let stored = try ledger(dir, "log", "--json")
            let files = try String(contentsOfFile: dir + "/segment-000000000001.jsonl", encoding: .utf8)
            #expect(stored.stdout == files)
            let since = try ledger(dir, "log", "--json", "--since", "4", "--limit", "1")
            #expect(since.stdout.hasPrefix(#"{"seq":5,"#) && since.stdout.split(separator: "\n").count == 1)
            let typed = try ledger(dir, "log", "--type", "participant.registered")
            #expect(typed.stdout.split(separator: "\n").count == 3) // header and two rows
            let prefixed = try ledger(dir, "log", "--json", "--type", "rsvp.")
            #expect(prefixed.stdout.split(separator: "\n").count == 1)
            let table = try ledger(dir, "log", "--type", "proposal.submitted")
            #expect(table.stdout.contains("Бірінші жол\\u{A}екінші"))
            #expect(table.stdout.split(separator: "\n").count == 2) // the line break stayed inside its cell
        }
    }
}
