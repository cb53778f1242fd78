import Foundation
import Testing

/// Reports through the binary: formats, as-of, reproducibility, output files, damaged ledgers.
@Suite struct ReportTests {
    /// The seed's forum with three people: one on time, one late, one erased.
    func forum(_ dir: String) throws {
        try demoLedger(dir, isPublished: true)
        try given(dir, "import", "-", stdin: """
        {"type":"participant.registered","id":"r1","occurred_at":"2017-11-01T10:00:00+06:00","data":{"participant":"p1","group":"citizen","name":"Әлия Нұрланқызы","sex":"female"}}
        {"type":"participant.registered","id":"r2","occurred_at":"2017-11-01T10:00:00+06:00","data":{"participant":"p2","group":"business","name":"=HYPERLINK(\\"http://x\\")","sex":"male"}}
        {"type":"participant.registered","id":"r3","occurred_at":"2017-11-01T10:00:00+06:00","data":{"participant":"p3","group":"media","name":"Erase Me"}}
        {"type":"rsvp.submitted","id":"s1","occurred_at":"2017-11-29T12:00:00+06:00","data":{"engagement":"forum-2","participant":"p1"}}
        {"type":"rsvp.submitted","id":"s2","occurred_at":"2017-11-29T12:01:00+06:00","data":{"engagement":"forum-2","participant":"p2"}}
        {"type":"rsvp.submitted","id":"s3","occurred_at":"2017-11-20T12:00:00+06:00","data":{"engagement":"forum-2","participant":"p3"}}
        {"type":"attendance.checked_in","id":"c1","occurred_at":"2017-11-30T08:50:00+06:00","data":{"engagement":"forum-2","participant":"p1"}}
        """)
        try given(dir, "forget", "p3")
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func theAttendeeListInJSONHasStableKeysAndTheStamp() throws {
        try withTemporaryDirectory { dir in
            try forum(dir)
            let result = try ledger(dir, "report", "attendees", "--format", "json")
            #expect(result.status == 0, "\(result.stderr)")
            let report = try json(result.stdout)
            #expect(report["report"] as? String == "attendees")
            let stamp = try #require(report["stamp"] as? [String: Any])
            #expect(stamp["first_seq"] as? Int == 1 && stamp["last_seq"] as? Int == 10)
            let verify = try ledger(dir, "verify").stdout
            #expect(verify.contains("sha256 \(stamp["head_sha256"] as? String ?? "?")"))
            let sections = try #require(report["sections"] as? [[String: Any]])
            let rows = try #require(sections.first { $0["id"] as? String == "rows" }?["rows"] as? [[String: Any]])
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["participant"] as? String ?? "", $0) })
            #expect(byID["p1"]?["status"] as? String == "confirmed") // stable codes in JSON, whatever --lang
            #expect(byID["p2"]?["status"] as? String == "late")
            #expect(byID["p3"]?["name"] as? String == "Erased")
            #expect(byID["p1"]?["attended"] as? Bool == true)
        }
    }

    @Test func theSameEventsGiveTheSameBytesAndAsOfReplaysThePast() throws {
        try withTemporaryDirectory { dir in
            try forum(dir)
            let first = try ledger(dir, "report", "attendees", "--format", "html")
            let again = try ledger(dir, "report", "attendees", "--format", "html")
            #expect(first.status == 0 && first.stdout == again.stdout)
            let before = try ledger(dir, "report", "attendees", "--format", "json", "--as-of", "8")
            try given(dir, "append", "attendance.checked_in", "engagement=forum-2", "participant=p2")
            let after = try ledger(dir, "report", "attendees", "--format", "json", "--as-of", "8")
            #expect(after.stdout == before.stdout) // the past does not move when the ledger grows
            let stamp = try #require(try json(after.stdout)["stamp"] as? [String: Any])
            #expect(stamp["last_seq"] as? Int == 8 && stamp["as_of"] as? String == "8")
            let byTime = try ledger(dir, "report", "attendees", "--format", "csv", "--as-of", "2017-11-29T12:00:30+06:00")
            #expect(byTime.status == 0)
            #expect(byTime.stdout.contains("p1") && !byTime.stdout.contains("p2,")) // p2 answered at 12:01
        }
    }

    @Test func csvNeutralisesFormulasAndWritesOwnerOnlyFiles() throws {
        try withTemporaryDirectory { dir in
            try forum(dir)
            let file = dir + "/../attendees-\(UUID().uuidString).csv"
            defer { try? FileManager.default.removeItem(atPath: file) }
            let result = try ledger(dir, "report", "attendees", "--format", "csv", "--output", file)
            #expect(result.status == 0 && result.stdout.isEmpty)
            let csv = try String(contentsOfFile: file, encoding: .utf8)
            #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
            let mode = try #require(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0)
        }
    }

    @Test func everyReportInEveryFormatAndLanguage() throws {
        try withTemporaryDirectory { dir in
            try forum(dir)
            try given(dir, "append", "contest.announced", "contest=quiz", "engagement=forum-2", "kind=quiz", "title=Quiz", "prize=Costa Coffee")
            try given(dir, "append", "proposal.submitted", "proposal=pr-1", "engagement=forum-2", "participant=p1", "theme=parks", "title=Shade")
            for report in ["attendees", "standings", "impact", "proposals"] {
                for format in ["table", "json", "csv", "md", "html"] {
                    for lang in ["en", "kk", "ru"] {
                        let result = try ledger(dir, "report", report, "--format", format, "--lang", lang)
                        #expect(result.status == 0 && !result.stdout.isEmpty && result.stderr.isEmpty, "\(report) \(format) \(lang): \(result.stderr)")
                    }
                }
            }
            #expect(try ledger(dir, "report", "attendees", "--lang", "kk").stdout.hasPrefix("Қатысушылар"))
            #expect(try ledger(dir, "report", "impact", "--lang", "ru").stdout.hasPrefix("Показатели результатов"))
            let iati = try ledger(dir, "report", "impact", "--format", "iati")
            #expect(iati.status == 0 && iati.stdout.contains("<iati-activities version=\"2.03\""))
        }
    }

    @Test func refusesBadOptionsAndDamagedLedgers() throws {
        try withTemporaryDirectory { dir in
            try forum(dir)
            #expect(try ledger(dir, "report", "attendees", "--format", "pdf").status == 64)
            #expect(try ledger(dir, "report", "attendees", "--contest", "quiz").status == 64)
            #expect(try ledger(dir, "report", "standings", "--format", "iati").status == 64)
            let missing = try ledger(dir, "report", "attendees", "--engagement", "forum-9")
            #expect(missing.status == 65 && missing.stderr == "error: no engagement 'forum-9' in the ledger (there are: forum-2)\n")
            let path = dir + "/segment-000000000001.jsonl"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "Green corridor", with: "Grey corridor").write(toFile: path, atomically: true, encoding: .utf8)
            let damaged = try ledger(dir, "report", "attendees")
            #expect(damaged.status == 1 && damaged.stderr.contains("line 3: prev does not match") && damaged.stdout.isEmpty)
        }
    }
}

