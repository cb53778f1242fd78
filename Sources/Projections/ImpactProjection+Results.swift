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
    /// How many events of the ledger the value was computed from (events/README.md, section 8.2).
    public var events: Int64 = 0

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
    /// The project as `project.defined` gave it (nil when no event defined it).
    public var project: ImpactProjection.Project? = nil
    /// The scheduled engagements in scope, in the order they were scheduled.
    public var engagements: [EngagementInfo] = []
    /// The earliest and latest `occurred_at` of the actions counted in scope, each with its
    /// engagement's time zone: the period the figures cover (nil when none was counted).
    public var covered: (first: (at: Timestamp, zone: TimeZone), last: (at: Timestamp, zone: TimeZone))? = nil
}

extension ImpactProjection {

    /// Scheduled engagements' ids, in the order they were scheduled.
    var engagementOrder: [String] { scheduled.map { engagements[Int($0)].id } }

    /// What was scheduled as `id`.
    func info(_ id: String) -> EngagementInfo? {
        engagementNumbers[id].flatMap { engagements[Int($0)].info }
    }

    /// The people holding a seat at an engagement, given in the order people answered (see `SeatAllocation`).
    func seated(_ engagement: Engagement) -> [Int32] {
        guard let info = engagement.info else { return [] }
        if let seats = engagement.seats, seats.answers == engagement.answers.count { return seats.seated }
        return SeatAllocation(capacity: info.capacity, answers: engagement.answers.map { answer in
            (Timestamp(millisecondsSinceEpoch: answer.at), answer.seq, answer.person, Answer.kinds[Int(answer.kind)])
        }).seated
    }

    /// Gives the seats of every engagement whose answers changed since last time and keeps them,
    /// with the state: one new answer then costs one engagement's allocation, not every one's.
    public mutating func rememberSeats() {
        for k in engagements.indices where engagements[k].seats?.answers != engagements[k].answers.count {
            engagements[k].seats = (engagements[k].answers.count, seated(engagements[k]))
        }
    }

    /// The record of `person` at `engagement`, if there is one.
    func findInvolvement(of person: Int32, at engagement: Int32) -> Involvement? {
        var k = people[Int(person)].firstInvolvement
        while k >= 0 {
            if involvements[Int(k)].engagement == engagement { return involvements[Int(k)] }
            k = involvements[Int(k)].next
        }
        return nil
    }

    /// True when `person` checked in at `engagement`.
    func checkedIn(_ person: Int32, at engagement: Int32) -> Bool {
        (findInvolvement(of: person, at: engagement)?.checkInProfile ?? -1) >= 0
    }

    /// The photo entries in photo contests of the engagements in `scope`, each with whether it
    /// meets every rule (the author's attendance included), and the zone its day is read in.
    func photoEntries(in scope: [Bool]) -> [(entry: PhotoEntry, isEligible: Bool, zone: TimeZone?)] {
        photoEntries.compactMap { entry in
            let contest = contests[Int(entry.contest)]
            guard contest.kind == "photo", let engagement = engagementNumbers[contest.engagement], scope[Int(engagement)] else { return nil }
            return (entry, entry.meetsEntryRules && checkedIn(entry.person, at: engagement), engagements[Int(engagement)].info?.timeZone)
        }
    }

    /// The proposals made at the engagements in `scope`, in register order (the register itself,
    /// not a copy, when every one is).
    func proposals(in scope: [Bool]) -> [Proposal] {
        let inScope = proposals.map { proposal in engagementNumbers[proposal.engagement].map { scope[Int($0)] } ?? false }
        return inScope.allSatisfy { $0 } ? proposals : zip(proposals, inScope).compactMap { $1 ? $0 : nil }
    }

