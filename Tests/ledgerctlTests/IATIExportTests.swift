import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `report impact --format iati` through the binary: what the IATI 2.03 schema and IATI's rules
/// demand of the activity, checked without xmllint (CI also validates the demo's export with it).
@Suite struct IATIExportTests {
    /// The published project with its organisations, one attendee, and a head recorded at a pinned time.
    func publishedProject(_ dir: String) throws {
        try demoLedger(dir, isPublished: true)
        try given(dir, "import", "-", stdin: """
        {"type":"project.organisation.added","id":"o1","data":{"project":"wealmaty","organisation":"eu","name":"European Union","role":"1","type":"40","ref":"XI-IATI-EC_INTPA"}}
        {"type":"project.organisation.added","id":"o2","data":{"project":"wealmaty","organisation":"british-council","name":"British Council","role":"4","type":"15","ref":"GB-CHC-209131"}}
        {"type":"project.organisation.added","id":"o3","data":{"project":"wealmaty","organisation":"kbtu","name":"KBTU <&> \\"Kazakh-British\\"","role":"4","type":"80"}}
        {"type":"participant.registered","id":"r1","occurred_at":"2017-11-01T10:00:00+06:00","data":{"participant":"p1","group":"citizen","name":"Әлия","sex":"female"}}
        {"type":"attendance.checked_in","id":"c1","occurred_at":"2017-11-30T08:50:00+06:00","data":{"engagement":"forum-2","participant":"p1"}}
        """)
    }

