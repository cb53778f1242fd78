import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Ledger
@testable import Projections

/// The IATI activity's parts that come from the project and the head: status, dates,
/// organisations, and the refusals when IATI's required parts are missing.
@Suite struct IATIWriterTests {
    func projection(_ ledger: HandBuiltLedger) -> ImpactProjection {
        ledger.events.reduce(into: ImpactProjection()) { $0.apply(ReplayedEvent($1)) }
    }

    func activity(_ projection: ImpactProjection, headRecordedAt: String) throws -> XMLElement {
        let results = try projection.results(project: nil, engagement: nil)
        let xml = try IATIWriter.xml(results, project: try #require(projection.projects["wealmaty"]), headRecordedAt: headRecordedAt,
                                     stamp: ReportStamp(firstSeq: 1, lastSeq: 4, headHash: "abc", asOf: nil, eventsIncluded: 4))
        return try #require(try XMLDocument(xmlString: xml).rootElement()?.elements(forName: "iati-activity").first)
    }

    @Test(arguments: [
        ("2017-03-31T23:59:59.000Z", "1", ["1", "3"]),           // before starts_on: pipeline
        ("2017-04-01T00:00:00.000Z", "2", ["1", "2", "3"]),      // started: implementation, actual start
        ("2020-03-31T23:59:59+00:00", "2", ["1", "2", "3"]),     // the last day
        ("2020-04-01T00:00:00.000Z", "3", ["1", "2", "3", "4"]), // after ends_on: finalisation, actual end
    ])
    func theStatusAndDatesFollowTheHeadsRecordedAt(head: String, status: String, dateTypes: [String]) throws {
        let activity = try activity(projection(HandBuiltLedger.forum(isPublished: true)), headRecordedAt: head)
        #expect(activity.elements(forName: "activity-status").first?.attribute(forName: "code")?.stringValue == status)
        #expect(activity.elements(forName: "activity-date").compactMap { $0.attribute(forName: "type")?.stringValue } == dateTypes)
        #expect(activity.attribute(forName: "last-updated-datetime")?.stringValue == head)
        let names = (activity.children ?? []).compactMap { ($0 as? XMLElement)?.name }
        let order = IATIWriter.activityChildren
        #expect(zip(names, names.dropFirst()).allSatisfy { (order.firstIndex(of: $0) ?? -1) <= (order.firstIndex(of: $1) ?? -1) })
    }

    @Test func theFunderStandsInWhenTheLedgerNamesNoOrganisation() throws {
        var ledger = HandBuiltLedger()
        ledger.add("project.defined", ["project": "wealmaty", "title": "WeAlmaty", "starts_on": "2017-04-01", "ends_on": "2020-03-31",
                                       "funder": "European Union", "reporting_org_ref": "GB-CHC-209131", "reporting_org_name": "British Council",
                                       "reporting_org_type": "15", "iati_identifier": "GB-CHC-209131-WEALMATY"])
        let organisations = try activity(projection(ledger), headRecordedAt: "2018-01-01T00:00:00.000Z").elements(forName: "participating-org")
        #expect(organisations.count == 1 && organisations.first?.attribute(forName: "role")?.stringValue == "1")
        #expect(organisations.first?.elements(forName: "narrative").first?.stringValue == "European Union")
    }

    @Test func refusesAProjectWithoutTheOrganisationsIATIRequires() throws {
        let unpublished = projection(HandBuiltLedger.forum())
        #expect(throws: ReportError.self) { try activity(unpublished, headRecordedAt: "2018-01-01T00:00:00.000Z") }
        var ledger = HandBuiltLedger()
        ledger.add("project.defined", ["project": "wealmaty", "title": "WeAlmaty", "starts_on": "2017-04-01", "ends_on": "2020-03-31",
                                       "reporting_org_ref": "GB-CHC-209131", "reporting_org_name": "British Council",
                                       "reporting_org_type": "15", "iati_identifier": "GB-CHC-209131-WEALMATY"])
        do {
            _ = try activity(projection(ledger), headRecordedAt: "2018-01-01T00:00:00.000Z")
            Issue.record("a project without participating organisations was published")
        } catch let error as ReportError {
            #expect(error.description.contains("has no participating organisation"))
        }
    }

    @Test func theSavedStateKeepsThePublication() throws {
        let folded = projection(HandBuiltLedger.forum(isPublished: true))
        let restored = try ImpactProjection(encodedState: folded.encodedState)
        let publication = try #require(restored.projects["wealmaty"]?.publication)
        #expect(publication == folded.projects["wealmaty"]?.publication)
        #expect(publication.reportingOrganisation?.ref == "GB-CHC-209131" && publication.activityIdentifier == "GB-CHC-209131-WEALMATY")
        #expect(publication.organisations.map(\.role) == ["1", "4"])
    }
}
