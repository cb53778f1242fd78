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

    /// Scheduled engagements' ids, in the order they were scheduled.
    var engagementOrder: [String] { scheduled.map { engagements[Int($0)].id } }

    /// What was scheduled as `id`.
    func info(_ id: String) -> EngagementInfo? {
        engagementNumbers[id].flatMap { engagements[Int($0)].info }
    }

    /// The seats of an engagement, given in the order people answered (see `AttendeeProjection`).
    func seated(_ engagement: Engagement) -> [String] {
        guard let info = engagement.info else { return [] }
        var answering = AttendeeProjection.Engagement(info: info)
        answering.answers = engagement.answers.map { answer in
            AttendeeProjection.Answer(at: Timestamp(millisecondsSinceEpoch: answer.at), seq: answer.seq,
                                      participant: people[Int(answer.person)].id, kind: Answer.kinds[Int(answer.kind)])
        }
        return answering.resolve().seated
    }

    /// The photo entries in photo contests of the engagements in `scope`, each with whether it
    /// meets every rule (the author's attendance included), and the zone its day is read in.
    func photoEntries(in scope: Set<Int32>, checkedIn: Set<Int64>) -> [(entry: PhotoEntry, isEligible: Bool, zone: TimeZone?)] {
        photoEntries.compactMap { entry in
            let contest = contests[Int(entry.contest)]
            guard contest.kind == "photo", let engagement = engagementNumbers[contest.engagement], scope.contains(engagement) else { return nil }
            let attended = checkedIn.contains(Int64(entry.person) << 32 | Int64(engagement))
            return (entry, entry.meetsEntryRules && attended, engagements[Int(engagement)].info?.timeZone)
        }
    }

    /// Computes every indicator for `project` (the only one when nil), or for one engagement.
    public func results(project given: String?, engagement: String?) throws(ReportError) -> ImpactResults {
        var projectID: String
        var scope: [String]
        let order = engagementOrder
        if let engagement {
            guard let info = info(engagement) else {
                throw .notFound(what: "engagement", id: engagement, among: order)
            }
            projectID = info.project
            if let given, given != projectID { throw .notFound(what: "engagement of project \(given)", id: engagement, among: order.filter { self.info($0)?.project == given }) }
            scope = [engagement]
        } else {
            projectID = try ReportError.pick(given, from: projectOrder, what: "project", option: "--project")
            scope = order.filter { info($0)?.project == projectID }
        }
        let project = projects[projectID]
        let inScope = Set(scope.compactMap { engagementNumbers[$0] })
        let isProject = engagement == nil

        // People, each with the profile that counts them (registration, first action, first check-in in scope).
        var registered: [Profile] = []
        var engaged: [(at: Int64, profile: Profile, engagement: Int32)] = []
        var attendeesInScope: [Profile] = []
        var repeaters: [Profile] = []
        var checkedIn = Set<Int64>() // person << 32 | engagement, for conversion and photo entries
        var answered = [Int32: Int](), attended = [Int32: Int]()
        let single = engagement.flatMap { engagementNumbers[$0] }
        for person in people {
            var firstAction: Involvement?
            var firstCheckIn: Involvement?
            var checkIns = 0, checkInsInScope = 0
            var actedInScope = false
            var answeredHere: Involvement?
            for involvement in involvements(of: person) {
                let e = involvement.engagement
                let isIn = inScope.contains(e)
                if involvement.checkInProfile >= 0 {
                    checkIns += 1
                    checkedIn.insert(Int64(involvement.person) << 32 | Int64(e))
                    if isIn { attended[e, default: 0] += 1 }
                }
                if involvement.hasRSVP && isIn { answered[e, default: 0] += 1 }
                guard isIn else { continue }
                if e == single && involvement.hasRSVP { answeredHere = involvement }
                if involvement.firstActionAt != .max {
                    actedInScope = true
                    if firstAction.map({ involvement.firstActionAt < $0.firstActionAt
                        || (involvement.firstActionAt == $0.firstActionAt && engagements[Int(e)].id < engagements[Int($0.engagement)].id) }) ?? true {
                        firstAction = involvement
                    }
                }
                if involvement.checkInProfile >= 0 {
                    checkInsInScope += 1
                    if firstCheckIn.map({ involvement.checkInDay < $0.checkInDay
                        || (involvement.checkInDay == $0.checkInDay && engagements[Int(e)].id < engagements[Int($0.engagement)].id) }) ?? true {
                        firstCheckIn = involvement
                    }
                }
            }
            if isProject {
                // Registrations belong to no project: with one project they all count; with
                // several, a project counts those who took part in one of its engagements.
                if person.registeredProfile >= 0, projectOrder.count <= 1 || actedInScope {
                    registered.append(profiles[Int(person.registeredProfile)])
                }
            } else if let answeredHere {
                registered.append(profiles[Int(answeredHere.firstActionProfile)])
            }
            if let firstAction {
                engaged.append((firstAction.firstActionAt, profiles[Int(firstAction.firstActionProfile)], firstAction.engagement))
            }
            if let firstCheckIn {
                let profile = profiles[Int(firstCheckIn.checkInProfile)]
                attendeesInScope.append(profile)
                if (isProject ? checkInsInScope : checkIns) >= 2 { repeaters.append(profile) }
            }
        }
        let groups: [[Profile]] = [registered, engaged.map(\.profile), attendeesInScope, repeaters]
        func bySex(_ people: [Profile]) -> [(sex: String, value: Double)] {
            zip(EventCatalog.sexes, Self.tally(people, EventCatalog.sexes, \.sexKey)).map { ($0, Double($1)) }
        }
        let dimensions: [(String, [String], KeyPath<Profile, String>)] = [
            ("group", EventCatalog.groups, \.group), ("district", EventCatalog.districts + ["unknown"], \.districtKey), ("sex", EventCatalog.sexes, \.sexKey),
        ]
        let breakdowns: [(dimension: String, rows: [(category: String, counts: [Int])])] = dimensions.map { dimension, categories, key in
            let columns = groups.map { Self.tally($0, categories, key) }
            return (dimension, categories.enumerated().map { k, category in (category, columns.map { $0[k] }) })
        }

        // Conversion.
        var seatedCount = 0, seatedAttended = 0
        var perEngagement: [(engagement: String, title: String, answered: Int, attended: Int, conversion: Double?)] = []
        for id in scope {
            guard let number = engagementNumbers[id], let info = engagements[Int(number)].info else { continue }
            let holders = seated(engagements[Int(number)])
            let came = holders.filter { personNumbers[$0].map { checkedIn.contains(Int64($0) << 32 | Int64(number)) } ?? false }.count
            seatedCount += holders.count
            seatedAttended += came
            perEngagement.append((id, info.title, answered[number] ?? 0, attended[number] ?? 0,
                                  holders.isEmpty ? nil : 100 * Double(came) / Double(holders.count)))
        }
        let conversion = seatedCount == 0 ? nil : 100 * Double(seatedAttended) / Double(seatedCount)

        // Contests and proposals.
        let players = Set(involvements.lazy.filter { $0.quizDay != .min && inScope.contains($0.engagement) }.map(\.person)).count
        let photo = photoEntries(in: inScope, checkedIn: checkedIn)
        let eligible = photo.filter(\.isEligible).count
        let proposalList = proposals.filter { proposal in engagementNumbers[proposal.engagement].map(inScope.contains) ?? false }
        let takenUp = proposalList.filter { $0.status == "accepted" || $0.status == "implemented" }.count
        let supports = proposalList.reduce(0) { $0 + $1.supports }
        let actuals = ActualsContext(scope: inScope, checkedIn: checkedIn, proposals: proposalList)

        // Monthly progress: first engagement in scope, by calendar month in the engagement's zone.
        var newByMonth: [String: Int] = [:]
        for person in engaged {
            let zone = engagements[Int(person.engagement)].info?.timeZone ?? TimeZone(identifier: "UTC")!
            newByMonth[LocalTime.month(Timestamp(millisecondsSinceEpoch: person.at), in: zone), default: 0] += 1
        }
        var running = 0
        let monthly = Self.months(from: newByMonth.keys.min(), to: newByMonth.keys.max()).map { month -> (month: String, new: Int, cumulative: Int) in
            running += newByMonth[month] ?? 0
            return (month, newByMonth[month] ?? 0, running)
        }

        func indicator(_ id: String, _ title: String, _ definition: String, type: Int, measure: Int = 1, value: Double?,
                       people: [Profile]? = nil) -> IndicatorResult {
            let periods: [IndicatorResult.Period] = !isProject ? [] : targets.filter { $0.indicator == id && $0.project == projectID }.map { target in
                let actual = actualValue(id, from: target.start, to: target.end, in: actuals)
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
                      type: 1, value: Double(engaged.count), people: engaged.map(\.profile)),
            indicator("unique_attendees", "Unique attendees", "people checked in at one engagement or more", type: 1,
                      value: Double(attendeesInScope.count), people: attendeesInScope),
            indicator("repeat_attendees", "Repeat attendees", "people checked in at two engagements or more", type: 2,
                      value: Double(repeaters.count), people: repeaters),
            indicator("rsvp_conversion", "RSVP-to-attendance conversion", "checked in, of those holding a seat (confirmed or late), in %",
                      type: 2, measure: 2, value: conversion),
            indicator("no_show_rate", "No-show rate", "not checked in, of those holding a seat, in %", type: 2, measure: 2,
                      value: conversion.map { 100 - $0 }),
            indicator("quiz_players", "Quiz players", "people who answered the quiz", type: 1, value: Double(players)),
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
        let scopeTitle = isProject ? (project?.title ?? projectID) : (info(engagement!)?.title ?? engagement!)
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

    /// What the actual values of a scope are counted from.
    struct ActualsContext {
        var scope: Set<Int32>
        var checkedIn: Set<Int64>
        var proposals: [Proposal]
    }

    /// The actual value of an indicator over a period (dates inclusive, local dates), or nil when it has no data.
    func actualValue(_ indicator: String, from start: String, to end: String, in context: ActualsContext) -> (value: Double?, bySex: [(sex: String, value: Double)]) {
        guard let first = Timestamp.days(ofDate: start), let last = Timestamp.days(ofDate: end) else { return (nil, []) }
        let period = first...last
        let scope = context.scope
        func counted(_ people: [Profile]) -> (Double?, [(sex: String, value: Double)]) {
            (Double(people.count), zip(EventCatalog.sexes, Self.tally(people, EventCatalog.sexes, \.sexKey)).map { ($0, Double($1)) })
        }
        /// The earliest of `candidates` by `key`, then by engagement id.
        func earliest(_ candidates: [Involvement], by key: (Involvement) -> Int64) -> Involvement? {
            candidates.min { key($0) != key($1) ? key($0) < key($1) : engagements[Int($0.engagement)].id < engagements[Int($1.engagement)].id }
        }
        func engaged(through lastDay: ClosedRange<Int64>) -> [Profile] {
            people.compactMap { person in
                let inScope = involvements(of: person).filter { scope.contains($0.engagement) }
                guard inScope.contains(where: { days(of: $0).contains { lastDay.contains(Int64($0.day)) } }) else { return nil }
                return earliest(inScope.filter { $0.firstActionAt != .max }, by: \.firstActionAt).map { profiles[Int($0.firstActionProfile)] }
            }
        }
        func zone(_ engagement: String) -> TimeZone? { info(engagement)?.timeZone }
        func submitted(_ proposal: Proposal) -> Bool {
            proposal.submittedAt.map { period.contains(day($0, zone: zone(proposal.engagement))) } ?? false
        }
        func takenUp(_ proposal: Proposal, within days: ClosedRange<Int64>) -> Bool {
            proposal.history.contains { ($0.status == "accepted" || $0.status == "implemented")
                && ($0.at.map { days.contains(day($0, zone: zone(proposal.engagement))) } ?? false) }
        }
        func conversion() -> Double? {
            var seatedCount = 0, came = 0
            for number in scope.sorted() {
                let engagement = engagements[Int(number)]
                guard let info = engagement.info, let starts = info.startsAt, period.contains(day(starts, zone: info.timeZone)) else { continue }
                let holders = seated(engagement)
                seatedCount += holders.count
                came += holders.filter { personNumbers[$0].map { context.checkedIn.contains(Int64($0) << 32 | Int64(number)) } ?? false }.count
            }
            return seatedCount == 0 ? nil : 100 * Double(came) / Double(seatedCount)
        }
        func photoEntries(eligible: Bool?) -> Double {
            Double(self.photoEntries(in: scope, checkedIn: context.checkedIn).filter { scored in
                guard let posted = scored.entry.postedAt, period.contains(day(posted, zone: scored.zone)) else { return false }
                return eligible.map { $0 == scored.isEligible } ?? true
            }.count)
        }
        let proposalList = context.proposals
        switch indicator {
        case "people_registered":
            return counted(people.compactMap { $0.registeredProfile >= 0 && period.contains(Int64($0.registeredDay)) ? profiles[Int($0.registeredProfile)] : nil })
        case "people_engaged":
            return counted(engaged(through: period))
        case "unique_attendees", "repeat_attendees":
            let needed = indicator == "unique_attendees" ? 1 : 2
            return counted(people.compactMap { person in
                let visits = involvements(of: person).filter { $0.checkInProfile >= 0 && scope.contains($0.engagement) && period.contains(Int64($0.checkInDay)) }
                return visits.count >= needed ? earliest(visits, by: { Int64($0.checkInDay) }).map { profiles[Int($0.checkInProfile)] } : nil
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
            return (received.isEmpty ? nil : Double(received.reduce(0) { $0 + $1.supports }) / Double(received.count), [])
        case "rsvp_conversion":
            return (conversion(), [])
        case "no_show_rate":
            return (conversion().map { 100 - $0 }, [])
        case "quiz_players":
            return (Double(Set(involvements.lazy.filter { $0.quizDay != .min && scope.contains($0.engagement) && period.contains(Int64($0.quizDay)) }.map(\.person)).count), [])
        case "photo_entries":
            return (photoEntries(eligible: nil), [])
        case "photo_entries_eligible":
            return (photoEntries(eligible: true), [])
        case "photo_entries_ineligible":
            return (photoEntries(eligible: false), [])
        case "cost_per_engaged_person":
            // The whole budget over everyone engaged from the start of the project to the end of the period.
            let everyone = engaged(through: Int64.min...last).count
            let budget = projects.values.first { project in scope.contains { engagements[Int($0)].info?.project == project.id } }?.budget
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