    /// How many of the people counted with `profiles` (profile numbers) fall in each of
    /// `categories` (by `key`): counted by profile number first, so `key` is read once a profile.
    func tally(_ counted: [Int32], _ categories: [String], _ key: KeyPath<Profile, String>) -> [Int] {
        var perProfile = [Int](repeating: 0, count: profiles.count)
        for profile in counted { perProfile[Int(profile)] += 1 }
        var counts: [String: Int] = [:]
        for (profile, count) in zip(profiles, perProfile) where count > 0 { counts[profile[keyPath: key], default: 0] += count }
        return categories.map { counts[$0] ?? 0 }
    }

    /// Counts by sex, as indicators show them.
    func bySex(_ counted: [Int32]) -> [(sex: String, value: Double)] {
        zip(EventCatalog.sexes, tally(counted, EventCatalog.sexes, \.sexKey)).map { ($0, Double($1)) }
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
        var inScope = [Bool](repeating: false, count: engagements.count)
        for id in scope { if let number = engagementNumbers[id] { inScope[Int(number)] = true } }
        let isProject = engagement == nil
        let single = engagement.flatMap { engagementNumbers[$0] } ?? -1

        let proposalList = proposals(in: inScope)
        let context = ActualsContext(of: self, scope: inScope, proposals: proposalList, single: single, budget: project?.budget)
        let firstActions = context.firstActions
        // Every indicator's value: the one computation, over the scope with no period.
        var figures: [String: (value: Double?, people: [Int32]?)] = [:]
        for indicator in Indicator.all where isProject || !indicator.isProjectOnly {
            figures[indicator.id] = figure(indicator, in: context, over: nil)
        }
        func counted(_ indicator: Indicator) -> [Int32] { figures[indicator.id]?.people ?? [] }

        // The first action of each person engaged (for the monthly line), and answers and
        // check-ins per engagement (for the per-engagement table).
        var engaged: [(at: Int64, engagement: Int32)] = []
        var answered = [Int](repeating: 0, count: engagements.count), attended = [Int](repeating: 0, count: engagements.count)
        for (k, person) in people.enumerated() {
            for involvement in involvements(of: person) where inScope[Int(involvement.engagement)] {
                if involvement.checkInProfile >= 0 { attended[Int(involvement.engagement)] += 1 }
                if involvement.hasRSVP { answered[Int(involvement.engagement)] += 1 }
            }
            if let first = firstActions[k] { engaged.append((first.firstActionAt, first.engagement)) }
        }
        let groups = Indicator.broken.map(counted)
        let dimensions: [(String, [String], KeyPath<Profile, String>)] = [
            ("group", EventCatalog.groups, \.group), ("district", EventCatalog.districts + ["unknown"], \.districtKey), ("sex", EventCatalog.sexes, \.sexKey),
        ]
        let breakdowns: [(dimension: String, rows: [(category: String, counts: [Int])])] = dimensions.map { dimension, categories, key in
            let columns = groups.map { tally($0, categories, key) }
            return (dimension, categories.enumerated().map { k, category in (category, columns.map { $0[k] }) })
        }

        // Conversion.
        var perEngagement: [(engagement: String, title: String, answered: Int, attended: Int, conversion: Double?)] = []
        for id in scope {
            guard let number = engagementNumbers[id], let info = engagements[Int(number)].info else { continue }
            let seats = seatsTaken(at: number)
            perEngagement.append((id, info.title, answered[Int(number)], attended[Int(number)],
                                  seats.seated == 0 ? nil : 100 * Double(seats.came) / Double(seats.seated)))
        }
        let photo = context.photo
        let supports = proposalList.reduce(0) { $0 + $1.supports }
        let actuals = context

        // Monthly progress: first engagement in scope, by calendar month in the engagement's zone.
        var newByMonthNumber: [Int64: Int] = [:] // year * 12 + month - 1
        for person in engaged {
            let date = Timestamp.civil(fromDays: day(Timestamp(millisecondsSinceEpoch: person.at), zone: engagements[Int(person.engagement)].info?.timeZone))
            newByMonthNumber[date.year * 12 + date.month - 1, default: 0] += 1
        }
        let newByMonth = Dictionary(uniqueKeysWithValues: newByMonthNumber.map { (String(format: "%04d-%02d", $0.key / 12, $0.key % 12 + 1), $0.value) })
        var running = 0
        let monthly = Self.months(from: newByMonth.keys.min(), to: newByMonth.keys.max()).map { month -> (month: String, new: Int, cumulative: Int) in
            running += newByMonth[month] ?? 0
            return (month, newByMonth[month] ?? 0, running)
        }

        // The events behind each figure: the actions counted at the engagements in scope, by type.
        var actionCounts = [Int64](repeating: 0, count: Self.actionOrder.count)
        var answersAtScheduled: Int64 = 0
        for id in scope {
            guard let number = engagementNumbers[id] else { continue }
            for (k, count) in engagements[Int(number)].actionCounts.enumerated() { actionCounts[k] = actionCounts[k].adding(saturating: count) }
            answersAtScheduled += Int64(engagements[Int(number)].answers.count)
        }
        func actions(_ type: EventTypeName) -> Int64 { actionCounts[Self.actionOrder.firstIndex(of: type)!] } // invariant: an action type
        let statusChanges = Int64(proposalList.reduce(0) { $0 + $1.history.count })
        let eventsBehind: [String: Int64] = [
            Indicator.peopleRegistered.id: isProject ? Int64(counted(.peopleRegistered).count) : actions(.rsvpSubmitted) + actions(.rsvpCancelled),
            Indicator.peopleEngaged.id: actionCounts.reduce(0, +),
            Indicator.uniqueAttendees.id: actions(.attendanceCheckedIn),
            Indicator.repeatAttendees.id: actions(.attendanceCheckedIn),
            Indicator.rsvpConversion.id: answersAtScheduled + actions(.attendanceCheckedIn),
            Indicator.noShowRate.id: answersAtScheduled + actions(.attendanceCheckedIn),
            Indicator.quizPlayers.id: actions(.quizAnswerSubmitted),
            Indicator.photoEntries.id: Int64(photo.count),
            Indicator.photoEntriesEligible.id: Int64(photo.count) + actions(.attendanceCheckedIn),
            Indicator.photoEntriesIneligible.id: Int64(photo.count) + actions(.attendanceCheckedIn),
            Indicator.proposalsReceived.id: Int64(proposalList.count),
            Indicator.proposalsAccepted.id: statusChanges,
            Indicator.proposalsAcceptedShare.id: Int64(proposalList.count) + statusChanges,
            Indicator.supportsPerProposal.id: Int64(proposalList.count + supports),
            Indicator.costPerEngagedPerson.id: 1 + actionCounts.reduce(0, +),
        ]
        func result(_ indicator: Indicator, _ value: Double?, people: [Int32]? = nil) -> IndicatorResult {
            let periods: [IndicatorResult.Period] = !isProject ? [] : targets.filter { $0.indicator == indicator.id && $0.project == projectID }.map { target in
                let actual = actualValue(indicator.id, from: target.start, to: target.end, in: actuals)
                return IndicatorResult.Period(start: target.start, end: target.end, baseline: target.baseline, target: target.target,
                                              actual: actual.value, actualBySex: actual.bySex)
            }
            return IndicatorResult(id: indicator.id, title: indicator.title(in: .en), definition: indicator.definition(forEngagement: !isProject),
                                   resultType: indicator.level.rawValue, measure: indicator.iatiMeasure, value: value,
                                   bySex: indicator.breakdowns.contains(.sex) ? people.map(bySex) ?? [] : [], periods: periods,
                                   events: eventsBehind[indicator.id] ?? 0)
        }
        let indicators = Indicator.all.filter { isProject || !$0.isProjectOnly }.map { result($0, figures[$0.id]?.value, people: figures[$0.id]?.people) }
        let scopeTitle = isProject ? (project?.title ?? projectID) : (info(engagement!)?.title ?? engagement!)
        // The period covered: the first and last action counted at any engagement in scope.
        var covered: (first: (at: Timestamp, zone: TimeZone), last: (at: Timestamp, zone: TimeZone))?
        let utc = TimeZone(identifier: "UTC")!
        for id in scope {
            guard let number = engagementNumbers[id], let counted = engagements[Int(number)].counted else { continue }
            let zone = engagements[Int(number)].info?.timeZone ?? utc
            let first = (Timestamp(millisecondsSinceEpoch: counted.first), zone), last = (Timestamp(millisecondsSinceEpoch: counted.last), zone)
            covered = (covered.map { $0.first.at <= first.0 ? $0.first : first } ?? first, covered.map { $0.last.at >= last.0 ? $0.last : last } ?? last)
        }
        var themeCounts: [String: Int] = [:], statusCounts: [String: Int] = [:]
        for proposal in proposalList {
            themeCounts[proposal.theme, default: 0] += 1
            statusCounts[proposal.status, default: 0] += 1
        }
        return ImpactResults(projectID: projectID, projectTitle: project?.title ?? projectID, engagementID: engagement, scopeTitle: scopeTitle,
                             indicators: indicators, breakdowns: breakdowns,
                             proposalsByTheme: EventCatalog.themes.map { ($0, themeCounts[$0] ?? 0) },
                             proposalsByStatus: ProposalsProjection.statuses.map { ($0, statusCounts[$0] ?? 0) },
                             monthly: monthly, perEngagement: isProject ? perEngagement : [], project: project,
                             engagements: scope.compactMap(info), covered: covered)
    }