    func activity(_ xml: String) throws -> (root: XMLElement, activity: XMLElement) {
        let root = try #require(try XMLDocument(xmlString: xml).rootElement())
        return (root, try #require(root.elements(forName: "iati-activity").first))
    }

    /// The `recorded_at` of the last stored line.
    func headRecordedAt(_ dir: String) throws -> String {
        let last = try #require(try ledger(dir, "log", "--json").stdout.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        return try #require(object["recorded_at"] as? String)
    }

    @Test func theActivityHasTheSchemasOrderAndIATIsCodes() throws {
        try withTemporaryDirectory { dir in
            try publishedProject(dir)
            let result = try ledger(dir, "report", "impact", "--format", "iati")
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
            let (root, activity) = try activity(result.stdout)
            // Element order: the schema's sequence, each name in one run, the required ones present.
            let names = (activity.children ?? []).compactMap { ($0 as? XMLElement)?.name }
            var runs: [String] = []
            for name in names where runs.last != name { runs.append(name) }
            #expect(runs == ["iati-identifier", "reporting-org", "title", "description", "participating-org",
                             "activity-status", "activity-date", "result"])
            // The identifier begins with the reporting organisation's org-id and a hyphen.
            let reporting = try #require(activity.elements(forName: "reporting-org").first)
            let ref = try #require(reporting.attribute(forName: "ref")?.stringValue)
            #expect(ref == "GB-CHC-209131" && reporting.attribute(forName: "type")?.stringValue == "15")
            #expect(reporting.elements(forName: "narrative").first?.stringValue == "British Council")
            let identifier = try #require(activity.elements(forName: "iati-identifier").first?.stringValue)
            #expect(identifier.hasPrefix(ref + "-") && identifier.count > ref.count + 1)
            // Organisations: roles 1-4, in ledger order, names escaped and read back intact.
            let organisations = activity.elements(forName: "participating-org")
            #expect(organisations.map { $0.attribute(forName: "role")?.stringValue } == ["1", "4", "4"])
            #expect(organisations.allSatisfy { ["1", "2", "3", "4"].contains($0.attribute(forName: "role")?.stringValue ?? "") })
            #expect(organisations.first?.attribute(forName: "ref")?.stringValue == "XI-IATI-EC_INTPA")
            #expect(organisations.last?.attribute(forName: "ref") == nil)
            #expect(organisations.last?.elements(forName: "narrative").first?.stringValue == "KBTU <&> \"Kazakh-British\"")
            // Status 1-6 (the derivation from the dates is IATIWriterTests'); dates 1-4, planned start and end from the project.
            let status = try #require(activity.elements(forName: "activity-status").first?.attribute(forName: "code")?.stringValue)
            #expect((1...6).contains(Int(status) ?? 0))
            let dates = activity.elements(forName: "activity-date").map {
                ($0.attribute(forName: "type")?.stringValue ?? "", $0.attribute(forName: "iso-date")?.stringValue ?? "")
            }
            #expect(dates.allSatisfy { (1...4).contains(Int($0.0) ?? 0) })
            #expect(dates.contains { $0 == ("1", "2017-04-01") } && dates.contains { $0 == ("3", "2020-03-31") })
            // The datetimes are the head's recorded_at, not the wall clock.
            let recorded = try headRecordedAt(dir)
            #expect(root.attribute(forName: "generated-datetime")?.stringValue == recorded)
            #expect(activity.attribute(forName: "last-updated-datetime")?.stringValue == recorded)
            // Results keep their required attributes.
            for result in activity.elements(forName: "result") {
                #expect(["1", "2", "3"].contains(result.attribute(forName: "type")?.stringValue ?? ""))
                #expect(result.elements(forName: "indicator").first?.attribute(forName: "measure") != nil)
            }
        }
    }

    @Test func theSameLedgerGivesTheSameBytesWhateverTheClock() throws {
        try withTemporaryDirectory { dir in
            try publishedProject(dir)
            let first = try ledger(dir, "report", "impact", "--format", "iati")
            Thread.sleep(forTimeInterval: 1.1) // a wall-clock stamp would differ by now
            let again = try ledger(dir, "report", "impact", "--format", "iati", "--fresh")
            #expect(first.status == 0 && first.stdout == again.stdout)
            let (root, _) = try activity(again.stdout)
            let head = try headRecordedAt(dir)
            #expect(root.attribute(forName: "generated-datetime")?.stringValue == head)
            // The as-of report is stamped with the line it stopped at.
            let past = try ledger(dir, "report", "impact", "--format", "iati", "--as-of", "2")
            let lines = try ledger(dir, "log", "--json", "--limit", "2").stdout.split(separator: "\n")
            let line = try #require(lines.last)
            let second = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(past.status == 0)
            let pastRoot = try activity(past.stdout).root
            #expect(pastRoot.attribute(forName: "generated-datetime")?.stringValue == second["recorded_at"] as? String)
        }
    }

    @Test func refusesToPublishWithoutAReportingOrganisation() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let result = try ledger(dir, "report", "impact", "--format", "iati")
            #expect(result.status == 65 && result.stdout.isEmpty)
            #expect(result.stderr.contains("project 'wealmaty' names no reporting organisation"), "\(result.stderr)")
        }
    }

    @Test(arguments: [
        (["reporting_org_ref=GB-CHC-209131"], "field 'reporting_org_name' is required with reporting_org_ref"),
        (["reporting_org_ref=gb-chc-209131", "reporting_org_name=BC", "reporting_org_type=15", "iati_identifier=gb-chc-209131-W"],
         "field 'reporting_org_ref' 'gb-chc-209131' is not an org-id"),
        (["reporting_org_ref=GB-CHC-209131", "reporting_org_name=BC", "reporting_org_type=15", "iati_identifier=WEALMATY"],
         "field 'iati_identifier' must begin with reporting_org_ref and a hyphen"),
        (["reporting_org_ref=GB-CHC-209131", "reporting_org_name=BC", "reporting_org_type=99", "iati_identifier=GB-CHC-209131-W"],
         "field 'reporting_org_type'"),
    ])
    func refusesAProjectWhosePublicationBreaksIATIsRules(fields: [String], message: String) throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            let result = try Ledgerctl.run(["--dir", dir, "append", "project.defined", "project=p", "title=T", "starts_on=2017-04-01",
                                            "ends_on=2020-03-31"] + fields)
            #expect(result.status == 65 && result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test func refusesAnOrganisationRoleTwiceAndRolesOutsideTheCodelist() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir, isPublished: true)
            let add = ["append", "project.organisation.added", "project=wealmaty", "organisation=eu", "name=European Union", "type=40"]
            try given(dir, add + ["role=1"])
            let twice = try ledger(dir, "append", "project.organisation.added", "project=wealmaty", "organisation=eu", "name=EU", "role=1")
            #expect(twice.status == 65 && twice.stderr.contains("organisation 'eu' already has role 1 in project 'wealmaty'"), "\(twice.stderr)")
            try given(dir, add + ["role=2"]) // another role of the same organisation
            let role = try ledger(dir, "append", "project.organisation.added", "project=wealmaty", "organisation=x", "name=X", "role=5")
            #expect(role.status == 65 && role.stderr.contains("field 'role'"), "\(role.stderr)")
            let unknown = try ledger(dir, "append", "project.organisation.added", "project=other", "organisation=x", "name=X", "role=1")
            #expect(unknown.status == 65 && unknown.stderr.contains("project"), "\(unknown.stderr)")
            let badRef = try ledger(dir, "append", "project.organisation.added", "project=wealmaty", "organisation=x", "name=X", "role=4", "ref=209131")
            #expect(badRef.status == 65 && badRef.stderr.contains("is not an org-id"), "\(badRef.stderr)")
        }
    }
}
