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
