import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Ledger
@testable import Projections

@Suite struct ImpactProjectionTests {
    /// Two forums; five people; worked out by hand below.
    func ledger(isPublished: Bool = false) -> HandBuiltLedger {
        var ledger = HandBuiltLedger.forum(isPublished: isPublished)
        ledger.add("engagement.scheduled", at: "2017-09-01T10:00:00+06:00", ["engagement": "forum-1", "project": "wealmaty", "title": "Forum 1",
                                                                             "starts_at": "2017-09-22T10:00:00+06:00", "ends_at": "2017-09-22T13:00:00+06:00",
                                                                             "time_zone": "Asia/Almaty"])
        ledger.add("indicator.target.set", ["indicator": "unique_attendees", "project": "wealmaty", "period_start": "2017-04-01",
                                            "period_end": "2017-12-31", "target": 4, "baseline": 0])
        ledger.add("indicator.target.set", ["indicator": "unique_attendees", "project": "wealmaty", "period_start": "2018-01-01",
                                            "period_end": "2018-12-31", "target": 10])
        ledger.person("a", "A", group: "citizen", sex: "female", at: "2017-09-01T10:00:00+06:00")
        ledger.person("b", "B", group: "business", sex: "male", at: "2017-09-01T10:00:00+06:00")
        ledger.person("c", "C", group: "citizen", at: "2017-09-01T10:00:00+06:00")
        ledger.person("d", "D", group: "media", sex: "female", at: "2017-11-01T10:00:00+06:00")
        ledger.person("e", "E", group: "expert", sex: "male", at: "2017-11-01T10:00:00+06:00") // registered, never acts
        // forum 1 (September): a and b answer and come; c answers and does not.
        for who in ["a", "b", "c"] {
            ledger.add("rsvp.submitted", at: "2017-09-10T10:00:00+06:00", ["engagement": "forum-1", "participant": who, "response": "accepted"])
        }
        for who in ["a", "b"] { ledger.add("attendance.checked_in", at: "2017-09-22T09:50:00+06:00", ["engagement": "forum-1", "participant": who]) }
        // a changes group before forum 2: forum 1's figures keep "citizen".
        ledger.add("participant.updated", at: "2017-10-01T10:00:00+06:00", ["participant": "a", "group": "civil_society"])
        // forum 2 (November): a comes again, d walks in; d proposes, a supports, the city accepts in 2018.
        ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": "a", "response": "accepted"])
        ledger.add("attendance.checked_in", at: "2017-11-30T08:50:00+06:00", ["engagement": "forum-2", "participant": "a"])
        ledger.add("attendance.checked_in", at: "2017-11-30T08:55:00+06:00", ["engagement": "forum-2", "participant": "d"])
        ledger.add("proposal.submitted", at: "2017-11-30T11:00:00+06:00", ["proposal": "pr-1", "engagement": "forum-2", "participant": "d",
                                                                           "theme": "cycle_paths", "title": "Velo"])
        ledger.add("proposal.submitted", at: "2017-11-30T11:05:00+06:00", ["proposal": "pr-2", "engagement": "forum-2", "participant": "a",
                                                                           "theme": "parks", "title": "Shade"])
        ledger.add("proposal.supported", at: "2017-11-30T11:10:00+06:00", ["proposal": "pr-1", "participant": "a"])
        ledger.add("proposal.status.changed", at: "2018-02-20T10:00:00+06:00", ["proposal": "pr-1", "status": "accepted"])
        return ledger
    }

    func results(_ ledger: HandBuiltLedger, engagement: String? = nil) throws -> ImpactResults {
        var projection = ImpactProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        return try projection.results(project: nil, engagement: engagement)
    }

    func value(_ results: ImpactResults, _ id: String) -> Double? {
        results.indicators.first { $0.id == id }?.value
    }