/// The impact JSON carries each indicator's value exactly; the other formats round it.
@Suite struct ExactIndicatorValueTests {
    @Test func theJSONCarriesTheExactValueAndTheTableItsRounding() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            for who in ["p1", "p2", "p3"] {
                try given(dir, "append", "participant.registered", "--occurred-at", "2017-11-01T10:00:00+06:00", "participant=\(who)", "group=citizen", "name=N \(who)")
                try given(dir, "append", "proposal.submitted", "--occurred-at", "2017-11-30T11:00:00+06:00", "proposal=pr-\(who)", "engagement=forum-2",
                          "participant=\(who)", "theme=parks", "title=Shade \(who)")
            }
            try given(dir, "append", "proposal.supported", "--occurred-at", "2017-11-30T12:00:00+06:00", "proposal=pr-p1", "participant=p2")
            let json = try ledger(dir, "report", "impact", "--format", "json")
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stdout.contains(#""indicator": "supports_per_proposal", "title": "Supports per proposal", "value": 0.3333333333333333,"#), "\(json.stdout)")
            // The events behind it: the three proposals and the one support.
            #expect(json.stdout.contains(#""undisclosed": null, "events": 4, "definition": "supports, divided by proposals received""#), "\(json.stdout)")
            let csv = try ledger(dir, "report", "impact", "--format", "csv")
            #expect(csv.stdout.contains("supports_per_proposal,Supports per proposal,0.3,"), "\(csv.stdout)")
        }
    }
}
