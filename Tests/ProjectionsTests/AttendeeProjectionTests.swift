import Testing
@testable import Ledger
@testable import Projections

@Suite struct AttendeeProjectionTests {
    func document(_ ledger: HandBuiltLedger, language: Language = .en) throws -> ReportDocument {
        var projection = AttendeeProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        return try projection.document(engagement: nil, labels: Labels(language), names: ledger.names, stamp: ledger.stamp)
    }

    @Test func judgesTheDeadlineInAlmatyTimeToTheSecond() throws {
        var ledger = HandBuiltLedger.forum()
        for (id, at) in [("on-time", "2017-11-29T12:00:00+06:00"), ("late", "2017-11-29T12:00:01+06:00"),
                         ("utc-on-time", "2017-11-29T06:00:00Z"), ("utc-late", "2017-11-29T06:00:01Z"),
                         ("moscow-late", "2017-11-29T09:30:00+03:00")] {
            ledger.person(id, id)
            ledger.add("rsvp.submitted", at: at, ["engagement": "forum-2", "participant": id, "response": "accepted"])
        }
        let status = Dictionary(uniqueKeysWithValues: try document(ledger).rows().map { ($0["participant"]!, $0["status"]!) })
        #expect(status == ["on-time": "Confirmed", "late": "Late", "utc-on-time": "Confirmed", "utc-late": "Late", "moscow-late": "Late"])
    }

    @Test func waitlistsBeyondCapacityAndPromotesInArrivalOrder() throws {
        var ledger = HandBuiltLedger.forum(capacity: 2)
        for id in ["a", "b", "c", "d"] { ledger.person(id, id) }
        for (k, id) in ["a", "b", "c", "d"].enumerated() {
            ledger.add("rsvp.submitted", at: "2017-11-2\(k)T10:00:00+06:00", ["engagement": "forum-2", "participant": id, "response": "accepted"])
        }
        var statuses = Dictionary(uniqueKeysWithValues: try document(ledger).rows().map { ($0["participant"]!, $0["status"]!) })
        #expect(statuses == ["a": "Confirmed", "b": "Confirmed", "c": "Waitlisted", "d": "Waitlisted"])
        ledger.add("rsvp.cancelled", at: "2017-11-25T10:00:00+06:00", ["engagement": "forum-2", "participant": "b"])
        statuses = Dictionary(uniqueKeysWithValues: try document(ledger).rows().map { ($0["participant"]!, $0["status"]!) })
        #expect(statuses == ["a": "Confirmed", "b": "Cancelled", "c": "Confirmed", "d": "Waitlisted"])
        ledger.add("rsvp.submitted", at: "2017-11-26T10:00:00+06:00", ["engagement": "forum-2", "participant": "a", "response": "declined"])
        statuses = Dictionary(uniqueKeysWithValues: try document(ledger).rows().map { ($0["participant"]!, $0["status"]!) })
        #expect(statuses == ["a": "Declined", "b": "Cancelled", "c": "Confirmed", "d": "Confirmed"])
    }

    @Test func countsWalkInsNoShowsAndConversion() throws {
        var ledger = HandBuiltLedger.forum()
        for id in ["a", "b", "c", "walkin", "maybe"] { ledger.person(id, id) }
        for id in ["a", "b", "c"] {
            ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": id, "response": "accepted"])
        }
        ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": "maybe", "response": "tentative"])
        for id in ["a", "b", "walkin", "maybe"] {
            ledger.add("attendance.checked_in", at: "2017-11-30T08:50:00+06:00", ["engagement": "forum-2", "participant": id])
        }
        let document = try document(ledger)
        let totals = document.facts("totals")
        #expect(totals["people"] == "5")
        #expect(totals["attended"] == "4")
        #expect(totals["no_shows"] == "1")                 // c held a seat and did not come
        #expect(totals["rsvp_to_attendance"] == "66.7")    // a and b of a, b, c
        let byStatus = document.facts("by_status")
        #expect(byStatus["confirmed"] == "3" && byStatus["walk_in"] == "1" && byStatus["tentative"] == "1")
        let walkIn = document.rows().first { $0["participant"] == "walkin" }
        #expect(walkIn?["status"] == "Walk-in" && walkIn?["attended"] == "yes" && walkIn?["response"] == "")
    }

    @Test func takesTheProfileOfTheDayAndShowsErasedPeopleAsErased() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.person("p", "Пётр", group: "citizen")
        ledger.person("q", "Quinn", group: "media")
        ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": "p", "response": "accepted"])
        ledger.add("attendance.checked_in", at: "2017-11-30T08:50:00+06:00", ["engagement": "forum-2", "participant": "p"])
        ledger.add("participant.updated", at: "2018-01-10T10:00:00+06:00", ["participant": "p", "group": "business"])
        ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": "q", "response": "accepted"])
        ledger.add("participant.erased", at: "2018-02-01T10:00:00+06:00", ["participant": "q"])
        let rows = try document(ledger).rows()
        #expect(rows.first { $0["participant"] == "p" }?["group"] == "Citizens") // the update came after the forum
        let erased = rows.first { $0["participant"] == "q" }
        #expect(erased?["name"] == "Erased" && erased?["status"] == "Confirmed")
        #expect(rows.last?["participant"] == "q") // erased people sort last
    }

    @Test(arguments: [
        (Language.kk, ["Айгүл", "Әлия", "Бауыржан", "Ғалым", "Ерлан", "Ёлкин", "Ұлан", "Үсенов", "Іскаков", "Ivan"]),
        (Language.ru, ["Айгүл", "Әлия", "Бауыржан", "Ғалым", "Ёлкин", "Ерлан", "Іскаков", "Үсенов", "Ұлан", "Ivan"]),
        (Language.en, ["Ivan", "Айгүл", "Әлия", "Бауыржан", "Ғалым", "Ёлкин", "Ерлан", "Іскаков", "Үсенов", "Ұлан"]),
    ])
    func sortsNamesByTheLanguagesCollation(language: Language, expected: [String]) throws {
        var ledger = HandBuiltLedger.forum()
        for (k, name) in expected.reversed().enumerated() {
            ledger.person("p\(k)", name)
            ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": "p\(k)", "response": "accepted"])
        }
        #expect(try document(ledger, language: language).rows().map { $0["name"]! } == expected)
    }

    @Test func translatesHeadingsAndStatuses() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.person("a", "Айгүл")
        ledger.add("rsvp.submitted", at: "2017-11-20T10:00:00+06:00", ["engagement": "forum-2", "participant": "a", "response": "accepted"])
        let kk = try document(ledger, language: .kk)
        #expect(kk.title == "Қатысушылар" && kk.rows().first?["status"] == "Расталды")
        let ru = try document(ledger, language: .ru)
        #expect(ru.title == "Участники" && ru.rows().first?["status"] == "Подтверждено")
    }

    @Test func asksWhichEngagementWhenThereAreSeveral() {
        var ledger = HandBuiltLedger.forum()
        ledger.add("engagement.scheduled", ["engagement": "forum-3", "project": "wealmaty", "title": "F3", "starts_at": "2018-03-01T09:00:00+06:00",
                                            "ends_at": "2018-03-01T12:00:00+06:00", "time_zone": "Asia/Almaty"])
        var projection = AttendeeProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        #expect(throws: ReportError.choose(what: "engagement", option: "--engagement", among: ["forum-2", "forum-3"])) {
            try projection.document(engagement: nil, labels: Labels(.en), names: ledger.names, stamp: ledger.stamp)
        }
    }
}
