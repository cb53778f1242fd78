import Foundation
import Testing
@testable import Ledger
@testable import Projections

/// A report of one engagement or contest folds only that one's events: on the demo ledger,
/// every such report is the report the whole fold gives.
@Suite struct FilteredFoldTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("events").path

    func render(_ document: ReportDocument) -> String {
        ReportRenderer.render(document, as: .json, labels: Labels(.en).renderer)
    }

    @Test func oneEngagementOrContestGivesTheReportOfTheWholeFold() throws {
        let log = try EventLog(path: Self.demo)
        var events: [ReplayedEvent] = []
        let stamp = try log.replay { events.append($0) }
        let reportStamp = ReportStamp(firstSeq: stamp.firstSeq, lastSeq: stamp.lastSeq, headHash: stamp.headHash.hex, asOf: nil,
                                      eventsIncluded: stamp.eventsIncluded)
        let names = PersonalNames()
        var attendees = AttendeeProjection()
        var standings = StandingsProjection()
        for event in events {
            attendees.apply(event)
            standings.apply(event)
        }
        #expect(attendees.order.count >= 2 && standings.order.count >= 2)
        for engagement in attendees.order {
            var only = AttendeeProjection(onlyEngagement: engagement)
            for event in events { only.apply(event) }
            let expected = try attendees.document(engagement: engagement, labels: Labels(.en), names: names, stamp: reportStamp)
            let got = try only.document(engagement: engagement, labels: Labels(.en), names: names, stamp: reportStamp)
            #expect(render(got) == render(expected), "attendees of \(engagement)")
        }
        for contest in standings.order {
            var only = StandingsProjection(onlyContest: contest)
            for event in events { only.apply(event) }
            let expected = try standings.document(contest: contest, labels: Labels(.en), names: names, stamp: reportStamp)
            let got = try only.document(contest: contest, labels: Labels(.en), names: names, stamp: reportStamp)
            #expect(render(got) == render(expected), "standings of \(contest)")
        }
    }
}

/// The standings keep of people and engagements only what they need; what they keep must agree
/// with the attendee list's fold on every turn a ledger can take: a check-in before the person is
/// registered, an erasure and a registration again, an engagement scheduled again, a check-in at
/// an engagement never scheduled.
@Suite struct StandingsAttendanceTests {
    @Test func agreesWithTheAttendeeFold() {
        var ledger = HandBuiltLedger.forum()
        ledger.add("attendance.checked_in", ["engagement": "forum-2", "participant": "early"]) // not registered yet: not counted
        ledger.person("early", "Early")
        ledger.person("p1", "One")
        ledger.person("p2", "Two")
        ledger.add("attendance.checked_in", ["engagement": "forum-2", "participant": "p1"])
        ledger.add("attendance.checked_in", ["engagement": "forum-9", "participant": "p1"]) // never scheduled
        ledger.add("participant.erased", ["participant": "p2"])
        ledger.add("participant.erased", ["participant": "ghost"]) // never registered
        ledger.add("attendance.checked_in", ["engagement": "forum-2", "participant": "p2"]) // erased, still registered
        ledger.person("p3", "Three")
        ledger.add("participant.erased", ["participant": "p3"])
        ledger.person("p3", "Three again") // registered again: no longer erased
        ledger.add("attendance.checked_in", ["engagement": "forum-2", "participant": "p3"])
        var attendees = AttendeeProjection(), standings = StandingsProjection()
        var checks: [(String, Bool, Bool, Bool, Bool)] = []
        func compare() {
            for person in ["early", "p1", "p2", "p3", "ghost"] {
                for engagement in ["forum-2", "forum-9"] {
                    let attended = attendees.engagements[engagement]?.people[person]?.checkedInAt != nil
                    let erased = attendees.directory[person]?.isErased == true
                    checks.append((person + "@" + engagement, attended, standings.attendance.hasCheckedIn(person, at: engagement),
                                   erased, standings.attendance.erased.contains(person)))
                }
            }
        }
        for event in ledger.events {
            attendees.apply(ReplayedEvent(event))
            standings.apply(ReplayedEvent(event))
            compare()
        }
        // Scheduled again: the list starts over in both.
        let scheduled = ledger.events.first { $0.type == "engagement.scheduled" }!
        attendees.apply(ReplayedEvent(scheduled))
        standings.apply(ReplayedEvent(scheduled))
        compare()
        for (what, attended, standingsAttended, erased, standingsErased) in checks {
            #expect(attended == standingsAttended && erased == standingsErased, "\(what)")
        }
        #expect(checks.contains { $0.1 } && checks.contains { $0.3 }) // both facts occur, so the comparison means something
        #expect(standings.attendance.hasCheckedIn("p3", at: "forum-2") == false) // after the new schedule
    }
}
