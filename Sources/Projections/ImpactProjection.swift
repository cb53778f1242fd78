import Foundation
import Ledger

/// The funder's indicators: people registered, engaged and attending, by group, district and sex;
/// conversion and no-shows; contests; proposals; cost per person; monthly progress; and the
/// targets recorded in the ledger with their actual values per period.
public struct ImpactProjection: Sendable {
    /// What a project said about itself.
    public struct Project: Sendable {
        public var id: String
        public var title: String
        public var budget: Double?
        public var startsOn: String
        public var endsOn: String
        public var funder: String?
    }

    /// One person's activity, kept small: enough to count them in any scope and period.
    struct Activity: Sendable {
        var registered: (day: Int64, profile: Profile)?
        /// First action per engagement: when, and the profile then.
        var acted = SmallMap<(at: Timestamp, profile: Profile)>()
        /// Days (local, days since 1970) on which the person acted, per engagement.
        var actionDays = SmallMap<[Int64]>()
        /// First check-in per engagement: the day and the profile then.
        var checkIns = SmallMap<(day: Int64, profile: Profile)>()
    }

    public var standings = StandingsProjection()
    public var proposals = ProposalsProjection()
    public private(set) var projects: [String: Project] = [:]
    public private(set) var projectOrder: [String] = []
    /// Targets: indicator, project, period, target, baseline.
    public private(set) var targets: [(indicator: String, project: String, start: String, end: String, target: Double, baseline: Double?)] = []
    var people: [String: Activity] = [:]
    /// Quiz answers and photo entries by engagement: who, and on which day.
    var quizPlayers: [String: [String: Int64]] = [:]

    public init() {}

    var attendees: AttendeeProjection { standings.attendees }
    var directory: ParticipantDirectory { standings.attendees.directory }

    /// Folds in one event.
    public mutating func apply(_ event: ReplayedEvent) {
        standings.apply(event)
        proposals.apply(event)
        let data = event.data
        let occurred = Timestamp(rfc3339: event.occurredAt)
        switch event.type {
        case "project.defined":
            guard let id = data["project"]?.stringValue else { return }
            projects[id] = Project(id: id, title: data["title"]?.stringValue ?? id, budget: data["budget_eur"]?.doubleValue,
                                   startsOn: data["starts_on"]?.stringValue ?? "", endsOn: data["ends_on"]?.stringValue ?? "",
                                   funder: data["funder"]?.stringValue)
            projectOrder.append(id)
            return
        case "indicator.target.set":
            if let indicator = data["indicator"]?.stringValue, let project = data["project"]?.stringValue,
               let start = data["period_start"]?.stringValue, let end = data["period_end"]?.stringValue, let target = data["target"]?.doubleValue {
                // A target set again for the same indicator and period replaces the earlier one.
                targets.removeAll { $0.indicator == indicator && $0.project == project && $0.start == start && $0.end == end }
                targets.append((indicator, project, start, end, target, data["baseline"]?.doubleValue))
            }
            return
        case "participant.registered":
            // The registration's own local date, as its occurred_at writes it (registrations belong to no engagement).
            if let id = data["participant"]?.stringValue, let profile = directory[id], let date = Timestamp.days(ofDate: String(event.occurredAt.prefix(10))) {
                people[id, default: Activity()].registered = (date, profile)
            }
            return
        default:
            break
        }
        guard let participant = data["participant"]?.stringValue, let profile = directory[participant], let occurred,
              let engagement = engagementOf(event) else { return }
        let zone = attendees.engagements[engagement]?.info.timeZone
        let today = day(occurred, zone: zone)
        switch event.type {
        case "rsvp.submitted", "rsvp.cancelled", "photo.entry.submitted", "proposal.submitted", "proposal.supported":
            break
        case "attendance.checked_in":
            if people[participant, default: Activity()].checkIns[engagement] == nil { people[participant]!.checkIns[engagement] = (today, profile) }
        case "quiz.answer.submitted":
            if quizPlayers[engagement, default: [:]][participant] == nil { quizPlayers[engagement, default: [:]][participant] = today }
        default:
            return
        }
        // Mutated in place through the dictionary, never copied out and back.
        if people[participant, default: Activity()].acted[engagement] == nil { people[participant]!.acted[engagement] = (occurred, profile) }
        if people[participant]!.actionDays[engagement]?.contains(today) != true {
            people[participant]!.actionDays[engagement] = (people[participant]!.actionDays[engagement] ?? []) + [today]
        }
    }

    /// The engagement an action belongs to (through its contest or proposal when it names none).
    func engagementOf(_ event: ReplayedEvent) -> String? {
        if let engagement = event.data["engagement"]?.stringValue { return engagement }
        if let contest = event.data["contest"]?.stringValue { return standings.contests[contest]?.engagement }
        if let proposal = event.data["proposal"]?.stringValue { return proposals.proposals[proposal]?.engagement }
        return nil
    }

    func day(_ instant: Timestamp, zone: TimeZone?) -> Int64 {
        let offset = Int64(zone?.secondsFromGMT(for: instant.date) ?? 0) * 1000
        return (instant.millisecondsSinceEpoch + offset).floorDivided(by: 86_400_000)
    }
}
