import Foundation
@testable import Ledger
@testable import Projections

/// A small ledger built in memory, event by event, for projections to fold.
struct HandBuiltLedger {
    private(set) var events: [StoredEvent] = []
    private(set) var personal: [PersonalDataStore.Record] = []

    /// Appends an event that happened at `at` (RFC 3339) with string, number or array data.
    mutating func add(_ type: String, at: String = "2017-11-01T10:00:00+06:00", _ data: KeyValuePairs<String, Any>) {
        let seq = Int64(events.count + 1)
        var members: [(key: String, value: JSON)] = []
        for (key, value) in data {
            // A person's name, e-mail, phone and handle go to the personal-data store (an organisation's name does not).
            if type.hasPrefix("participant."), ["name", "email", "phone", "handle"].contains(key), let text = value as? String {
                personal.append(PersonalDataStore.Record(seq: seq, participant: data.first { $0.key == "participant" }?.value as? String ?? "",
                                                         data: .object([("name", .string(text))])))
                continue
            }
            members.append((key, Self.json(value)))
        }
        events.append(StoredEvent(seq: seq, id: "e\(seq)", type: type, occurredAt: at, recordedAt: "2017-12-31T00:00:00.000Z",
                                  actor: nil, batch: nil, data: JSON.object(members).canonicalized, prev: .zero))
    }

    static func json(_ value: Any) -> JSON {
        switch value {
        case let s as String: .string(s)
        case let i as Int: .integer(Int64(i))
        case let d as Double: .double(d)
        case let a as [String]: .array(a.map(JSON.string))
        case let o as KeyValuePairs<String, Double>: .object(o.map { (key: $0.key, value: .double($0.value)) })
        default: .null
        }
    }

    var names: PersonalNames { PersonalNames(records: personal) }

    var stamp: ReportStamp {
        ReportStamp(firstSeq: 1, lastSeq: Int64(events.count), headHash: "test", asOf: nil, eventsIncluded: Int64(events.count))
    }

    /// The forum of the seed, with its project: deadline noon on 29 November 2017, Almaty time.
    /// With `isPublished`, the project names its IATI reporting organisation and identifier, and
    /// its funder and implementer follow it.
    static func forum(capacity: Int? = nil, isPublished: Bool = false) -> HandBuiltLedger {
        var ledger = HandBuiltLedger()
        if isPublished {
            ledger.add("project.defined", at: "2017-04-01T09:00:00+06:00", ["project": "wealmaty", "title": "WeAlmaty", "starts_on": "2017-04-01",
                                                                            "ends_on": "2020-03-31", "budget_eur": 430000,
                                                                            "reporting_org_ref": "GB-CHC-209131", "reporting_org_name": "British Council",
                                                                            "reporting_org_type": "15", "iati_identifier": "GB-CHC-209131-WEALMATY"])
        } else {
            ledger.add("project.defined", at: "2017-04-01T09:00:00+06:00", ["project": "wealmaty", "title": "WeAlmaty", "starts_on": "2017-04-01",
                                                                            "ends_on": "2020-03-31", "budget_eur": 430000])
        }
        var forum: [(String, Any)] = [("engagement", "forum-2"), ("project", "wealmaty"), ("title", "Forum 2"),
                                      ("starts_at", "2017-11-30T09:00:00+06:00"), ("ends_at", "2017-11-30T13:00:00+06:00"),
                                      ("time_zone", "Asia/Almaty"), ("rsvp_deadline", "2017-11-29T12:00")]
        if let capacity { forum.append(("capacity", capacity)) }
        ledger.events.append(StoredEvent(seq: 2, id: "e2", type: "engagement.scheduled", occurredAt: "2017-11-01T10:00:00+06:00",
                                         recordedAt: "2017-12-31T00:00:00.000Z", actor: nil, batch: nil,
                                         data: JSON.object(forum.map { (key: $0.0, value: json($0.1)) }).canonicalized, prev: .zero))
        if isPublished {
            ledger.add("project.organisation.added", ["project": "wealmaty", "organisation": "eu", "name": "European Union", "role": "1",
                                                      "type": "40", "ref": "XI-IATI-EC_INTPA"])
            ledger.add("project.organisation.added", ["project": "wealmaty", "organisation": "british-council", "name": "British Council",
                                                      "role": "4", "type": "15", "ref": "GB-CHC-209131"])
        }
        return ledger
    }

    mutating func person(_ id: String, _ name: String, group: String = "citizen", sex: String? = nil, at: String = "2017-11-01T10:00:00+06:00") {
        if let sex {
            add("participant.registered", at: at, ["participant": id, "group": group, "name": name, "sex": sex])
        } else {
            add("participant.registered", at: at, ["participant": id, "group": group, "name": name])
        }
    }
}

extension ReportDocument {
    /// The rows of the section `id` as dictionaries of column id to cell text.
    func rows(_ id: String = "rows") -> [[String: String]] {
        guard let section = sections.first(where: { $0.id == id }), case .table(let table) = section.content else { return [] }
        return table.rows.map { row in Dictionary(uniqueKeysWithValues: zip(table.columns.map(\.id), row.map(\.text))) }
    }

    /// The facts of the section `id`, by fact id.
    func facts(_ id: String) -> [String: String] {
        guard let section = sections.first(where: { $0.id == id }), case .facts(let facts) = section.content else { return [:] }
        return Dictionary(uniqueKeysWithValues: facts.map { ($0.id, $0.value.text) })
    }

    /// The note of the section `id`.
    func note(_ id: String) -> String {
        guard let section = sections.first(where: { $0.id == id }), case .note(let text) = section.content else { return "" }
        return text
    }
}