    @Test func countsPeopleOnceAndRepeatAttendeesAcrossForums() throws {
        let results = try results(ledger())
        #expect(value(results, "people_registered") == 5)
        #expect(value(results, "people_engaged") == 4)      // a, b, c (RSVP), d (check-in); not e
        #expect(value(results, "unique_attendees") == 3)    // a, b, d
        #expect(value(results, "repeat_attendees") == 1)    // a
        #expect(value(results, "rsvp_conversion") == 75)    // 3 of 4 seats (a, b, c at forum 1; a at forum 2)
        #expect(value(results, "no_show_rate") == 25)
        #expect(value(results, "proposals_received") == 2)
        #expect(value(results, "proposals_accepted") == 1)
        #expect(value(results, "proposals_accepted_share") == 50)
        #expect(value(results, "supports_per_proposal") == 0.5)
        #expect(value(results, "cost_per_engaged_person") == 107_500) // 430,000 / 4
        let engaged = results.indicators.first { $0.id == "people_engaged" }!
        #expect(engaged.bySex.map(\.sex) == ["female", "male", "other", "undisclosed"])
        #expect(engaged.bySex.map(\.value) == [2, 1, 0, 1]) // c never said: undisclosed
    }

    @Test func breaksDownByTheProfileOfTheDay() throws {
        let results = try results(ledger())
        let groups = Dictionary(uniqueKeysWithValues: results.breakdowns.first { $0.dimension == "group" }!.rows.map { ($0.category, $0.counts) })
        // columns: registered, engaged, attendees, repeat. a registered and first came as a citizen.
        #expect(groups["citizen"] == [2, 2, 1, 1])
        #expect(groups["civil_society"] == [0, 0, 0, 0])
        #expect(groups["media"] == [1, 1, 1, 0])
        let forum2 = try self.results(ledger(), engagement: "forum-2")
        let groups2 = Dictionary(uniqueKeysWithValues: forum2.breakdowns.first { $0.dimension == "group" }!.rows.map { ($0.category, $0.counts) })
        #expect(groups2["civil_society"]?[2] == 1) // at forum 2, a came as civil society
        #expect(value(forum2, "unique_attendees") == 2)
        #expect(value(forum2, "repeat_attendees") == 1) // a also came to forum 1
    }

    @Test func drawsTheMonthlyProgressLine() throws {
        let monthly = try results(ledger()).monthly
        #expect(monthly.map(\.month) == ["2017-09", "2017-10", "2017-11"])
        #expect(monthly.map(\.new) == [3, 0, 1])
        #expect(monthly.map(\.cumulative) == [3, 3, 4])
    }

    @Test func showsTargetsWithActualsPerPeriod() throws {
        let attendees = try results(ledger()).indicators.first { $0.id == "unique_attendees" }!
        #expect(attendees.periods.count == 2)
        #expect(attendees.periods[0].target == 4 && attendees.periods[0].baseline == 0 && attendees.periods[0].actual == 3)
        #expect(attendees.periods[1].target == 10 && attendees.periods[1].actual == 0)
        #expect(attendees.periods[0].actualBySex.map(\.value) == [2, 1, 0, 0])
    }

