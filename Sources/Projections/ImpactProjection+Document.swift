import Foundation
import Ledger

extension ImpactProjection {
    /// The impact report of `project` (the only one when nil), or of one engagement.
    /// - Parameter period: adds each indicator's actual per reporting period (a project's report only).
    public func document(project: String?, engagement: String?, labels: Labels, stamp: ReportStamp,
                         period: ReportingPeriod? = nil) throws(ReportError) -> ReportDocument {
        let results = try results(project: project, engagement: engagement)
        let periods = try period.map { kind throws(ReportError) in try periodActuals(kind, project: results.projectID) } ?? []
        return Self.document(results, labels: labels, stamp: stamp, periods: periods)
    }

    static func value(_ indicator: IndicatorResult) -> ReportCell {
        guard let value = indicator.value else { return .empty }
        let decimals = Indicator.byID[indicator.id]?.decimals ?? 0
        return decimals > 0 ? .measure(value, decimals: decimals) : ReportCell.whole(value)
    }

    static func document(_ results: ImpactResults, labels: Labels, stamp: ReportStamp, periods reporting: [PeriodActuals] = []) -> ReportDocument {
        let indicators = ReportTable(columns: [
            ReportColumn(id: "indicator", label: labels["indicator"]), ReportColumn(id: "title", label: labels["title"]),
            ReportColumn(id: "value", label: labels["value"], isNumeric: true),
            ReportColumn(id: "female", label: labels["female"], isNumeric: true), ReportColumn(id: "male", label: labels["male"], isNumeric: true),
            ReportColumn(id: "other", label: labels["other"], isNumeric: true), ReportColumn(id: "undisclosed", label: labels["undisclosed"], isNumeric: true),
            ReportColumn(id: "events", label: labels["events_behind"], isNumeric: true),
            ReportColumn(id: "definition", label: labels["definition"], isNote: true),
        ], rows: results.indicators.map { indicator in
            let sexes = EventCatalog.sexes.map { sex in
                indicator.bySex.first { $0.sex == sex }.map { ReportCell.whole($0.value) } ?? .empty
            }
            return [.text(indicator.id), .text(Indicator.byID[indicator.id]?.title(in: labels.language) ?? indicator.title), value(indicator)]
                + sexes + [.integer(Int(indicator.events)), .text(Indicator.byID[indicator.id]?.definition(forEngagement: results.engagementID != nil, in: labels.language) ?? indicator.definition)]
        })
        var sections = summary(results, labels: labels, stamp: stamp)
        sections.append(ReportSection(id: "indicators", title: labels["indicators"], content: .table(indicators)))
        let periods = results.indicators.flatMap { indicator in indicator.periods.map { (indicator, $0) } }
        if !periods.isEmpty {
            sections.append(ReportSection(id: "targets", title: labels["targets"], content: .table(ReportTable(columns: [
                ReportColumn(id: "indicator", label: labels["indicator"]), ReportColumn(id: "period", label: labels["period"]),
                ReportColumn(id: "baseline", label: labels["baseline"], isNumeric: true), ReportColumn(id: "target", label: labels["target"], isNumeric: true),
                ReportColumn(id: "actual", label: labels["actual"], isNumeric: true), ReportColumn(id: "progress", label: "%", isNumeric: true),
            ], rows: periods.map { indicator, period in
                let decimals = indicator.measure == 2 ? 1 : 0
                return [.text(indicator.id), .text("\(period.start) – \(period.end)"),
                        period.baseline.map { .measure($0, decimals: decimals) } ?? .empty, .measure(period.target, decimals: decimals),
                        period.actual.map { .measure($0, decimals: decimals) } ?? .empty,
                        period.actual.flatMap { period.target > 0 ? .number(100 * $0 / period.target, decimals: 0) : nil } ?? .empty]
            }))))
        }
        if !reporting.isEmpty {
            sections.append(ReportSection(id: "periods", title: labels["reporting_periods"], content: .table(ReportTable(columns: [
                ReportColumn(id: "indicator", label: labels["indicator"]), ReportColumn(id: "period", label: labels["period"]),
                ReportColumn(id: "actual", label: labels["actual"], isNumeric: true),
                ReportColumn(id: "female", label: labels["female"], isNumeric: true), ReportColumn(id: "male", label: labels["male"], isNumeric: true),
                ReportColumn(id: "other", label: labels["other"], isNumeric: true), ReportColumn(id: "undisclosed", label: labels["undisclosed"], isNumeric: true),
                ReportColumn(id: "baseline", label: labels["baseline"], isNumeric: true), ReportColumn(id: "target", label: labels["target"], isNumeric: true),
            ], rows: reporting.flatMap { period in period.rows.map { row in
                let cell: (Double?) -> ReportCell = { value in
                    value.map { row.indicator.decimals > 0 ? .measure($0, decimals: row.indicator.decimals) : ReportCell.whole($0) } ?? .empty
                }
                let sexes = EventCatalog.sexes.map { sex in row.bySex.first { $0.sex == sex }.map { ReportCell.whole($0.value) } ?? .empty }
                return [.text(row.indicator.id), .text("\(period.start) – \(period.end)"), cell(row.actual)] + sexes + [cell(row.baseline), cell(row.target)]
            } }))))
        }
        let countColumns = [ReportColumn(id: "people_registered", label: labels["registered"], isNumeric: true),
                            ReportColumn(id: "people_engaged", label: labels["engaged"], isNumeric: true),
                            ReportColumn(id: "unique_attendees", label: labels["attended"], isNumeric: true),
                            ReportColumn(id: "repeat_attendees", label: labels["repeat"], isNumeric: true)]
        for breakdown in results.breakdowns {
            let rows = breakdown.rows.filter { $0.counts.contains { $0 > 0 } }
            sections.append(ReportSection(id: "by_" + breakdown.dimension, title: labels["by_" + breakdown.dimension], content: .table(ReportTable(
                columns: [ReportColumn(id: breakdown.dimension, label: labels[breakdown.dimension])] + countColumns,
                rows: rows.map { row in [.term(row.category, label: labels[row.category])] + row.counts.map { .integer($0) } }))))
            if breakdown.dimension != "district" {
                sections.append(ReportSection(id: "by_\(breakdown.dimension)_chart", title: labels["by_" + breakdown.dimension] + " (" + labels["engaged"] + ")",
                                              content: .chart(ReportChart(style: .bars, unit: labels["people"],
                                                                          points: rows.map { (labels[$0.category], Double($0.counts[1])) }))))
            }
        }
        sections.append(ReportSection(id: "by_theme", title: labels["by_theme"], content: .chart(ReportChart(
            style: .bars, unit: labels["proposals"], points: results.proposalsByTheme.map { (labels[$0.theme], Double($0.count)) }))))
        sections.append(ReportSection(id: "by_proposal_status", title: labels["by_proposal_status"], content: .chart(ReportChart(
            style: .bars, unit: labels["proposals"], points: results.proposalsByStatus.map { (labels[$0.status], Double($0.count)) }))))
        if !results.monthly.isEmpty {
            sections.append(ReportSection(id: "monthly", title: labels["monthly"], content: .table(ReportTable(columns: [
                ReportColumn(id: "month", label: labels["period"]), ReportColumn(id: "new", label: labels["new"], isNumeric: true),
                ReportColumn(id: "cumulative", label: labels["cumulative"], isNumeric: true),
            ], rows: results.monthly.map { [.text($0.month), .integer($0.new), .integer($0.cumulative)] }))))
            sections.append(ReportSection(id: "monthly_chart", title: labels["monthly"], content: .chart(ReportChart(
                style: .columns, unit: labels["people"], points: results.monthly.map { ($0.month, Double($0.new)) },
                secondSeries: results.monthly.map { ($0.month, Double($0.cumulative)) }, seriesNames: [labels["new"], labels["cumulative"]]))))
        }
        if !results.perEngagement.isEmpty {
            sections.append(ReportSection(id: "by_engagement", title: labels["engagement"], content: .table(ReportTable(columns: [
                ReportColumn(id: "engagement", label: labels["engagement"]), ReportColumn(id: "title", label: labels["title"]),
                ReportColumn(id: "answered", label: labels["response"], isNumeric: true), ReportColumn(id: "attended", label: labels["attended"], isNumeric: true),
                ReportColumn(id: "rsvp_conversion", label: labels.sentences.conversionLabel, isNumeric: true),
            ], rows: results.perEngagement.map { e in
                [.text(e.engagement), .text(e.title), .integer(e.answered), .integer(e.attended), e.conversion.map { .number($0, decimals: 1) } ?? .empty]
            }))))
        }
        return ReportDocument(kind: "impact", title: labels["impact"], subject: results.scopeTitle, stamp: stamp, sections: sections,
                              primary: "indicators")
    }

