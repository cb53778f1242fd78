import Foundation
import Testing

/// The reports as people read them (issue: reports people hand on): the impact report opens with
/// its summary, figures against targets are bars with their numbers, standings show the jury's
/// work and link entries, attendee totals come first, proposals are grouped, definitions print as
/// notes. Checked through `ledgerctl` on a copy of the demo ledger, against what the ledger holds.
@Suite struct ReportReadingTests {
    /// A copy of the demo ledger, and its events as `log --json` gives them.
    static func demo(_ dir: String) throws -> (dir: String, events: [[String: Any]]) {
        try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir + "/events")
        let events = try ledger(dir + "/events", "log", "--json").stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (dir + "/events", events)
    }

    static func json(_ dir: String, _ arguments: String...) throws -> [String: Any] {
        let result = try Ledgerctl.run(["--dir", dir, "report"] + arguments + ["--format", "json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func section(_ report: [String: Any], _ id: String) throws -> [String: Any] {
        let sections = try #require(report["sections"] as? [[String: Any]])
        return try #require(sections.first { $0["id"] as? String == id }, "no section \(id)")
    }

    static func html(_ dir: String, _ arguments: String...) throws -> String {
        let result = try Ledgerctl.run(["--dir", dir, "report"] + arguments + ["--format", "html"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    /// Text as HTML escapes it.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    /// The ids of the `<section>`s of an HTML report, in order.
    static func sectionOrder(_ html: String) -> [String] {
        html.components(separatedBy: "<section id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// The part of an HTML report inside `<section id="ID">`.
    static func htmlSection(_ html: String, _ id: String) throws -> String {
        let start = try #require(html.range(of: "<section id=\"\(id)\">"), "no section \(id)")
        let end = try #require(html.range(of: "</section>", range: start.upperBound..<html.endIndex))
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test func theImpactReportOpensWithWhatTheFiguresCoverAndWhereTheyStand() throws {
        try withTemporaryDirectory { temporary in
            let (dir, events) = try Self.demo(temporary)
            let page = try Self.html(dir, "impact")
            #expect(Array(Self.sectionOrder(page).prefix(5)) == ["funding", "summary", "key_figures", "engagements", "indicators"])
            #expect(try Self.htmlSection(page, "funding").contains(">Funded by the European Union</p>"))
            // The page title is not repeated as the first heading.
            #expect(!page.contains("<h2>Impact metrics</h2>"))

            let report = try Self.json(dir, "impact")
            let stamp = try #require(report["stamp"] as? [String: Any])
            let facts = try #require(try Self.section(report, "summary")["facts"] as? [[String: Any]])
            func fact(_ id: String) -> Any? { facts.first { $0["id"] as? String == id }?["value"] }
            let last = try #require(events.last)
            // The state: the head line's seq, hash and recorded_at, never the wall clock.
            #expect(fact("head_seq") as? Int == last["seq"] as? Int && stamp["last_seq"] as? Int == last["seq"] as? Int)
            #expect(fact("head_recorded_at") as? String == last["recorded_at"] as? String)
            #expect(stamp["head_recorded_at"] as? String == last["recorded_at"] as? String)
            #expect(fact("head_sha256") as? String == stamp["head_sha256"] as? String)
            // The project as project.defined gave it.
            let project = try #require(events.first { $0["type"] as? String == "project.defined" }?["data"] as? [String: Any])
            #expect(fact("project") as? String == project["title"] as? String)
            #expect(fact("funder") as? String == "European Union")
            #expect(fact("budget_eur") as? Double == project["budget_eur"] as? Double)
            #expect(fact("partners") as? String == (project["partners"] as? [String])?.joined(separator: ", "))
            #expect(fact("project_dates") as? String == "\(project["starts_on"]!) – \(project["ends_on"]!)")
            // The period covered: the first and last action counted, read from the log here.
            let actions: Set<String> = ["rsvp.submitted", "rsvp.cancelled", "attendance.checked_in", "quiz.answer.submitted",
                                        "photo.entry.submitted", "proposal.submitted", "proposal.supported"]
            let parser = ISO8601DateFormatter()
            let instants = events.filter { actions.contains($0["type"] as? String ?? "") }
                .compactMap { ($0["occurred_at"] as? String).flatMap(parser.date(from:)) }
            let local = DateFormatter()
            local.timeZone = TimeZone(identifier: "Asia/Almaty")
            local.dateFormat = "yyyy-MM-dd HH:mm"
            let first = try #require(instants.min()), latest = try #require(instants.max())
            #expect(fact("covered") as? String == "\(local.string(from: first)) – \(local.string(from: latest)) (Asia/Almaty)")

            // Each figure against its target: the targets table's numbers, as text and as a bar.
            let keyRows = try #require(try Self.section(report, "key_figures")["rows"] as? [[String: Any]])
            let targetRows = try #require(try Self.section(report, "targets")["rows"] as? [[String: Any]])
            #expect(keyRows.count == targetRows.count && !keyRows.isEmpty)
            let bars = try Self.htmlSection(page, "key_figures")
            #expect(bars.components(separatedBy: "<svg class=\"bar\"").count - 1 == keyRows.count)
            for (row, target) in zip(keyRows, targetRows) {
                #expect(row["indicator"] as? String == target["indicator"] as? String)
                #expect(row["actual"] as? Double == target["actual"] as? Double && row["target"] as? Double == target["target"] as? Double)
                let actual = try #require(row["actual"] as? Double), goal = try #require(row["target"] as? Double)
                #expect(row["share"] as? Double == (100 * actual / goal).rounded())
            }
            // The first bar's filled part is the actual's share of the longer of the two.
            let actual = try #require(keyRows[0]["actual"] as? Double), goal = try #require(keyRows[0]["target"] as? Double)
            let width = String(format: "%.1f", actual / max(goal, actual) * 100).replacingOccurrences(of: ".0", with: "")
            #expect(bars.contains("width=\"\(width)\" height=\"8\""), "fill \(width)")

            // Engagements with their dates and venues, as scheduled.
            let scheduled = events.filter { $0["type"] as? String == "engagement.scheduled" }.compactMap { $0["data"] as? [String: Any] }
            let engagementRows = try #require(try Self.section(report, "engagements")["rows"] as? [[String: Any]])
            #expect(engagementRows.map { $0["venue"] as? String } == scheduled.map { $0["venue"] as? String })
            #expect(engagementRows.map { $0["engagement"] as? String } == scheduled.map { $0["engagement"] as? String })
            // CSV still holds the indicators.
            let csv = try ledger(dir, "report", "impact", "--format", "csv").stdout
            #expect(csv.hasPrefix("Indicator,Title,Value,"))
        }
    }

    @Test(arguments: ["kk", "ru"])
    func theSummaryIsInTheReportsLanguage(language: String) throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let page = try Self.html(dir, "impact", "--lang", language)
            let funding = try Self.htmlSection(page, "funding")
            #expect(funding.contains(language == "kk" ? "Еуропалық Одақ қаржыландырады" : "Финансируется Европейским союзом"))
            #expect(!page.contains("Funded by"))
        }
    }

    @Test func definitionsPrintAsNumberedNotesUnderTheirTable() throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let page = try Self.html(dir, "impact")
            let indicators = try Self.htmlSection(page, "indicators")
            let rows = try #require(try Self.section(try Self.json(dir, "impact"), "indicators")["rows"] as? [[String: Any]])
            let notes = indicators.components(separatedBy: "<ol class=\"notes\">").last ?? ""
            #expect(notes.components(separatedBy: "<li>").count - 1 == rows.count)
            for (k, row) in rows.enumerated() {
                #expect(indicators.contains("<sup class=\"ref\">\(k + 1)</sup>"))
                #expect(notes.contains("<li>\(Self.escaped(row["definition"] as! String))</li>"))
            }
            // On paper the column gives way to the notes; on screen the notes are hidden.
            #expect(page.contains("th.notecol, td.notecol { display: none; }") && page.contains(".notes, .ref { display: none; }"))
            // Counts per month are columns, with the running total as a second, named series.
            let monthly = try Self.section(try Self.json(dir, "impact"), "monthly_chart")
            #expect(monthly["style"] as? String == "columns")
            let months = try #require((monthly["series"] as? [[String: Any]])?.first?["points"] as? [Any]).count
            let chart = try Self.htmlSection(page, "monthly_chart")
            #expect(chart.components(separatedBy: "<rect class=\"c1\" x=").count - 1 == months + 1) // and the legend's swatch
            #expect(chart.contains(">New</text>") && chart.contains(">Cumulative</text>"))
        }
    }

    @Test func photoStandingsShowEachJurorsScoresAChartAndLinks() throws {
        try withTemporaryDirectory { temporary in
            let (dir, events) = try Self.demo(temporary)
            // An entry whose address holds characters HTML must escape.
            let address = "https://example.org/p?a=1&b='2'"
            try given(dir, "append", "photo.entry.submitted", "contest=photo-2", "entry=e-late", "participant=p0001", "platform=instagram",
                      "url=\(address)", "posted_at=2017-12-01T10:00:00+06:00", "caption=late #WeAlmaty")
            let report = try Self.json(dir, "standings", "--contest", "photo-2")
            let sheet = try #require(try Self.section(report, "jury_scores")["rows"] as? [[String: Any]])
            // One row per entry and juror who scored it, each criterion's score as recorded.
            var recorded: [String: [String: [String: Double]]] = [:] // entry -> juror -> criterion -> score
            for event in events where event["type"] as? String == "jury.score.recorded" {
                let data = try #require(event["data"] as? [String: Any])
                recorded[data["entry"] as! String, default: [:]][data["juror"] as! String, default: [:]][data["criterion"] as! String] = data["score"] as? Double
            }
            // A juror never scores their own entry: such a score is not shown.
            for event in events where event["type"] as? String == "photo.entry.submitted" {
                let data = try #require(event["data"] as? [String: Any])
                recorded[data["entry"] as! String]?[data["participant"] as! String] = nil
            }
            #expect(sheet.count == recorded.values.reduce(0) { $0 + $1.count })
            let columns = try #require(try Self.section(report, "jury_scores")["columns"] as? [[String: Any]])
            let criteria = columns.compactMap { $0["id"] as? String }.filter { $0.hasPrefix("criterion_") }
            #expect(!criteria.isEmpty)
            for row in sheet {
                let entry = try #require(row["entry"] as? String)
                let given = criteria.map { row[$0] as? Double }
                let matches = recorded[entry]?.values.contains { scores in
                    let names = columns.filter { ($0["id"] as! String).hasPrefix("criterion_") }.map { ($0["label"] as! String).components(separatedBy: " × ")[0] }
                    return names.map { scores[$0] } == given
                } ?? false
                #expect(matches, "row \(row) is no juror's scores of \(entry)")
            }
            // A chart of the eligible entries' scores, in rank order, equal to the table's.
            let rows = try #require(try Self.section(report, "rows")["rows"] as? [[String: Any]])
            let eligible = rows.filter { $0["eligible"] as? Bool == true }
            let points = try #require((try Self.section(report, "scores_chart")["series"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
            #expect(points.map { (($0["value"] as? Double ?? .nan) * 100).rounded() / 100 } == eligible.map { $0["score"] as? Double ?? 0 })
            // Links: every entry's address, escaped, and only http(s).
            let page = try Self.html(dir, "standings", "--contest", "photo-2")
            #expect(page.contains("<a href=\"https://example.org/p?a=1&amp;b=&#39;2&#39;\" rel=\"noopener noreferrer nofollow\">"))
            for row in rows {
                let url = try #require(row["url"] as? String)
                #expect(page.contains("<a href=\"\(Self.escaped(url))\""))
            }
        }
    }

    /// Reports build the personal records of the people they name only, but a damaged line of
    /// the store is refused wherever it is, as before.
    @Test func aDamagedPersonalRecordOfSomeoneNotNamedIsStillRefused() throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let store = dir + "/personal.jsonl"
            var lines = try String(contentsOfFile: store, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let id = try #require(lines[0].components(separatedBy: "\"participant\":\"").dropFirst().first?.prefix { $0 != "\"" })
            // Someone no forum-1 attendee list names? Whoever it is, every report must refuse the line.
            lines[0] = #"{"seq":1,"participant":"\#(id)","data":{GARBAGE"#
            try lines.joined(separator: "\n").write(toFile: store, atomically: false, encoding: .utf8)
            for report in [["attendees", "--engagement", "forum-1"], ["attendees", "--engagement", "forum-2"], ["proposals"],
                           ["standings", "--contest", "photo-2"]] {
                let result = try Ledgerctl.run(["--dir", dir, "report"] + report + ["--fresh"])
                #expect(result.status == 1 && result.stderr.contains("personal.jsonl line 1: not a personal-data record"), "\(report): \(result.stderr)")
            }
        }
    }

    /// The name of someone a report shows is read by a shorter road than the strict parser, which
    /// must refuse what it refuses: data nested as deep as the limit allows, counted from the line,
    /// is read; one level more is refused with the line's number, and the ledger is left as it was.
    @Test func aShownPersonsRecordNestedPastTheLimitIsRefused() throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let store = dir + "/personal.jsonl"
            let original = try String(contentsOfFile: store, encoding: .utf8)
            var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // The author of the first proposal, whom the register shows.
            let proposals = try Self.json(dir, "proposals")
            let author = try #require((try Self.section(proposals, "rows")["rows"] as? [[String: Any]])?.first?["author"] as? String)
            let k = try #require(lines.firstIndex { $0.contains("\"name\":\"\(author)\"") })
            let prefix = try #require(lines[k].components(separatedBy: ",\"data\":{").first)
            for (depth, refused) in [(62, false), (63, true)] {
                lines[k] = prefix + #","data":{"name":"\#(author)","x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}"
                try lines.joined(separator: "\n").write(toFile: store, atomically: false, encoding: .utf8)
                let before = ledgerFiles(dir)
                let result = try Ledgerctl.run(["--dir", dir, "report", "proposals", "--format", "json"])
                if refused {
                    #expect(result.status == 1 && result.stderr.contains("personal.jsonl line \(k + 1): not a personal-data record"), "\(result.stderr)")
                    #expect(ledgerFiles(dir) == before)
                } else {
                    #expect(result.status == 0 && result.stdout.contains(author), "\(result.stderr)")
                }
            }
        }
    }

    /// An address shown otherwise than stored would lead elsewhere: controls and bidirectional
    /// overrides are refused in a URL, as in text, and the ledger is left as it was.
    @Test(arguments: ["https://example.org/\u{202E}lmth.exe", "https://example.org/a\u{0085}b", "https://example.org/\u{2066}x"])
    func aURLWithControlsOrBidiOverridesIsRefused(url: String) throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "photo.entry.submitted", "contest=photo-2", "entry=e-bad", "participant=p0001",
                                    "platform=instagram", "url=\(url)", "posted_at=2017-11-25T10:00:00+06:00", "caption=#WeAlmaty")
            #expect(result.status == 65 && result.stderr.contains("is not an http(s) URL"), "\(result.stderr)")
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func quizStandingsChartPlayersByCorrectAnswers() throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let report = try Self.json(dir, "standings", "--contest", "quiz-2")
            let rows = try #require(try Self.section(report, "rows")["rows"] as? [[String: Any]])
            let points = try #require((try Self.section(report, "scores_chart")["series"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
            for point in points {
                let score = try #require(Int(point["label"] as! String))
                #expect(point["value"] as? Double == Double(rows.filter { $0["score"] as? Int == score }.count))
            }
            #expect(points.reduce(0.0) { $0 + ($1["value"] as! Double) } == Double(rows.count))
        }
    }

    @Test func attendeeTotalsComeBeforeTheListAndProposalsAreGroupedByStatus() throws {
        try withTemporaryDirectory { temporary in
            let (dir, _) = try Self.demo(temporary)
            let attendees = try Self.html(dir, "attendees", "--engagement", "forum-2")
            #expect(Self.sectionOrder(attendees).first == "totals" && Self.sectionOrder(attendees).last == "rows")
            #expect(try ledger(dir, "report", "attendees", "--engagement", "forum-2", "--format", "csv").stdout.hasPrefix("ID,Name,"))

            let page = try Self.html(dir, "proposals")
            let rows = try #require(try Self.section(try Self.json(dir, "proposals"), "rows")["rows"] as? [[String: Any]])
            let register = try Self.htmlSection(page, "rows")
            let labels = ["submitted": "Submitted", "under_review": "Under review", "accepted": "Accepted", "declined": "Declined", "implemented": "Implemented"]
            var headings: [String] = []
            for status in ["submitted", "under_review", "accepted", "declined", "implemented"] {
                let count = rows.filter { $0["status"] as? String == status }.count
                if count > 0 { headings.append("<h3>\(labels[status]!) <span class=\"count\">(\(count))</span></h3>") }
            }
            let shown = register.components(separatedBy: "\n").filter { $0.hasPrefix("<h3>") }
            #expect(shown == headings)
            #expect(register.components(separatedBy: "<tr><td").count - 1 == rows.count)
        }
    }
}