    /// True when `a` comes before `b` by `key`, then by engagement id.
    func precedes(_ a: Involvement, _ b: Involvement, by key: (Involvement) -> Int64) -> Bool {
        key(a) != key(b) ? key(a) < key(b) : engagements[Int(a.engagement)].id < engagements[Int(b.engagement)].id
    }

    /// The involvement in scope whose first action is the person's earliest (then by engagement
    /// id): the one a person engaged is counted at.
    func firstAction(of person: Person, in scope: [Bool]) -> Involvement? {
        var first: Involvement?
        for involvement in involvements(of: person) where scope[Int(involvement.engagement)] && involvement.firstActionAt != .max {
            if first.map({ precedes(involvement, $0, by: \.firstActionAt) }) ?? true { first = involvement }
        }
        return first
    }

    /// What the figures of a scope are counted from.
    struct ActualsContext {
        /// By engagement number: in scope or not.
        var scope: [Bool]
        var proposals: [Proposal]
        /// The one engagement of an engagement's report, or -1 for a project's.
        var single: Int32 = -1
        /// The project's budget, for the cost per person.
        var budget: Double?
        /// By person number: `firstAction(of:in: scope)`, computed once for every figure.
        var firstActions: [Involvement?]
        /// What several figures share over the whole scope, computed once: the photo entries in
        /// scope, the first-action profile of everyone engaged, and the RSVP conversion.
        var photo: [(entry: PhotoEntry, isEligible: Bool, zone: TimeZone?)] = []
        var engaged: [Int32] = []
        var conversion: Double?

