import Ledger

/// How the impact report divides a project's time: EU actions report per period.
public enum ReportingPeriod: String, Sendable, CaseIterable {
    /// The whole project, from `starts_on` to `ends_on`.
    case project
    /// Project years: twelve months from `starts_on` (April to March for WeAlmaty).
    case year
    /// Three months at a time from `starts_on`.
    case quarter
    /// One month at a time from `starts_on`.
    case month

    var months: Int64? {
        switch self {
        case .project: nil
        case .year: 12
        case .quarter: 3
        case .month: 1
        }
    }
}

/// One reporting period's actuals: each indicator's value over the period (computed as a
/// target's actual is), with its sex breakdown where people are counted, and the baseline and
/// target set for exactly that period, if any.
public struct PeriodActuals: Sendable {
    public var start: String
    public var end: String
    public var rows: [(indicator: Indicator, actual: Double?, bySex: [(sex: String, value: Double)], baseline: Double?, target: Double?)]
}

extension ImpactProjection {
    /// The most periods a report is made of: a monthly report of a project of 100 years. Dates
    /// edited to span the calendar (0001 to 9999) would otherwise give 120,000 periods, each
    /// computed over all the data: minutes and gigabytes for a report no funder asks for.
    static let maximumPeriods: Int64 = 1_200

    /// The periods of `kind` of the project, from its start to its end or to the last day it
    /// has data for, whichever comes first.
    /// - Throws: `ReportError.tooLarge` for more than `maximumPeriods` of them.
    func reportingPeriods(_ kind: ReportingPeriod, of project: Project) throws(ReportError) -> [(start: String, end: String)] {
        guard let first = Timestamp.days(ofDate: project.startsOn), let last = Timestamp.days(ofDate: project.endsOn), first <= last else { return [] }
        guard let months = kind.months else { return [(project.startsOn, project.endsOn)] }
        let through = min(last, latestDay() ?? first)
        let (from, to) = (Timestamp.civil(fromDays: first), Timestamp.civil(fromDays: through))
        let count = through < first ? 0 : ((to.year * 12 + to.month) - (from.year * 12 + from.month)) / months + 1
        guard count <= Self.maximumPeriods else {
            throw .tooLarge(reason: "by \(kind.rawValue), the project's data from \(project.startsOn) to \(Self.dateText(through)) makes about \(count) reporting periods; "
                            + "a report of more than \(Self.maximumPeriods) is not made: choose a longer --period, or check the project's dates")
        }
        var periods: [(start: String, end: String)] = []
        var step: Int64 = 0
        while true {
            let start = Self.adding(months: step * months, to: first)
            guard start <= through, start <= last else { break }
            let end = min(Self.adding(months: (step + 1) * months, to: first) - 1, last)
            periods.append((Self.dateText(start), Self.dateText(end)))
            step += 1
        }
        return periods
    }

    /// The day `months` calendar months after `day` (the day of the month kept, or the month's last).
    static func adding(months: Int64, to day: Int64) -> Int64 {
        let date = Timestamp.civil(fromDays: day)
        let total = date.year * 12 + (date.month - 1) + months
        let year = total.floorDivided(by: 12), month = total - year * 12 + 1
        let nextMonth = month == 12 ? Timestamp.daysFromCivil(year: year + 1, month: 1, day: 1) : Timestamp.daysFromCivil(year: year, month: month + 1, day: 1)
        let length = nextMonth - Timestamp.daysFromCivil(year: year, month: month, day: 1)
        return Timestamp.daysFromCivil(year: year, month: month, day: min(date.day, length))
    }

    static func dateText(_ day: Int64) -> String {
        let date = Timestamp.civil(fromDays: day)
        let year = String(date.year), month = String(date.month), dayOfMonth = String(date.day)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-"
            + (month.count < 2 ? "0" : "") + month + "-" + (dayOfMonth.count < 2 ? "0" : "") + dayOfMonth
    }

    /// The last local day anything counted happened on: an action, a registration, a proposal's
    /// submission or decision, a photo entry's posting.
    func latestDay() -> Int64? {
        var latest: Int64?
        func see(_ day: Int64) { latest = max(latest ?? day, day) }
        for day in actionDays { see(Int64(day.day)) }
        for person in people where person.registeredProfile >= 0 { see(Int64(person.registeredDay)) }
        for proposal in proposals {
            let zone = info(proposal.engagement)?.timeZone
            if let at = proposal.submittedAt { see(day(at, zone: zone)) }
            for change in proposal.history { if let at = change.at { see(day(at, zone: zone)) } }
        }
        for entry in photoEntries {
            let contest = contests[Int(entry.contest)]
            if let at = entry.postedAt { see(day(at, zone: info(contest.engagement)?.timeZone)) }
        }
        return latest
    }

    /// Each indicator's actual over each period of `kind`, for `project` (the only one when nil).
    public func periodActuals(_ kind: ReportingPeriod, project given: String?) throws(ReportError) -> [PeriodActuals] {
        let projectID = try ReportError.pick(given, from: projectOrder, what: "project", option: "--project")
        guard let project = projects[projectID] else { return [] }
        var inScope = [Bool](repeating: false, count: engagements.count)
        for number in scheduled where engagements[Int(number)].info?.project == projectID { inScope[Int(number)] = true }
        let context = ActualsContext(of: self, scope: inScope, proposals: proposals(in: inScope), budget: project.budget)
        return try reportingPeriods(kind, of: project).map { period in
            PeriodActuals(start: period.start, end: period.end, rows: Indicator.all.map { indicator in
                let actual = actualValue(indicator.id, from: period.start, to: period.end, in: context)
                let target = targets.last { $0.indicator == indicator.id && $0.project == projectID && $0.start == period.start && $0.end == period.end }
                return (indicator, actual.value, actual.bySex, target?.baseline, target?.target)
            })
        }
    }
}

extension ImpactResults {
    /// The results with each indicator's periods replaced by the reporting periods (for the IATI
    /// export: one `<period>` per reporting period, its actual, and its target where one was set
    /// for exactly that period).
    public func withReportingPeriods(_ periods: [PeriodActuals]) -> ImpactResults {
        var copy = self
        for k in copy.indicators.indices {
            let id = copy.indicators[k].id
            copy.indicators[k].periods = periods.compactMap { period in
                guard let row = period.rows.first(where: { $0.indicator.id == id }) else { return nil }
                return IndicatorResult.Period(start: period.start, end: period.end, baseline: row.baseline, target: row.target ?? .nan,
                                              actual: row.actual, actualBySex: row.bySex)
            }
        }
        return copy
    }
}