    @Test func writesIATIResultsWithTheRequiredStructure() throws {
        var projection = ImpactProjection()
        for event in ledger(isPublished: true).events { projection.apply(ReplayedEvent(event)) }
        let results = try projection.results(project: nil, engagement: nil)
        let stamp = ReportStamp(firstSeq: 1, lastSeq: 9, headHash: "abc", asOf: nil, eventsIncluded: 9)
        let xml = try IATIWriter.xml(results, project: try #require(projection.projects["wealmaty"]), headRecordedAt: "2017-12-31T00:00:00.000Z",
                                     stamp: stamp)
        let document = try XMLDocument(xmlString: xml)
        let root = try #require(document.rootElement())
        #expect(root.name == "iati-activities" && root.attribute(forName: "version")?.stringValue == "2.03")
        let activity = try #require(root.elements(forName: "iati-activity").first)
        #expect(activity.elements(forName: "iati-identifier").first?.stringValue == "GB-CHC-209131-WEALMATY")
        let resultElements = activity.elements(forName: "result")
        #expect(resultElements.count == results.indicators.count)
        for result in resultElements {
            #expect(["1", "2", "3"].contains(result.attribute(forName: "type")?.stringValue ?? ""))
            let indicator = try #require(result.elements(forName: "indicator").first)
            #expect(["1", "2"].contains(indicator.attribute(forName: "measure")?.stringValue ?? ""))
            #expect(indicator.elements(forName: "title").first?.elements(forName: "narrative").first?.stringValue?.isEmpty == false)
            for baseline in indicator.elements(forName: "baseline") {
                #expect(baseline.attribute(forName: "year")?.stringValue?.count == 4)
            }
            let periods = indicator.elements(forName: "period")
            #expect(!periods.isEmpty)
            for period in periods {
                #expect(period.elements(forName: "period-start").first?.attribute(forName: "iso-date") != nil)
                #expect(period.elements(forName: "period-end").first?.attribute(forName: "iso-date") != nil)
            }
        }
        let attendees = try #require(resultElements.first { $0.elements(forName: "indicator").first?.elements(forName: "title").first?.stringValue == "Unique attendees" })
        let firstPeriod = try #require(attendees.elements(forName: "indicator").first?.elements(forName: "period").first)
        #expect(firstPeriod.elements(forName: "target").first?.attribute(forName: "value")?.stringValue == "4")
        let actuals = firstPeriod.elements(forName: "actual")
        #expect(actuals.first?.attribute(forName: "value")?.stringValue == "3")
        let female = actuals.first { $0.elements(forName: "dimension").first?.attribute(forName: "value")?.stringValue == "female" }
        #expect(female?.attribute(forName: "value")?.stringValue == "2")
        #expect(female?.elements(forName: "dimension").first?.attribute(forName: "name")?.stringValue == "sex")
    }

    /// The saved state holds everything the fold knows: a fold restored from it, given the rest
    /// of the events, reports what the fold that read them all reports.
    @Test func aFoldRestoredFromItsStateAndGivenTheRestReportsTheSame() throws {
        let events = ledger().events.map(ReplayedEvent.init)
        var whole = ImpactProjection()
        for event in events { whole.apply(event) }
        for split in [0, 9, events.count / 2, events.count] {
            var first = ImpactProjection()
            for event in events[..<split] { first.apply(event) }
            if split == 9 { first.rememberSeats() }
            var restored = try ImpactProjection(encodedState: first.encodedState)
            for event in events[split...] { restored.apply(event) }
            for engagement: String? in [nil, "forum-1", "forum-2"] {
                let expected = try whole.results(project: nil, engagement: engagement)
                let got = try restored.results(project: nil, engagement: engagement)
                #expect(got.indicators == expected.indicators, "split \(split), \(engagement ?? "project")")
                #expect(got.breakdowns.map { $0.rows.map(\.counts) } == expected.breakdowns.map { $0.rows.map(\.counts) })
                #expect(got.monthly.map(\.new) == expected.monthly.map(\.new) && got.perEngagement.map(\.attended) == expected.perEngagement.map(\.attended))
            }
        }
    }

