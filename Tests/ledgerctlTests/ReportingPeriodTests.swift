import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `report impact --period`: each indicator's actual per reporting period, in every format and in IATI.
@Suite struct ReportingPeriodTests {
    /// The demo project (from 2017-04-01) with a person engaged in April and one in August 2017,
    /// and a target set for exactly the second quarter of the project.
    func ledgerWithTwoQuarters(_ dir: String) throws {
        try demoLedger(dir, isPublished: true)
        try given(dir, "append", "engagement.scheduled", "--occurred-at", "2017-04-02T10:00:00+06:00", "engagement=forum-1", "project=wealmaty",
                  "title=First forum", "starts_at=2017-04-20T09:00:00+06:00", "ends_at=2017-04-20T13:00:00+06:00", "time_zone=Asia/Almaty")
        for (who, sex, engagement, day) in [("a", "female", "forum-1", "2017-04-20"), ("b", "male", "forum-2", "2017-08-20")] {
            try given(dir, "append", "participant.registered", "--occurred-at", "\(day)T08:00:00+06:00", "participant=\(who)", "group=citizen",
                      "sex=\(sex)", "name=N \(who)")
            try given(dir, "append", "attendance.checked_in", "--occurred-at", "\(day)T09:00:00+06:00", "engagement=\(engagement)", "participant=\(who)")
        }
        try given(dir, "append", "indicator.target.set", "indicator=people_engaged", "project=wealmaty", "period_start=2017-07-01",
                  "period_end=2017-09-30", "target:=5", "baseline:=0")
    }