    /// What opens the report, as a programme officer expects it: who funds the project (as a
    /// line of text), the project, its funder, budget, partners and dates, the period the
    /// figures cover and the state of the ledger they stand at; the figures that have targets,
    /// against them; and the engagements with their dates and venues.
    static func summary(_ results: ImpactResults, labels: Labels, stamp: ReportStamp) -> [ReportSection] {
        let say = labels.sentences
        let project = results.project
        var sections: [ReportSection] = []
        let funders = project?.funder.map { [$0] } ?? project?.publication.organisations.filter { $0.role == "1" }.map(\.name) ?? []
        if !funders.isEmpty {
            sections.append(ReportSection(id: "funding", title: "", content: .note(funders.map(say.fundedBy).joined(separator: "\n"))))
        }
        var facts = [ReportFact(id: "project", label: labels["project"], value: .text(results.projectTitle))]
        if let engagement = results.engagementID {
            facts.append(ReportFact(id: "engagement", label: labels["engagement"], value: .text(results.scopeTitle + " (" + engagement + ")")))
        }
        if !funders.isEmpty { facts.append(ReportFact(id: "funder", label: labels["funder"], value: .text(funders.joined(separator: ", ")))) }
        if let budget = project?.budget { facts.append(ReportFact(id: "budget_eur", label: labels["budget_eur"], value: .number(budget, decimals: 0))) }
        let partners = project.map { $0.partners.isEmpty ? $0.publication.organisations.filter { $0.role != "1" }.map(\.name) : $0.partners } ?? []
        if !partners.isEmpty { facts.append(ReportFact(id: "partners", label: labels["partners"], value: .text(partners.joined(separator: ", ")))) }
        if let project { facts.append(ReportFact(id: "project_dates", label: labels["project_dates"], value: .text(project.startsOn + " – " + project.endsOn))) }
        if let covered = results.covered {
            facts.append(ReportFact(id: "covered", label: labels["covered"], value: .text(say.span(
                LocalTime.format(covered.first.at, in: covered.first.zone), covered.first.zone.identifier,
                LocalTime.format(covered.last.at, in: covered.last.zone), covered.last.zone.identifier)),
                definition: say.coveredDefinition))
        }
        facts.append(ReportFact(id: "head_seq", label: labels["head_seq"], value: .integer(Int(stamp.lastSeq))))
        if let recordedAt = stamp.headRecordedAt { facts.append(ReportFact(id: "head_recorded_at", label: labels["head_recorded_at"], value: .text(recordedAt))) }
        facts.append(ReportFact(id: "head_sha256", label: labels["head_hash"], value: .text(stamp.headHash)))
        sections.append(ReportSection(id: "summary", title: labels["summary"], content: .facts(facts)))

        let targeted = results.indicators.flatMap { indicator in indicator.periods.map { (indicator, $0) } }
        if !targeted.isEmpty {
            sections.append(ReportSection(id: "key_figures", title: labels["key_figures"], content: .progress(ReportTable(columns: [
                ReportColumn(id: "indicator", label: labels["indicator"]), ReportColumn(id: "label", label: labels["title"]),
                ReportColumn(id: "period", label: labels["period"]), ReportColumn(id: "target", label: labels["target"], isNumeric: true),
                ReportColumn(id: "actual", label: labels["actual"], isNumeric: true), ReportColumn(id: "share", label: labels["share"], isNumeric: true),
            ], rows: targeted.map { indicator, period in
                let decimals = Indicator.byID[indicator.id]?.decimals ?? 0
                let cell = { (value: Double) -> ReportCell in decimals > 0 ? .measure(value, decimals: decimals) : .number(value, decimals: 0) }
                return [.text(indicator.id), .text(Indicator.byID[indicator.id]?.title(in: labels.language) ?? indicator.title),
                        .text("\(period.start) – \(period.end)"), cell(period.target), period.actual.map(cell) ?? .empty,
                        period.actual.flatMap { period.target > 0 ? .number(100 * $0 / period.target, decimals: 0) : nil } ?? .empty]
            }))))
        }
        if !results.engagements.isEmpty {
            sections.append(ReportSection(id: "engagements", title: labels["engagements"], content: .table(ReportTable(columns: [
                ReportColumn(id: "engagement", label: labels["engagement"]), ReportColumn(id: "title", label: labels["title"]),
                ReportColumn(id: "starts_at", label: labels["starts_at"]), ReportColumn(id: "ends_at", label: labels["ends_at"]),
                ReportColumn(id: "time_zone", label: labels["time_zone"]), ReportColumn(id: "venue", label: labels["venue"]),
            ], rows: results.engagements.map { info in
                [.text(info.id), .text(info.title), info.startsAt.map { .text(info.localTime($0)) } ?? .empty,
                 info.endsAt.map { .text(info.localTime($0)) } ?? .empty, .text(info.timeZone.identifier), info.venue.map(ReportCell.text) ?? .empty]
            }))))
        }
        return sections
    }
}