        init(of projection: ImpactProjection, scope: [Bool], proposals: [Proposal], single: Int32 = -1, budget: Double?) {
            self.scope = scope
            self.proposals = proposals
            self.single = single
            self.budget = budget
            firstActions = projection.people.map { projection.firstAction(of: $0, in: scope) }
            engaged = firstActions.compactMap { $0?.firstActionProfile }
            photo = projection.photoEntries(in: scope)
            conversion = projection.conversion(in: scope, over: nil)
        }
    }

    /// One indicator over a scope, and over `period` (local days, both ends included) when one is
    /// given: the one computation that the indicator table, the targets' actuals and the
    /// reporting periods all read (events/README.md, sections 8.2 and 8.3).
    /// - Returns: the value (nil when there is nothing to count from) and, for the indicators
    ///   that count people, the profile each person is counted with.
    func figure(_ indicator: Indicator, in context: ActualsContext, over period: ClosedRange<Int64>?) -> (value: Double?, people: [Int32]?) {
        let scope = context.scope
        let isProject = context.single < 0
        func inPeriod(_ day: Int64) -> Bool { period?.contains(day) ?? true }
        /// People with an action on a day in `days` in scope (any day: `nil`), each with their earliest first action's profile.
        func engaged(on days: ((Int64) -> Bool)?) -> [Int32] {
            guard days != nil else { return context.engaged }
            var out: [Int32] = []
            for (k, person) in people.enumerated() {
                guard let first = context.firstActions[k] else { continue }
                if let days {
                    let acted = involvements(of: person).contains { involvement in
                        scope[Int(involvement.engagement)] && self.days(of: involvement).contains { days(Int64($0.day)) }
                    }
                    guard acted else { continue }
                }
                out.append(first.firstActionProfile)
            }
            return out
        }
        func zone(_ engagement: String) -> TimeZone? { info(engagement)?.timeZone }
        func submitted(_ proposal: Proposal) -> Bool {
            guard let period else { return true }
            return proposal.submittedAt.map { period.contains(day($0, zone: zone(proposal.engagement))) } ?? false
        }
        /// Taken up: its status now (no period), or a change to it dated within `days`.
        func takenUp(_ proposal: Proposal, within days: ClosedRange<Int64>?) -> Bool {
            guard let days else { return proposal.status == "accepted" || proposal.status == "implemented" }
            return proposal.history.contains { ($0.status == "accepted" || $0.status == "implemented")
                && ($0.at.map { days.contains(day($0, zone: zone(proposal.engagement))) } ?? false) }
        }
        func conversion() -> Double? {
            period == nil ? context.conversion : self.conversion(in: scope, over: period)
        }
        func photoEntries(eligible: Bool?) -> Double {
            Double(context.photo.filter { scored in
                if let period {
                    guard let posted = scored.entry.postedAt, period.contains(day(posted, zone: scored.zone)) else { return false }
                }
                return eligible.map { $0 == scored.isEligible } ?? true
            }.count)
        }
        func counted(_ profiles: [Int32]) -> (Double?, [Int32]?) { (Double(profiles.count), profiles) }
        var received: [Proposal] { context.proposals.filter(submitted) } // for the proposals' figures only
        switch indicator.id {
        case Indicator.peopleRegistered.id:
            if !isProject {
                // An engagement's: the people who answered its invitation, as they were when they first acted there.
                return counted(people.compactMap { person in
                    involvements(of: person).first { $0.engagement == context.single && $0.hasRSVP }?.firstActionProfile
                })
            }
            // Registrations belong to no project: with one project they all count; with several,
            // a project counts those who took part in one of its engagements (without a period).
            let everyone = projectOrder.count <= 1 || period != nil
            return counted(people.compactMap { person in
                guard person.registeredProfile >= 0, inPeriod(Int64(person.registeredDay)) else { return nil }
                guard everyone || involvements(of: person).contains(where: { scope[Int($0.engagement)] && $0.firstActionAt != .max }) else { return nil }
                return person.registeredProfile
            })
        case Indicator.peopleEngaged.id:
            return counted(engaged(on: period.map { period in { period.contains($0) } }))
        case Indicator.uniqueAttendees.id, Indicator.repeatAttendees.id:
            let needed = indicator.id == Indicator.uniqueAttendees.id ? 1 : 2
            var out: [Int32] = []
            for person in people {
                var first: Involvement?
                var visits = 0, everywhere = 0
                for involvement in involvements(of: person) where involvement.checkInProfile >= 0 {
                    everywhere += 1
                    guard scope[Int(involvement.engagement)], inPeriod(Int64(involvement.checkInDay)) else { continue }
                    visits += 1
                    if first.map({ precedes(involvement, $0, by: { Int64($0.checkInDay) }) }) ?? true { first = involvement }
                }
                // An engagement's repeat attendees: checked in there and at another engagement of any project.
                if let first, (isProject ? visits : everywhere) >= needed { out.append(first.checkInProfile) }
            }
            return counted(out)
        case Indicator.proposalsReceived.id:
            return (Double(received.count), nil)
        case Indicator.proposalsAccepted.id:
            return (Double(context.proposals.filter { takenUp($0, within: period) }.count), nil)
        case Indicator.proposalsAcceptedShare.id:
            let received = received
            let taken = received.filter { takenUp($0, within: period.map { $0.lowerBound...Int64.max }) }.count
            return (received.isEmpty ? nil : 100 * Double(taken) / Double(received.count), nil)
        case Indicator.supportsPerProposal.id:
            let received = received
            return (received.isEmpty ? nil : Double(received.reduce(0) { $0 + $1.supports }) / Double(received.count), nil)
        case Indicator.rsvpConversion.id:
            return (conversion(), nil)
        case Indicator.noShowRate.id:
            return (conversion().map { 100 - $0 }, nil)
        case Indicator.quizPlayers.id:
            var played = [Bool](repeating: false, count: people.count), players = 0
            for involvement in involvements where involvement.quizDay != .min && scope[Int(involvement.engagement)] && inPeriod(Int64(involvement.quizDay)) {
                if !played[Int(involvement.person)] { played[Int(involvement.person)] = true; players += 1 }
            }
            return (Double(players), nil)
        case Indicator.photoEntries.id:
            return (photoEntries(eligible: nil), nil)
        case Indicator.photoEntriesEligible.id:
            return (photoEntries(eligible: true), nil)
        case Indicator.photoEntriesIneligible.id:
            return (photoEntries(eligible: false), nil)
        case Indicator.costPerEngagedPerson.id:
            // The whole budget over everyone engaged from the start to the end of the period.
            let everyone = engaged(on: period.map { period in { $0 <= period.upperBound } }).count
            return (context.budget.flatMap { everyone == 0 ? nil : $0 / Double(everyone) }, nil)
        default:
            return (nil, nil)
        }
    }

