import Foundation
import Ledger

/// One indicator, computed: what the report tables show and what IATI publishes.
public struct IndicatorResult: Sendable, Equatable {
    /// A stable id, such as `people_engaged`; targets in the ledger name indicators by it.
    public var id: String
    /// The English title.
    public var title: String
    /// How it is counted.
    public var definition: String
    /// IATI result type: 1 output, 2 outcome, 3 impact.
    public var resultType: Int
    /// IATI measure: 1 unit, 2 percentage.
    public var measure: Int
    /// The value in scope, or nil when it cannot be computed (no data).
    public var value: Double?
    /// The value by sex (female, male, other, undisclosed) where people are counted.
    public var bySex: [(sex: String, value: Double)]
    /// Baseline, target and actual per period, from `indicator.target.set`.
    public var periods: [Period]

    public struct Period: Sendable, Equatable {
        public var start: String
        public var end: String
        public var baseline: Double?
        public var target: Double
        public var actual: Double?
        public var actualBySex: [(sex: String, value: Double)]

        public static func == (lhs: Period, rhs: Period) -> Bool {
            lhs.start == rhs.start && lhs.end == rhs.end && lhs.baseline == rhs.baseline && lhs.target == rhs.target
                && lhs.actual == rhs.actual && lhs.actualBySex.map(\.sex) == rhs.actualBySex.map(\.sex)
                && lhs.actualBySex.map(\.value) == rhs.actualBySex.map(\.value)
        }
    }

    public static func == (lhs: IndicatorResult, rhs: IndicatorResult) -> Bool {
        lhs.id == rhs.id && lhs.value == rhs.value && lhs.periods == rhs.periods
            && lhs.bySex.map(\.sex) == rhs.bySex.map(\.sex) && lhs.bySex.map(\.value) == rhs.bySex.map(\.value)
    }
}

/// The indicators of one scope: a project (all its engagements) or one engagement.
public struct ImpactResults: Sendable {
    public var projectID: String
    public var projectTitle: String
    public var engagementID: String?
    public var scopeTitle: String
    public var indicators: [IndicatorResult]
    /// Counts of people by group, district and sex, for registered, engaged, attendees, repeat attendees.
    public var breakdowns: [(dimension: String, rows: [(category: String, counts: [Int])])]
    public var proposalsByTheme: [(theme: String, count: Int)]
    public var proposalsByStatus: [(status: String, count: Int)]
    /// Per calendar month: people engaged for the first time, and the running total.
    public var monthly: [(month: String, new: Int, cumulative: Int)]
    /// Per engagement of the project: attendees and conversion (project scope only).
    public var perEngagement: [(engagement: String, title: String, answered: Int, attended: Int, conversion: Double?)]
}

extension ImpactProjection {
    /// The people indicators counted by breakdowns, in column order.
    static let peopleIndicators = ["people_registered", "people_engaged", "unique_attendees", "repeat_attendees"]

