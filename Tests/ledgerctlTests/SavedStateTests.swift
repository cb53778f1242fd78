import Foundation
import Testing

/// Reports save their fold's state in `DIR/index/` (`impact.state`, `attendees-….state`, ...)
/// and later fold only the events after it; what they report must be what a replay from the
/// first event reports.
@Suite struct SavedStateTests {
    /// The demo's project and forum, 700 people registered and answering: 1,402 events.
    func ledgerWithState(_ dir: String) throws {
        try demoLedger(dir)
        var lines: [String] = []
        for k in 1...700 {
            lines.append(#"{"type":"participant.registered","occurred_at":"2017-11-0\#(1 + k % 9)T10:00:00+06:00","data":{"participant":"p\#(k)","group":"\#(["citizen", "business", "media"][k % 3])","name":"N \#(k)","sex":"\#(["female", "male"][k % 2])"}}"#)
            lines.append(#"{"type":"rsvp.submitted","occurred_at":"2017-11-2\#(k % 9)T12:00:00+06:00","data":{"engagement":"forum-2","participant":"p\#(k)","response":"\#(k % 5 == 0 ? "declined" : "accepted")"}}"#)
        }
        try given(dir, "import", "-", stdin: lines.joined(separator: "\n") + "\n")
    }

    func statePath(_ dir: String) -> String { dir + "/index/impact.state" }

    func impact(_ dir: String, _ extra: String...) throws -> String {
        let result = try Ledgerctl.run(["--dir", dir, "report", "impact", "--format", "json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func aReportAfterNewEventsFromTheSavedStateIsTheReportOfAFullReplay() throws {
        try withTemporaryDirectory { dir in
            try ledgerWithState(dir)
            let first = try impact(dir)
            let mode = try #require(FileManager.default.attributesOfItem(atPath: statePath(dir))[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            let saved = try Data(contentsOf: URL(fileURLWithPath: statePath(dir)))
            #expect(try impact(dir) == first)
            try given(dir, "append", "attendance.checked_in", "engagement=forum-2", "participant=p7")
            try given(dir, "append", "participant.updated", "participant=p8", "group=academia")
            try given(dir, "append", "rsvp.cancelled", "engagement=forum-2", "participant=p8")
            let incremental = try impact(dir)
            // Three events past the saved state: it is not saved again (only 1,000 events past it are).
            #expect(try Data(contentsOf: URL(fileURLWithPath: statePath(dir))) == saved)
            #expect(incremental != first)
            #expect(incremental == (try impact(dir, "--fresh")))
            let stamp = try #require((try JSONSerialization.jsonObject(with: Data(incremental.utf8)) as? [String: Any])?["stamp"] as? [String: Any])
            #expect(stamp["first_seq"] as? Int == 1 && stamp["last_seq"] as? Int == 1405 && stamp["events_included"] as? Int == 1405)
        }
    }

    /// Every report, whole and of one engagement or contest, on the demo ledger (1,340 events:
    /// each report saves its state): from its saved state it is byte for byte the report of a
    /// replay from the first event, after new events, after `forget`, with a damaged state, and
    /// with another scope's state put in its place.
    @Test(arguments: [["attendees", "--engagement", "forum-1"], ["attendees", "--engagement", "forum-2"],
                      ["standings", "--contest", "photo-2"], ["standings", "--contest", "quiz-2"],
                      ["impact"], ["impact", "--engagement", "forum-2"], ["proposals"]])
    func everyReportFromItsSavedStateIsTheReportOfAFullReplay(report: [String]) throws {
        try withTemporaryDirectory { temporary in
            let dir = temporary + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            try? FileManager.default.removeItem(atPath: dir + "/index")
            func run(_ format: String, _ extra: [String] = []) throws -> String {
                let result = try Ledgerctl.run(["--dir", dir, "report"] + report + ["--format", format] + extra)
                #expect(result.status == 0, "\(report) \(format): \(result.stderr)")
                return result.stdout
            }
            func states() throws -> [String] {
                (try? FileManager.default.contentsOfDirectory(atPath: dir + "/index"))?.filter { $0.hasSuffix(".state") }.sorted() ?? []
            }
            func matchesAFullReplay(_ when: String) throws {
                for format in ["json", "html", "table"] {
                    #expect(try run(format) == (try run(format, ["--fresh"])), "\(report) \(format) \(when)")
                }
            }
            let first = try run("json")
            let saved = try #require(try states().first, "\(report) saved no state")
            #expect(try states().count == 1)
            #expect(try run("json") == first)
            try matchesAFullReplay("from the state it saved")

            // New events of every kind the reports fold, past the saved line.
            try given(dir, "append", "participant.registered", "participant=p-new", "group=media", "name=Жаңа Адам", "district=medeu")
            try given(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=p-new", "response=accepted")
            try given(dir, "append", "attendance.checked_in", "engagement=forum-2", "participant=p-new")
            try given(dir, "append", "participant.updated", "participant=p0008", "group=academia")
            try given(dir, "append", "jury.score.recorded", "contest=photo-2", "entry=e02", "juror=jury-akimat", "criterion=idea", "score:=10")
            try given(dir, "append", "quiz.answer.submitted", "contest=quiz-2", "question=q1", "participant=p-new", "answer=a bus lane",
                      "--occurred-at", "2017-11-30T11:30:00+06:00")
            try given(dir, "append", "proposal.status.changed", "proposal=pr-003", "status=accepted", "note=taken up")
            #expect(try run("json") != first || report == ["attendees", "--engagement", "forum-1"])
            try matchesAFullReplay("after new events")

            // After forget: names go, the erasure is folded from the state on.
            try given(dir, "forget", "p0008")
            try matchesAFullReplay("after forget")

            // A damaged state is not used.
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/index/" + saved)))
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/index/" + saved))
            try matchesAFullReplay("with a damaged state")
        }
    }

    /// On a generated ledger (Benchmarks/generate.py: three forums, each with its quiz and photo
    /// contest), every report from its saved state equals a full replay, after a second import
    /// and after `forget`.
    @Test func everyReportFromItsSavedStateOnAGeneratedLedger() throws {
        try withTemporaryDirectory { temporary in
            let generator = Process()
            generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            generator.arguments = ["python3", AuditScriptTests.repository + "/Benchmarks/generate.py", "--events", "14000", "--chunk", "9000",
                                   "--out", temporary + "/input"]
            generator.standardOutput = FileHandle.nullDevice
            try generator.run()
            generator.waitUntilExit()
            #expect(generator.terminationStatus == 0)
            let chunks = try FileManager.default.contentsOfDirectory(atPath: temporary + "/input").sorted().map { temporary + "/input/" + $0 }
            #expect(chunks.count == 2)
            let dir = temporary + "/ledger"
            try given(dir, "init")
            try given(dir, "import", chunks[0])
            let reports = [["attendees", "--engagement", "forum-2"], ["standings", "--contest", "photo-2"], ["standings", "--contest", "quiz-2"],
                           ["impact"], ["impact", "--engagement", "forum-1"], ["proposals"]]
            func run(_ report: [String], _ extra: [String] = []) throws -> String {
                let result = try Ledgerctl.run(["--dir", dir, "report"] + report + ["--format", "json"] + extra)
                #expect(result.status == 0, "\(report): \(result.stderr)")
                return result.stdout
            }
            for report in reports { _ = try run(report) }
            let saved = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/index")) ?? []).filter { $0.hasSuffix(".state") }
            #expect(saved.count == reports.count - 1, "\(saved)") // impact's fold is the whole ledger's, whatever the scope shown
            try given(dir, "import", chunks[1])
            for report in reports { #expect(try run(report) == (try run(report, ["--fresh"])), "\(report) after an import") }
            let someone = try #require(try String(contentsOfFile: dir + "/personal.jsonl", encoding: .utf8)
                .components(separatedBy: "\"participant\":\"").dropFirst(5).first?.prefix { $0 != "\"" })
            try given(dir, "forget", String(someone))
            for report in reports { #expect(try run(report) == (try run(report, ["--fresh"])), "\(report) after forget") }
        }
    }

    /// A report refused because the ledger holds several engagements or contests (it asks which)
    /// leaves the directory as it was: no state is saved for a fold no report is made of.
    @Test(arguments: [["attendees"], ["standings"]])
    func aReportThatAsksWhichOneSavesNoState(report: [String]) throws {
        try withTemporaryDirectory { temporary in
            let dir = temporary + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            _ = try Ledgerctl.run(["--dir", dir, "verify"]) // any index a reader makes, made before the snapshot
            let before = snapshot(dir)
            let result = try Ledgerctl.run(["--dir", dir, "report"] + report)
            #expect(result.status != 0)
            #expect(result.stderr.contains(report == ["attendees"] ? "--engagement" : "--contest"), "\(result.stderr)")
            #expect(snapshot(dir) == before)
            #expect(try Ledgerctl.run(["--dir", dir, "report"] + report + (report == ["attendees"] ? ["--engagement", "forum-2"] : ["--contest", "photo-2"])).status == 0)
        }
    }

    /// A state saved for one engagement or contest, put in the place of another's, is not read
    /// as that one's (the state records its scope).
    @Test func aStateOfAnotherScopeIsNotUsed() throws {
        try withTemporaryDirectory { temporary in
            let dir = temporary + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            try? FileManager.default.removeItem(atPath: dir + "/index")
            for (kind, option, one, other) in [("attendees", "--engagement", "forum-1", "forum-2"), ("standings", "--contest", "photo-2", "quiz-2")] {
                let before = Set((try? FileManager.default.contentsOfDirectory(atPath: dir + "/index")) ?? [])
                let report = try ledger(dir, "report", kind, option, one, "--format", "json").stdout
                let oneState = try #require(Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/index")).subtracting(before).first)
                _ = try ledger(dir, "report", kind, option, other, "--format", "json")
                let otherState = try #require(Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/index")).subtracting(before).subtracting([oneState]).first)
                try FileManager.default.removeItem(atPath: dir + "/index/" + otherState)
                try FileManager.default.copyItem(atPath: dir + "/index/" + oneState, toPath: dir + "/index/" + otherState)
                let shown = try ledger(dir, "report", kind, option, other, "--format", "json").stdout
                #expect(shown == (try ledger(dir, "report", kind, option, other, "--format", "json", "--fresh").stdout))
                #expect(shown != report)
            }
        }
    }

    /// A report of an engagement or contest the ledger does not have is refused, and saves no
    /// state: a mistyped id does not leave a file in `index/`.
    @Test func aRefusedScopeSavesNoState() throws {
        try withTemporaryDirectory { temporary in
            let dir = temporary + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            try? FileManager.default.removeItem(atPath: dir + "/index")
            for arguments in [["attendees", "--engagement", "nope"], ["attendees", "--engagement", "../x"], ["standings", "--contest", "nope"]] {
                let result = try Ledgerctl.run(["--dir", dir, "report"] + arguments)
                #expect(result.status == 65, "\(arguments): \(result.stderr)")
            }
            let states = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/index")) ?? []).filter { $0.hasSuffix(".state") }
            #expect(states.isEmpty, "\(states)")
        }
    }

    @Test func aDamagedOrForeignStateIsNotUsed() throws {
        try withTemporaryDirectory { dir in
            try ledgerWithState(dir)
            _ = try impact(dir)
            // Damaged: one byte in the middle flipped; the report replays from the first event.
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: statePath(dir))))
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: statePath(dir)))
            try given(dir, "append", "attendance.checked_in", "engagement=forum-2", "participant=p3")
            #expect(try impact(dir) == (try impact(dir, "--fresh")))

            // Another ledger's state (saved at a line this ledger does not have) is not used either.
            try withTemporaryDirectory { other in
                try ledgerWithState(other)
                try given(other, "append", "attendance.checked_in", "engagement=forum-2", "participant=p9")
                _ = try impact(other, "--fresh")
                try FileManager.default.removeItem(atPath: statePath(dir))
                try FileManager.default.copyItem(atPath: statePath(other), toPath: statePath(dir))
                let report = try impact(dir)
                #expect(report == (try impact(dir, "--fresh")))
                #expect(report != (try impact(other)))
            }
        }
    }

    @Test func aChangedSavedLineSendsTheReportBackToTheFirstEventWhichNamesTheDamage() throws {
        try withTemporaryDirectory { dir in
            try ledgerWithState(dir)
            _ = try impact(dir)
            try given(dir, "append", "attendance.checked_in", "engagement=forum-2", "participant=p3")
            // The saved line (the last of the import) is edited: the state no longer describes this ledger.
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted().last)
            try HardeningTests.edit(dir + "/" + segment) { text in
                var lines = text.split(separator: "\n").map(String.init)
                lines[lines.count - 2] = lines[lines.count - 2].replacingOccurrences(of: "\"declined\"", with: "\"accepted\"")
                    .replacingOccurrences(of: "\"p700\"", with: "\"p699\"")
                return lines.joined(separator: "\n") + "\n"
            }
            let result = try ledger(dir, "report", "impact")
            #expect(result.status == 1)
            #expect(result.stderr.contains("line 1403") && result.stderr.contains("prev does not match"), "\(result.stderr)")
        }
    }