    /// A photo entry counts even when its author's registration happened later (as `--as-of`
    /// by time sees it): entries are counted per contest, like the standings count them.
    @Test func countsPhotoEntriesWhoseAuthorRegistersLater() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.add("contest.announced", at: "2017-11-02T10:00:00+06:00", ["contest": "photo-2", "engagement": "forum-2", "kind": "photo",
                                                                          "title": "Photo", "prize": "a tablet"])
        ledger.add("photo.entry.submitted", at: "2017-11-20T10:00:00+06:00", ["contest": "photo-2", "entry": "e1", "participant": "z",
                                                                              "platform": "instagram", "url": "https://instagram.com/p/1",
                                                                              "posted_at": "2017-11-20T10:00:00+06:00", "caption": "#WeAlmaty"])
        ledger.person("z", "Z", at: "2017-11-21T10:00:00+06:00")
        let results = try results(ledger)
        #expect(value(results, "photo_entries") == 1)
        #expect(value(results, "photo_entries_ineligible") == 1) // z did not attend
        #expect(value(results, "people_engaged") == 0) // the entry came before z was known: not an action of a registered person
    }

    /// Records saved as they lie in memory have no padding, so a state holds no stray bytes.
    @Test func savedRecordsHaveNoPadding() {
        #expect(MemoryLayout<ImpactProjection.Involvement>.size == MemoryLayout<ImpactProjection.Involvement>.stride)
        #expect(MemoryLayout<ImpactProjection.Person>.size == MemoryLayout<ImpactProjection.Person>.stride)
        #expect(MemoryLayout<ImpactProjection.ActionDay>.size == MemoryLayout<ImpactProjection.ActionDay>.stride)
        #expect(MemoryLayout<ImpactProjection.Answer>.size == MemoryLayout<ImpactProjection.Answer>.stride)
    }

    /// A state that passes the checksum but was not written by the fold (made by hand: a
    /// cycle in a list, a profile that is not there) is refused, not folded into.
    @Test func aStateWithImpossibleRecordsIsRefused() throws {
        var projection = ImpactProjection()
        for event in ledger().events { projection.apply(ReplayedEvent(event)) }
        var cyclic = projection
        cyclic.involvements[0].next = 0
        #expect(throws: StateDecoder.Malformed.self) { try ImpactProjection(encodedState: cyclic.encodedState) }
        var orphan = projection
        orphan.involvements[0].firstActionProfile = -1
        #expect(throws: StateDecoder.Malformed.self) { try ImpactProjection(encodedState: orphan.encodedState) }
        for instant in [Int64.max - 1, Int64.min] {
            var far = projection
            far.involvements[0].firstActionAt = instant
            #expect(throws: StateDecoder.Malformed.self) { try ImpactProjection(encodedState: far.encodedState) }
        }
        #expect(throws: Never.self) { try ImpactProjection(encodedState: projection.encodedState) }
    }

    @Test func aTruncatedOrAlteredStateIsRefused() throws {
        var projection = ImpactProjection()
        for event in ledger().events { projection.apply(ReplayedEvent(event)) }
        let state = projection.encodedState
        for cut in [0, 1, state.count / 3, state.count - 1] {
            #expect(throws: StateDecoder.Malformed.self) { try ImpactProjection(encodedState: Array(state[..<cut])) }
        }
        #expect(throws: StateDecoder.Malformed.self) { try ImpactProjection(encodedState: state + [0]) }
    }
}

@Suite struct ProposalsProjectionTests {
    @Test func keepsTheHistoryOfDecisionsAndFilters() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.person("d", "Дана")
        ledger.add("proposal.submitted", at: "2017-11-30T11:00:00+06:00", ["proposal": "pr-1", "engagement": "forum-2", "participant": "d",
                                                                           "theme": "cycle_paths", "title": "Velo", "district": "medeu"])
        ledger.add("proposal.submitted", at: "2017-11-30T11:05:00+06:00", ["proposal": "pr-2", "engagement": "forum-2", "participant": "d",
                                                                           "theme": "parks", "title": "Shade"])
        ledger.add("proposal.status.changed", at: "2017-12-15T10:00:00+06:00", ["proposal": "pr-1", "status": "under_review"])
        ledger.add("proposal.status.changed", at: "2018-02-20T10:00:00+06:00", ["proposal": "pr-1", "status": "accepted", "note": "phase 2"])
        ledger.add("proposal.status.changed", at: "2018-09-01T02:00:00+06:00", ["proposal": "pr-1", "status": "implemented"])
        var projection = ProposalsProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        let all = try projection.document(engagement: nil, theme: nil, status: nil, labels: Labels(.en), names: ledger.names, stamp: ledger.stamp)
        let rows = all.rows()
        #expect(rows.map { $0["proposal"]! } == ["pr-1", "pr-2"])
        #expect(rows[0]["status"] == "Implemented" && rows[1]["status"] == "Submitted")
        #expect(rows[0]["history"] == "2017-12-15 Under review; 2018-02-20 Accepted: phase 2; 2018-09-01 Implemented")
        #expect(rows[0]["author"] == "Дана" && rows[0]["district"] == "Medeu")
        #expect(all.facts("totals")["taken_up"] == "1")
        let parks = try projection.document(engagement: nil, theme: "parks", status: nil, labels: Labels(.en), names: ledger.names, stamp: ledger.stamp)
        #expect(parks.rows().map { $0["proposal"]! } == ["pr-2"])
        #expect(throws: ReportError.self) {
            try projection.document(engagement: nil, theme: "roads", status: nil, labels: Labels(.en), names: ledger.names, stamp: ledger.stamp)
        }
    }
}