    /// Computes every indicator for `project` (the only one when nil), or for one engagement.
    public func results(project given: String?, engagement: String?) throws(ReportError) -> ImpactResults {
        var projectID: String
        var scope: [String]
        if let engagement {
            guard let info = attendees.engagements[engagement]?.info else {
                throw .notFound(what: "engagement", id: engagement, among: attendees.order)
            }
            projectID = info.project
            if let given, given != projectID { throw .notFound(what: "engagement of project \(given)", id: engagement, among: attendees.order.filter { attendees.engagements[$0]?.info.project == given }) }
            scope = [engagement]
        } else {
            projectID = try ReportError.pick(given, from: projectOrder, what: "project", option: "--project")
            scope = attendees.order.filter { attendees.engagements[$0]?.info.project == projectID }
        }
        let project = projects[projectID]
        let inScope = Set(scope)
        let isProject = engagement == nil

        // People, each with the profile that counts them (registration, first action, first check-in in scope).
        var registered: [String: Profile] = [:]
        var engaged: [String: (at: Timestamp, profile: Profile, engagement: String)] = [:]
        var attendeesInScope: [String: Profile] = [:]
        var repeaters: [String: Profile] = [:]
        for (id, activity) in people {
            if isProject {
                // Registrations belong to no project: with one project they all count; with
                // several, a project counts those who took part in one of its engagements.
                if let registration = activity.registered, projectOrder.count <= 1 || activity.acted.keys.contains(where: inScope.contains) {
                    registered[id] = registration.profile
                }
            } else if let person = attendees.engagements[engagement!]?.people[id], person.hasRSVP {
                registered[id] = activity.acted[engagement!]?.profile ?? person.profile
            }
            let actions = activity.acted.filter { inScope.contains($0.key) }
            if let first = actions.min(by: { $0.value.at < $1.value.at || ($0.value.at == $1.value.at && $0.key < $1.key) }) {
                engaged[id] = (first.value.at, first.value.profile, first.key)
            }
            let checkIns = activity.checkIns.filter { inScope.contains($0.key) }
            if let first = checkIns.min(by: { $0.value.day < $1.value.day || ($0.value.day == $1.value.day && $0.key < $1.key) }) {
                attendeesInScope[id] = first.value.profile
                let attendedAnywhere = isProject ? checkIns.count : activity.checkIns.count
                if attendedAnywhere >= 2 { repeaters[id] = first.value.profile }
            }
        }
        let groups: [[String: Profile]] = [registered, engaged.mapValues(\.profile), attendeesInScope, repeaters]
        func bySex(_ people: [String: Profile]) -> [(sex: String, value: Double)] {
            zip(EventCatalog.sexes, Self.tally(people.values, EventCatalog.sexes, \.sexKey)).map { ($0, Double($1)) }
        }
        let dimensions: [(String, [String], KeyPath<Profile, String>)] = [
            ("group", EventCatalog.groups, \.group), ("district", EventCatalog.districts + ["unknown"], \.districtKey), ("sex", EventCatalog.sexes, \.sexKey),
        ]
        let breakdowns: [(dimension: String, rows: [(category: String, counts: [Int])])] = dimensions.map { dimension, categories, key in
            let columns = groups.map { Self.tally($0.values, categories, key) }
            return (dimension, categories.enumerated().map { k, category in (category, columns.map { $0[k] }) })
        }

        // Conversion.
        var seated = 0, seatedAttended = 0
        var perEngagement: [(engagement: String, title: String, answered: Int, attended: Int, conversion: Double?)] = []
        for id in scope {
            guard let e = attendees.engagements[id] else { continue }
            let holders = e.resolve().seated
            let came = holders.filter { e.people[$0]?.checkedInAt != nil }.count
            seated += holders.count
            seatedAttended += came
            perEngagement.append((id, e.info.title, e.people.values.filter(\.hasRSVP).count, e.people.values.filter { $0.checkedInAt != nil }.count,
                                  holders.isEmpty ? nil : 100 * Double(came) / Double(holders.count)))
        }
        let conversion = seated == 0 ? nil : 100 * Double(seatedAttended) / Double(seated)

        // Contests and proposals.
        let players = Set(scope.flatMap { quizPlayers[$0]?.keys.map { $0 } ?? [] })
        let photo = standings.order.compactMap { standings.contests[$0] }.filter { $0.kind == "photo" && inScope.contains($0.engagement) }
            .flatMap { standings.evaluatedEntries(of: $0) }
        let eligible = photo.filter(\.reasons.isEmpty).count
        let proposalList = proposals.order.compactMap { proposals.proposals[$0] }.filter { inScope.contains($0.engagement) }
        let takenUp = proposalList.filter { $0.status == "accepted" || $0.status == "implemented" }.count
        let supports = proposalList.reduce(0) { $0 + $1.supporters.count }

        // Monthly progress: first engagement in scope, by calendar month in the engagement's zone.
        var newByMonth: [String: Int] = [:]
        for person in engaged.values {
            let zone = attendees.engagements[person.engagement]?.info.timeZone ?? TimeZone(identifier: "UTC")!
            newByMonth[LocalTime.month(person.at, in: zone), default: 0] += 1
        }
        var running = 0
        let monthly = Self.months(from: newByMonth.keys.min(), to: newByMonth.keys.max()).map { month -> (month: String, new: Int, cumulative: Int) in
            running += newByMonth[month] ?? 0
            return (month, newByMonth[month] ?? 0, running)
        }

        func indicator(_ id: String, _ title: String, _ definition: String, type: Int, measure: Int = 1, value: Double?,
                       people: [String: Profile]? = nil) -> IndicatorResult {
            let periods: [IndicatorResult.Period] = !isProject ? [] : targets.filter { $0.indicator == id && $0.project == projectID }.map { target in
                let actual = actualValue(id, from: target.start, to: target.end, scope: inScope)
                return IndicatorResult.Period(start: target.start, end: target.end, baseline: target.baseline, target: target.target,
                                              actual: actual.value, actualBySex: actual.bySex)
            }
            return IndicatorResult(id: id, title: title, definition: definition, resultType: type, measure: measure, value: value,
                                   bySex: people.map(bySex) ?? [], periods: periods)
        }
        var indicators = [
            indicator("people_registered", "People registered", isProject ? "participants registered in the ledger" : "people who answered the invitation",
                      type: 1, value: Double(registered.count), people: registered),
            indicator("people_engaged", "People engaged", "people who took at least one action (RSVP, check-in, quiz answer, photo entry, proposal, support)",
                      type: 1, value: Double(engaged.count), people: engaged.mapValues(\.profile)),
            indicator("unique_attendees", "Unique attendees", "people checked in at one engagement or more", type: 1,
                      value: Double(attendeesInScope.count), people: attendeesInScope),
            indicator("repeat_attendees", "Repeat attendees", "people checked in at two engagements or more", type: 2,
                      value: Double(repeaters.count), people: repeaters),
            indicator("rsvp_conversion", "RSVP-to-attendance conversion", "checked in, of those holding a seat (confirmed or late), in %",
                      type: 2, measure: 2, value: conversion),
            indicator("no_show_rate", "No-show rate", "not checked in, of those holding a seat, in %", type: 2, measure: 2,
                      value: conversion.map { 100 - $0 }),
            indicator("quiz_players", "Quiz players", "people who answered the quiz", type: 1, value: Double(players.count)),
            indicator("photo_entries", "Photo entries", "entries submitted to photo contests", type: 1, value: Double(photo.count)),
            indicator("photo_entries_eligible", "Eligible photo entries", "entries meeting every rule of the contest", type: 1, value: Double(eligible)),
            indicator("photo_entries_ineligible", "Ineligible photo entries", "entries failing a rule (deadline, hashtags, platform, attendance)",
                      type: 1, value: Double(photo.count - eligible)),
            indicator("proposals_received", "Proposals received", "proposals submitted", type: 1, value: Double(proposalList.count)),
            indicator("proposals_accepted", "Proposals taken up", "proposals whose status is accepted or implemented", type: 3, value: Double(takenUp)),
            indicator("proposals_accepted_share", "Share of proposals taken up", "accepted or implemented, of proposals received, in %",
                      type: 3, measure: 2, value: proposalList.isEmpty ? nil : 100 * Double(takenUp) / Double(proposalList.count)),
            indicator("supports_per_proposal", "Supports per proposal", "supports, divided by proposals received", type: 2,
                      value: proposalList.isEmpty ? nil : Double(supports) / Double(proposalList.count)),
        ]
        if isProject {
            indicators.append(indicator("cost_per_engaged_person", "Cost per engaged person (EUR)", "the project's budget_eur, divided by people engaged",
                                        type: 2, value: project?.budget.flatMap { engaged.isEmpty ? nil : $0 / Double(engaged.count) }))
        }
        let scopeTitle = isProject ? (project?.title ?? projectID) : (attendees.engagements[engagement!]?.info.title ?? engagement!)
        return ImpactResults(projectID: projectID, projectTitle: project?.title ?? projectID, engagementID: engagement, scopeTitle: scopeTitle,
                             indicators: indicators, breakdowns: breakdowns,
                             proposalsByTheme: EventCatalog.themes.map { t in (t, proposalList.filter { $0.theme == t }.count) },
                             proposalsByStatus: ProposalsProjection.statuses.map { s in (s, proposalList.filter { $0.status == s }.count) },
                             monthly: monthly, perEngagement: isProject ? perEngagement : [])
    }