    /// The share of seats taken at the engagements in `scope` (scheduled to start within `period`,
    /// local days, when one is given) whose holder checked in, in percent; nil with no seats.
    func conversion(in scope: [Bool], over period: ClosedRange<Int64>?) -> Double? {
        var seatedCount = 0, came = 0
        for (number, engagement) in engagements.enumerated() where scope[number] {
            guard let info = engagement.info else { continue }
            if let period {
                guard let starts = info.startsAt, period.contains(day(starts, zone: info.timeZone)) else { continue }
            }
            let seats = seatsTaken(at: Int32(number))
            seatedCount += seats.seated
            came += seats.came
        }
        return seatedCount == 0 ? nil : 100 * Double(came) / Double(seatedCount)
    }

    /// The seats given at engagement `number`, and how many of their holders checked in.
    func seatsTaken(at number: Int32) -> (seated: Int, came: Int) {
        let holders = seated(engagements[Int(number)])
        return (holders.count, holders.filter { checkedIn($0, at: number) }.count)
    }

    /// The actual value of an indicator over a period (dates inclusive, local dates), or nil when it has no data.
    func actualValue(_ indicator: String, from start: String, to end: String, in context: ActualsContext) -> (value: Double?, bySex: [(sex: String, value: Double)]) {
        guard let first = Timestamp.days(ofDate: start), let last = Timestamp.days(ofDate: end), first <= last, // an edited file can turn them round
              let definition = Indicator.byID[indicator] else { return (nil, []) }
        let computed = figure(definition, in: context, over: first...last)
        return (computed.value, computed.people.map(bySex) ?? [])
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