    /// A report is made of at most 1,200 periods (monthly, a project of 100 years): dates edited
    /// to span centuries gave one of tens of thousands of periods, each computed over all the
    /// data (minutes and gigabytes). Past the bound the report is refused with what to ask instead.
    @Test func aReportOfMoreThan1200PeriodsIsRefusedWithWhatToAskInstead() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            try given(dir, "append", "project.defined", "--occurred-at", "1916-12-01T10:00:00+06:00", "project=long", "title=Long",
                      "starts_on=1917-01-01", "ends_on=2200-12-31")
            try given(dir, "append", "engagement.scheduled", "--occurred-at", "1916-12-02T10:00:00+06:00", "engagement=e1", "project=long",
                      "title=E", "starts_at=1917-01-10T09:00:00+06:00", "ends_at=2100-01-10T13:00:00+06:00", "time_zone=Asia/Almaty")
            try given(dir, "append", "participant.registered", "--occurred-at", "2016-12-15T08:00:00+06:00", "participant=a", "group=citizen", "name=A")
            try given(dir, "append", "attendance.checked_in", "--occurred-at", "2016-12-15T09:00:00+06:00", "engagement=e1", "participant=a")
            // Data up to December 2016: 1917-01 to 2016-12 is 1,200 months, the most a report is made of.
            let most = try ledger(dir, "report", "impact", "--period", "month", "--format", "json")
            #expect(most.status == 0, "\(most.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(most.stdout.utf8)) as? [String: Any])
            let rows = try #require((report["sections"] as? [[String: Any]])?.first { $0["id"] as? String == "periods" }?["rows"] as? [[String: Any]])
            let periods = Set(rows.compactMap { $0["period"] as? String })
            #expect(periods.count == 1_200 && periods.contains("1917-01-01 – 1917-01-31") && periods.contains("2016-12-01 – 2016-12-31"))
            try given(dir, "append", "participant.registered", "--occurred-at", "2017-01-02T08:00:00+06:00", "participant=b", "group=citizen", "name=B")
            let before = snapshot(dir)
            for format in ["csv", "iati"] {
                let refused = try ledger(dir, "report", "impact", "--period", "month", "--format", format)
                #expect(refused.status == 65 && refused.stdout.isEmpty, "\(format): \(refused.status) \(refused.stderr)")
                #expect(refused.stderr == "error: by month, the project's data from 1917-01-01 to 2017-01-02 makes about 1201 reporting periods; "
                        + "a report of more than 1200 is not made: choose a longer --period, or check the project's dates\n", "\(refused.stderr)")
            }
            #expect(snapshot(dir).filter { !$0.key.hasPrefix("index/") } == before.filter { !$0.key.hasPrefix("index/") })
            #expect(try ledger(dir, "report", "impact", "--period", "year", "--format", "csv").status == 0)
        }
    }

    @Test func eachQuarterHasItsActualItsSexBreakdownAndTheTargetSetForIt() throws {
        try withTemporaryDirectory { dir in
            try ledgerWithTwoQuarters(dir)
            let result = try ledger(dir, "report", "impact", "--period", "quarter", "--format", "json")
            #expect(result.status == 0, "\(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let sections = try #require(report["sections"] as? [[String: Any]])
            let periods = try #require(sections.first { $0["id"] as? String == "periods" }?["rows"] as? [[String: Any]])
            let engaged = periods.filter { $0["indicator"] as? String == "people_engaged" }
            // Quarters of the project from its start, up to the last day with data (August 2017).
            #expect(engaged.map { $0["period"] as? String } == ["2017-04-01 – 2017-06-30", "2017-07-01 – 2017-09-30"])
            #expect(engaged.map { $0["actual"] as? Int } == [1, 1])
            #expect(engaged.map { $0["female"] as? Int } == [1, 0])
            #expect(engaged.map { $0["male"] as? Int } == [0, 1])
            #expect(engaged[0]["target"] is NSNull && engaged[1]["target"] as? Int == 5 && engaged[1]["baseline"] as? Int == 0)
            // Without --period the report is as it was: no such section.
            let plain = try ledger(dir, "report", "impact", "--format", "json")
            #expect(!plain.stdout.contains(#""id": "periods""#))
            // A project year runs April to March.
            let year = try ledger(dir, "report", "impact", "--period", "year", "--format", "csv")
            #expect(year.status == 0 && !year.stdout.isEmpty)
            let yearJSON = try ledger(dir, "report", "impact", "--period", "year", "--format", "json")
            #expect(yearJSON.stdout.contains(#""indicator": "people_engaged", "period": "2017-04-01 – 2018-03-31", "actual": 2,"#), "\(yearJSON.stdout.prefix(200))")
        }
    }

    @Test func theIATIExportHasOnePeriodPerReportingPeriodWithItsTarget() throws {
        try withTemporaryDirectory { dir in
            try ledgerWithTwoQuarters(dir)
            let result = try ledger(dir, "report", "impact", "--period", "quarter", "--format", "iati")
            #expect(result.status == 0, "\(result.stderr)")
            let document = try XMLDocument(data: Data(result.stdout.utf8))
            let engaged = try document.nodes(forXPath: "//result[title/narrative='People engaged']/indicator/period")
            #expect(engaged.count == 2)
            let starts = try document.nodes(forXPath: "//result[title/narrative='People engaged']/indicator/period/period-start/@iso-date").compactMap(\.stringValue)
            #expect(starts == ["2017-04-01", "2017-07-01"])
            let targets = try document.nodes(forXPath: "//result[title/narrative='People engaged']/indicator/period/target/@value").compactMap(\.stringValue)
            #expect(targets == ["5"])
            let bySex = try document.nodes(forXPath: "//result[title/narrative='People engaged']/indicator/period[1]/actual/dimension[@name='sex']")
            #expect(bySex.count == 4)
        }
    }

    @Test(arguments: [
        (["report", "impact", "--period", "week"], "--period takes project, year, quarter, month, not 'week'"),
        (["report", "impact", "--period", "year", "--engagement", "forum-2"], "--period is for a project's impact report, not one engagement's"),
        (["report", "attendees", "--period", "year", "--engagement", "forum-2"], "report attendees does not take --period"),
    ])
    func aPeriodWhereNoneFitsIsAUsageError(arguments: [String], message: String) throws {
        try withTemporaryDirectory { dir in
            try ledgerWithTwoQuarters(dir)
            let result = try Ledgerctl.run(["--dir", dir] + arguments)
            #expect(result.status == 64)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