    /// How many of `people` fall in each of `categories` (by `key`), in one pass.
    static func tally(_ people: some Sequence<Profile>, _ categories: [String], _ key: KeyPath<Profile, String>) -> [Int] {
        var counts: [String: Int] = [:]
        for profile in people { counts[profile[keyPath: key], default: 0] += 1 }
        return categories.map { counts[$0] ?? 0 }
    }

    /// The actual value of an indicator over a period (dates inclusive, local dates), or nil when it has no data.
    func actualValue(_ indicator: String, from start: String, to end: String, scope: Set<String>) -> (value: Double?, bySex: [(sex: String, value: Double)]) {
        guard let first = Timestamp.days(ofDate: start), let last = Timestamp.days(ofDate: end) else { return (nil, []) }
        let period = first...last
        func counted(_ people: [Profile]) -> (Double?, [(sex: String, value: Double)]) {
            (Double(people.count), zip(EventCatalog.sexes, Self.tally(people, EventCatalog.sexes, \.sexKey)).map { ($0, Double($1)) })
        }
        func engaged(through lastDay: ClosedRange<Int64>) -> [Profile] {
            people.values.compactMap { activity in
                let days = activity.actionDays.filter { scope.contains($0.key) }
                guard days.values.contains(where: { $0.contains(where: lastDay.contains) }) else { return nil }
                return activity.acted.filter { scope.contains($0.key) }.min { $0.value.at < $1.value.at }?.value.profile
            }
        }
        let proposalList = proposals.order.compactMap { proposals.proposals[$0] }.filter { scope.contains($0.engagement) }
        func submitted(_ proposal: ProposalsProjection.Proposal) -> Bool {
            proposal.submittedAt.map { period.contains(day($0, zone: proposals.zones[proposal.engagement])) } ?? false
        }
        func takenUp(_ proposal: ProposalsProjection.Proposal, within days: ClosedRange<Int64>) -> Bool {
            proposal.history.contains { ($0.status == "accepted" || $0.status == "implemented")
                && ($0.at.map { days.contains(day($0, zone: proposals.zones[proposal.engagement])) } ?? false) }
        }
        func conversion() -> Double? {
            var seated = 0, came = 0
            for id in scope {
                guard let e = attendees.engagements[id], let starts = e.info.startsAt, period.contains(day(starts, zone: e.info.timeZone)) else { continue }
                let holders = e.resolve().seated
                seated += holders.count
                came += holders.filter { e.people[$0]?.checkedInAt != nil }.count
            }
            return seated == 0 ? nil : 100 * Double(came) / Double(seated)
        }
        func photoEntries(eligible: Bool?) -> Double {
            let contests = standings.order.compactMap { standings.contests[$0] }.filter { $0.kind == "photo" && scope.contains($0.engagement) }
            return Double(contests.flatMap { contest in
                standings.evaluatedEntries(of: contest).filter { scored in
                    let zone = attendees.engagements[contest.engagement]?.info.timeZone
                    guard let posted = scored.entry.postedAt, period.contains(day(posted, zone: zone)) else { return false }
                    return eligible.map { $0 == scored.reasons.isEmpty } ?? true
                }
            }.count)
        }
        switch indicator {
        case "people_registered":
            return counted(people.values.compactMap { $0.registered.flatMap { period.contains($0.day) ? $0.profile : nil } })
        case "people_engaged":
            return counted(engaged(through: period))
        case "unique_attendees", "repeat_attendees":
            let needed = indicator == "unique_attendees" ? 1 : 2
            return counted(people.values.compactMap { activity in
                let visits = activity.checkIns.filter { scope.contains($0.key) && period.contains($0.value.day) }
                return visits.count >= needed ? visits.min { $0.value.day < $1.value.day }?.value.profile : nil
            })
        case "proposals_received":
            return (Double(proposalList.filter(submitted).count), [])
        case "proposals_accepted":
            return (Double(proposalList.filter { takenUp($0, within: period) }.count), [])
        case "proposals_accepted_share":
            let received = proposalList.filter(submitted)
            let taken = received.filter { takenUp($0, within: first...Int64.max) }.count
            return (received.isEmpty ? nil : 100 * Double(taken) / Double(received.count), [])
        case "supports_per_proposal":
            let received = proposalList.filter(submitted)
            return (received.isEmpty ? nil : Double(received.reduce(0) { $0 + $1.supporters.count }) / Double(received.count), [])
        case "rsvp_conversion":
            return (conversion(), [])
        case "no_show_rate":
            return (conversion().map { 100 - $0 }, [])
        case "quiz_players":
            return (Double(Set(scope.flatMap { id in (quizPlayers[id] ?? [:]).filter { period.contains($0.value) }.map(\.key) }).count), [])
        case "photo_entries":
            return (photoEntries(eligible: nil), [])
        case "photo_entries_eligible":
            return (photoEntries(eligible: true), [])
        case "photo_entries_ineligible":
            return (photoEntries(eligible: false), [])
        case "cost_per_engaged_person":
            // The whole budget over everyone engaged from the start of the project to the end of the period.
            let everyone = engaged(through: Int64.min...last).count
            let budget = projects.values.first { project in attendees.engagements.values.contains { scope.contains($0.info.id) && $0.info.project == project.id } }?.budget
            return (budget.flatMap { everyone == 0 ? nil : $0 / Double(everyone) }, [])
        default:
            return (nil, [])
        }
    }

    /// Every month from `first` to `last` (`2017-09` ... `2018-03`), so that the line has no gaps.
    static func months(from first: String?, to last: String?) -> [String] {
        guard let first, let last, let y0 = Int(first.prefix(4)), let m0 = Int(first.suffix(2)),
              let y1 = Int(last.prefix(4)), let m1 = Int(last.suffix(2)) else { return [] }
        var out: [String] = []
        var (y, m) = (y0, m0)
        while (y, m) <= (y1, m1) {
            out.append(String(format: "%04d-%02d", y, m))
            (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
        }
        return out
    }
}
