import Testing
import Ledger
@testable import Projections

/// The indicators are defined once, in `Indicator.all`; what targets may name (the catalog's
/// list) and what the report computes must be exactly that table.
@Suite struct IndicatorTableTests {
    @Test func theCatalogAndTheTableNameTheSameIndicatorsInTheSameOrder() {
        #expect(Indicator.all.map(\.id) == EventCatalog.indicators)
        #expect(Set(Indicator.all.map(\.id)).count == Indicator.all.count)
    }

    @Test func everyIndicatorHasATitleInEachLanguageAndACoherentUnit() {
        for indicator in Indicator.all {
            for language in Language.allCases {
                #expect(!(indicator.titles[language] ?? "").isEmpty, "\(indicator.id) has no \(language) title")
                #expect(!(indicator.definitions[language] ?? "").isEmpty, "\(indicator.id) has no \(language) definition")
            }
            #expect(indicator.iatiMeasure == (indicator.unit == .percent ? 2 : 1))
            #expect((indicator.decimals > 0) == [.percent, .ratio, .eur].contains(indicator.unit), "\(indicator.id): \(indicator.decimals) decimals for \(indicator.unit)")
            #expect(indicator.breakdowns.isEmpty || indicator.unit == .people, "\(indicator.id) breaks down what is not people")
        }
    }

    @Test func theReportComputesEveryIndicatorOfTheTableForAProjectAndAllButTheProjectOnesForAnEngagement() throws {
        var ledger = HandBuiltLedger.forum()
        ledger.person("a", "A", group: "citizen", sex: "female", at: "2017-11-01T10:00:00+06:00")
        var projection = ImpactProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        let project = try projection.results(project: nil, engagement: nil)
        #expect(project.indicators.map(\.id) == Indicator.all.map(\.id))
        for (result, indicator) in zip(project.indicators, Indicator.all) {
            #expect(result.resultType == indicator.level.rawValue && result.measure == indicator.iatiMeasure, "\(indicator.id)")
            #expect(result.title == indicator.title(in: .en) && result.definition == indicator.definition(forEngagement: false), "\(indicator.id)")
        }
        let engagement = try #require(projection.engagementOrder.first)
        let one = try projection.results(project: nil, engagement: engagement)
        #expect(one.indicators.map(\.id) == Indicator.all.filter { !$0.isProjectOnly }.map(\.id))
        #expect(one.indicators.first?.definition == Indicator.peopleRegistered.definition(forEngagement: true))
    }
}

@Suite struct ReportingPeriodArithmeticTests {
    func day(_ text: String) throws -> Int64 { try #require(Timestamp.days(ofDate: text)) }

    @Test func monthsAreAddedOnTheCalendarKeepingTheDayOrTheMonthsLast() throws {
        #expect(ImpactProjection.dateText(ImpactProjection.adding(months: 1, to: try day("2017-01-31"))) == "2017-02-28")
        #expect(ImpactProjection.dateText(ImpactProjection.adding(months: 1, to: try day("2016-01-31"))) == "2016-02-29")
        #expect(ImpactProjection.dateText(ImpactProjection.adding(months: 12, to: try day("2017-04-01"))) == "2018-04-01")
        #expect(ImpactProjection.dateText(ImpactProjection.adding(months: 3, to: try day("2017-11-15"))) == "2018-02-15")
        #expect(ImpactProjection.dateText(ImpactProjection.adding(months: -1, to: try day("2018-01-10"))) == "2017-12-10")
    }
}

@Suite struct RussianPluralTests {
    @Test func russianNounsAfterANumberTakeTheirPluralForm() {
        let forms = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map { Sentences.russian($0, "приз", "приза", "призов") }
        #expect(forms == ["1 приз", "2 приза", "4 приза", "5 призов", "11 призов", "12 призов", "14 призов", "21 приз", "22 приза",
                          "25 призов", "101 приз", "111 призов"])
    }
}