extension ProposalsProjectionTests {
    /// A register long enough to be made and laid out in two halves at once gives the rows of
    /// its proposals in order, and the text one thread lays out; its saved state gives it back
    /// and folds more events as the fold itself does; an id submitted again (which writers
    /// refuse, but a hand-made ledger may hold) is listed again, as it stands last.
    @Test func aLongRegisterIsItsProposalsInOrderHoweverItIsMade() throws {
        var ledger = HandBuiltLedger.forum()
        for k in 0..<300 { ledger.person("p\(k)", k % 3 == 0 ? "Әлия \(k)" : "Dana \(k)") }
        let themes = EventCatalog.themes
        for k in 0..<5_000 {
            ledger.add("proposal.submitted", at: "2017-11-30T11:00:00+06:00", ["proposal": "pr-\(k)", "engagement": "forum-2", "participant": "p\(k % 300)",
                                                                               "theme": themes[k % themes.count], "title": "Жоба \(k) " + String(repeating: "ә", count: k % 50)])
        }
        for k in stride(from: 0, to: 5_000, by: 7) {
            ledger.add("proposal.status.changed", at: "2018-02-20T10:00:00+06:00", ["proposal": "pr-\(k)", "status": "accepted", "note": "phase \(k)"])
        }
        let cut = ledger.events.count
        ledger.add("proposal.submitted", at: "2018-03-01T10:00:00+06:00", ["proposal": "pr-3", "engagement": "forum-2", "participant": "p1",
                                                                           "theme": "parks", "title": "Again"])
        ledger.add("proposal.supported", at: "2018-03-02T10:00:00+06:00", ["proposal": "pr-3", "participant": "p2"])
        var whole = ProposalsProjection(), early = ProposalsProjection()
        for (k, event) in ledger.events.enumerated() {
            whole.apply(ReplayedEvent(event))
            if k < cut { early.apply(ReplayedEvent(event)) }
        }
        let labels = Labels(.kk)
        let document = try whole.document(engagement: nil, theme: nil, status: nil, labels: labels, names: ledger.names, stamp: ledger.stamp)
        guard case .table(let table) = document.sections[0].content else { Issue.record("no table"); return }
        #expect(table.rows == whole.order.map { whole.row(of: whole.proposals[$0], labels: labels.few([]), names: ledger.names, asOf: ledger.stamp.lastSeq) })
        let ids = document.rows().map { $0["proposal"]! }
        #expect(ids == (0..<5_000).map { "pr-\($0)" } + ["pr-3"])
        #expect(document.rows()[3] == document.rows()[5_000] && document.rows()[3]["title"] == "Again" && document.rows()[3]["supports"] == "1")
        #expect(document.rows()[0]["author"] == "Әлия 0" && document.rows()[7]["history"]?.hasSuffix("phase 7") == true)
        // From a state saved before the last two events, then those events: the same register.
        var restored = try ProposalsProjection(decoding: StateDecoder(bytes: early.encodedState), scopeOf: ProposalsProjection())
        for event in ledger.events[cut...] { restored.apply(ReplayedEvent(event)) }
        #expect(try restored.document(engagement: nil, theme: nil, status: nil, labels: labels, names: ledger.names, stamp: ledger.stamp) == document)
        #expect(throws: StateDecoder.Malformed.self) {
            var out = StateEncoder()
            whole.writeState(to: &out)
            var bytes = out.bytes
            bytes.replaceSubrange((bytes.count - 8)..., with: [0xFF, 0xFF, 0, 0, 0, 0, 0, 0]) // the last row: no proposal of the register
            return try ProposalsProjection(decoding: StateDecoder(bytes: bytes), scopeOf: ProposalsProjection())
        }
        // Laid out in two halves at once: the lines one thread lays out.
        let text = ReportRenderer.render(document, as: .table, labels: labels.renderer, whole: true)
        var serial = TableRenderer.Lines()
        TableRenderer.aligned([table.columns.map { TableRenderer.Cell($0.label, alignsRight: $0.isNumeric) }]
                              + table.rows.map { row in zip(row, table.columns).map { TableRenderer.Cell($0.text, alignsRight: $1.isNumeric) } },
                              ruleAfterFirst: true, widest: Int.max, into: &serial)
        #expect(text.contains("\n" + serial.text))
        #expect(text.split(separator: "\n").count > 5_000)
    }
}

