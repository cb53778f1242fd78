import Foundation
import Testing
@testable import Ledger
@testable import Projections

/// Rules a review found wanting, kept fixed.
@Suite struct ReviewFixTests {
    @Test func quizTimesAddUpExactlySoATieIsATieEveryRun() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.add("contest.announced", ["contest": "quiz", "engagement": "forum-2", "kind": "quiz", "title": "Q", "prize": "Coffee", "prize_count": 1])
        for (q, minute) in [("q1", "00"), ("q2", "10"), ("q3", "20")] {
            ledger.add("quiz.question.published", at: "2017-11-30T11:\(minute):00+06:00", ["contest": "quiz", "question": q, "correct": "a"])
        }
        ledger.person("u1", "U1")
        ledger.person("u2", "U2")
        // u1: 0.1 + 0.2 + 0.3 s; u2: 0.3 + 0 + 0.3 s; both finish at 11:20:00.300.
        for (who, times) in [("u1", ["11:00:00.100", "11:10:00.200", "11:20:00.300"]), ("u2", ["11:00:00.300", "11:10:00.000", "11:20:00.300"])] {
            for (k, time) in times.enumerated() {
                ledger.add("quiz.answer.submitted", at: "2017-11-30T\(time)+06:00", ["contest": "quiz", "question": "q\(k + 1)", "participant": who, "answer": "a"])
            }
        }
        for _ in 0..<20 {
            var projection = StandingsProjection()
            for event in ledger.events { projection.apply(ReplayedEvent(event)) }
            let rows = try projection.document(contest: "quiz", labels: Labels(.en), names: ledger.names, stamp: ledger.stamp).rows()
            #expect(rows.map { $0["winner"]! } == ["Winner (tie)", "Winner (tie)"])
            #expect(rows.map { $0["time_s"]! } == ["0.6", "0.6"])
        }
    }

    @Test func seatsGoInTheOrderPeopleAnsweredNotTheOrderTheyWereTypedIn() throws {
        var ledger = HandBuiltLedger.forum(capacity: 1)
        ledger.person("web", "Web")
        ledger.person("phone", "Phone")
        ledger.add("rsvp.submitted", at: "2017-11-28T10:00:00+06:00", ["engagement": "forum-2", "participant": "web", "response": "accepted"])
        // Taken by phone on the 27th, typed in on the 29th.
        ledger.add("rsvp.submitted", at: "2017-11-27T10:00:00+06:00", ["engagement": "forum-2", "participant": "phone", "response": "accepted"])
        var projection = AttendeeProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        let rows = try projection.document(engagement: nil, labels: Labels(.en), names: ledger.names, stamp: ledger.stamp).rows()
        let status = Dictionary(uniqueKeysWithValues: rows.map { ($0["participant"]!, $0["status"]!) })
        #expect(status == ["phone": "Confirmed", "web": "Waitlisted"])
    }

    @Test func aRegistrationCountsOnItsOwnLocalDateAndATargetSetAgainReplacesTheFirst() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.add("indicator.target.set", ["indicator": "people_registered", "project": "wealmaty", "period_start": "2017-04-01",
                                            "period_end": "2018-03-31", "target": 5])
        ledger.add("indicator.target.set", ["indicator": "people_registered", "project": "wealmaty", "period_start": "2017-04-01",
                                            "period_end": "2018-03-31", "target": 7])
        ledger.person("early", "Early", at: "2017-04-01T03:00:00+06:00") // 31 March in UTC, 1 April in Almaty
        var projection = ImpactProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        let registered = try projection.results(project: nil, engagement: nil).indicators.first { $0.id == "people_registered" }!
        #expect(registered.periods.count == 1)
        #expect(registered.periods.first?.target == 7 && registered.periods.first?.actual == 1)
    }

    @Test func emojiTakeTwoColumns() {
        #expect(TerminalText.width("🚲") == 2 && TerminalText.width("☕") == 2)
        // The fast path for Latin, Greek and Cyrillic gives what the character-by-character count gives.
        let simple = (0x20...0x52F).compactMap(Unicode.Scalar.init).map { String(Character($0)) }
        for text in simple + ["Әлия Қасымова", "Ёжик", "a\u{0301}b", "soft\u{00AD}hyphen", "Ωμέγα", "x\u{0483}y", "né", "日本", "🚲 bike"] {
            #expect(TerminalText.width(text) == TerminalText.widthByCharacter(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(TerminalText.width(simple.joined()) == TerminalText.widthByCharacter(simple.joined()))
        #expect(TerminalText.padded("🚲 велосипед", to: 14) == "🚲 велосипед  ")
    }

    @Test func localTimesShowSecondsWhenThereAreAny() throws {
        let zone = try #require(EngagementInfo.almaty)
        #expect(LocalTime.format(try #require(Timestamp(rfc3339: "2017-11-29T06:00:00Z")), in: zone) == "2017-11-29 12:00")
        #expect(LocalTime.format(try #require(Timestamp(rfc3339: "2017-11-29T06:00:01Z")), in: zone) == "2017-11-29 12:00:01")
    }

    /// A saved state holds instants as numbers, which an edited file can set anywhere: shifting
    /// one into a zone never overflows (the text is then of a far year, as it is).
    @Test func localTimesOfInstantsAtTheEdgesOfInt64() throws {
        let zone = try #require(EngagementInfo.almaty)
        let west = try #require(TimeZone(secondsFromGMT: -12 * 3600))
        for (instant, zone) in [(Int64.max, zone), (Int64.min, west), (Int64.max - 1, west), (Int64.min + 1, zone)] {
            #expect(!LocalTime.format(Timestamp(millisecondsSinceEpoch: instant), in: zone).isEmpty)
            #expect(!LocalTime.day(Timestamp(millisecondsSinceEpoch: instant), in: zone).isEmpty)
        }
    }
}

extension EngagementInfo {
    static var almaty: Foundation.TimeZone? { Foundation.TimeZone(identifier: "Asia/Almaty") }
}