    @Test func reportsAsOfAnEarlierPointNeitherReadNorWriteTheState() throws {
        try withTemporaryDirectory { dir in
            try ledgerWithState(dir)
            let asOf = try impact(dir, "--as-of", "800")
            #expect(!FileManager.default.fileExists(atPath: statePath(dir)))
            _ = try impact(dir)
            #expect(FileManager.default.fileExists(atPath: statePath(dir)))
            #expect(try impact(dir, "--as-of", "800") == asOf)
        }
    }

    /// Readers stop exactly where they are told, also when that is the last line of a segment
    /// (a chunk's end): `--as-of` that seq folds nothing after it, `log --limit` shows no more.
    @Test func readersStopAtTheLastLineOfASegment() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir, segmentSize: "1K")
            for k in 1...6 { try given(dir, "append", "participant.registered", "participant=p\(k)", "group=citizen", "name=N \(k)") }
            let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
            #expect(segments.count >= 2)
            let first = try String(contentsOfFile: dir + "/" + segments[0], encoding: .utf8).split(separator: "\n").count
            let stamp = try #require((try JSONSerialization.jsonObject(with: Data(try impact(dir, "--as-of", String(first)).utf8)) as? [String: Any])?["stamp"] as? [String: Any])
            #expect(stamp["last_seq"] as? Int == first)
            let log = try ledger(dir, "log", "--json", "--limit", String(first))
            #expect(log.stdout.split(separator: "\n").count == first)
        }
    }
}