@Suite struct IATIEscapingTests {
    /// The writer's own escaping: what a parser reads back is the text given, but for the
    /// characters XML 1.0 cannot hold (then U+FFFD) and a comment's `--`.
    @Test func theXMLWriterEscapesWhatAParserWouldReadOtherwise() throws {
        let texts = ["a & b < c > d", "quote \" and 'apostrophe'", "tab\tline\nfeed", "carriage\rreturn", "]]> <!-- -->", "Әлия 🚲",
                     "bell\u{07}and\u{FFFE}"]
        let root = IATIElement("root")
        for text in texts {
            let child = IATIElement("item")
            child.addAttribute((name: "value", value: text))
            child.text = text
            root.addChild(child)
        }
        root.addComment(" a -- b -")
        let xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n" + root.text(indent: "")
        let document = try XMLDocument(xmlString: xml)
        let items = try #require(document.rootElement()?.elements(forName: "item"))
        #expect(items.count == texts.count)
        for (item, text) in zip(items, texts) {
            let expected = String(String.UnicodeScalarView(text.unicodeScalars.map { IATIElement.isAllowed($0) || "\t\n\r".unicodeScalars.contains($0) ? $0 : "\u{FFFD}" }))
            #expect(item.stringValue == expected, "text of \(text.debugDescription)")
            #expect(item.attribute(forName: "value")?.stringValue == expected, "attribute of \(text.debugDescription)")
        }
        #expect(xml.contains("<!-- a - - b - -->"))
    }

    @Test func userTextCannotInjectXMLMarkup() throws {
        var ledger = HandBuiltLedger()
        let title = #"WeAlmaty <script>alert("x")</script> & ]]> <!-- --> 'q'"#
        ledger.add("project.defined", ["project": "wealmaty", "title": title, "starts_on": "2017-04-01", "ends_on": "2020-03-31",
                                       "description": title, "reporting_org_ref": "GB-CHC-209131", "reporting_org_name": title,
                                       "reporting_org_type": "15", "iati_identifier": "GB-CHC-209131-W"])
        ledger.add("project.organisation.added", ["project": "wealmaty", "organisation": "o", "name": title, "role": "4"])
        var projection = ImpactProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        let results = try projection.results(project: nil, engagement: nil)
        let xml = try IATIWriter.xml(results, project: try #require(projection.projects["wealmaty"]), headRecordedAt: "2017-12-31T00:00:00.000Z",
                                     stamp: ledger.stamp)
        #expect(!xml.contains("<script>"))
        let document = try XMLDocument(xmlString: xml)
        let activity = try #require(document.rootElement()?.elements(forName: "iati-activity").first)
        #expect(activity.elements(forName: "title").first?.elements(forName: "narrative").first?.stringValue == title)
        for name in ["description", "reporting-org", "participating-org"] {
            #expect(activity.elements(forName: name).first?.elements(forName: "narrative").first?.stringValue == title, "\(name)")
        }
    }
}
