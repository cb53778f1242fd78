import Ledger

/// The attendee list of each engagement: who answered, who came, in what status.
///
/// Status: `confirmed` (accepted by the RSVP deadline, read in the engagement's time zone),
/// `late` (accepted after it), `tentative`, `declined`, `cancelled`, `waitlisted` (accepted beyond
/// the capacity; seats go in the order people answered, by `occurred_at`, then by seq, so an RSVP
/// taken by phone and entered later keeps its place; a cancellation or a change of answer
/// promotes the first waiting), `walk_in` (checked in without an RSVP).
public struct AttendeeProjection: Sendable {
    /// One person's dealings with one engagement.
    public struct Attendance: Sendable {
        public var checkedInAt: Timestamp?
        /// The profile at the person's latest action for this engagement.
        public var profile: Profile
        /// True once the person answered the invitation (or cancelled).
        public var hasRSVP = false
    }

    /// An answer or a cancellation, kept so that seats can be given in the order people answered.
    public struct Answer: Sendable {
        public var at: Timestamp
        public var seq: Int64
        public var participant: String
        /// `accepted`, `declined`, `tentative` or `cancelled`.
        public var kind: String
    }

    /// Where the answers leave everyone: seats, the waiting list, each person's latest answer.
    public typealias Resolution = SeatAllocation<String>

    /// An engagement and everyone who answered or came.
    public struct Engagement: Sendable {
        public var info: EngagementInfo
        public var people: [String: Attendance] = [:]
        public var answers: [Answer] = []

        mutating func record(_ type: EventTypeName, participant: String, profile: Profile, at occurred: Timestamp, seq: Int64, response: String?) {
            people[participant, default: Attendance(profile: profile)].profile = profile
            switch type {
            case .rsvpSubmitted:
                people[participant]!.hasRSVP = true
                answers.append(Answer(at: occurred, seq: seq, participant: participant, kind: response ?? "accepted"))
            case .rsvpCancelled:
                people[participant]!.hasRSVP = true
                answers.append(Answer(at: occurred, seq: seq, participant: participant, kind: "cancelled"))
            default:
                people[participant]!.checkedInAt = min(people[participant]!.checkedInAt ?? occurred, occurred)
            }
        }

        /// Replays the answers in the order they were given.
        public func resolve() -> Resolution {
            Resolution(capacity: info.capacity, answers: answers.map { ($0.at, $0.seq, $0.participant, $0.kind) })
        }

        /// The status of `participant` under `resolution` (see the type's summary).
        public func status(of participant: String, in resolution: Resolution) -> String {
            guard let person = people[participant] else { return "" }
            if resolution.cancelled.contains(participant) { return "cancelled" }
            switch resolution.response[participant] {
            case "accepted"?:
                if resolution.waitlist.contains(participant) { return "waitlisted" }
                if let deadline = info.rsvpDeadline, let accepted = resolution.acceptedAt[participant], accepted > deadline { return "late" }
                return "confirmed"
            case let response?:
                return response
            case nil:
                return person.checkedInAt != nil ? "walk_in" : ""
            }
        }
    }

    public var directory = ParticipantDirectory()
    /// The engagements, by id.
    public internal(set) var engagements: [String: Engagement] = [:]
    /// Engagement ids in the order they were scheduled.
    public internal(set) var order: [String] = []
    /// When set, only this engagement's answers and check-ins are kept (a report of one
    /// engagement need not fold everyone else's); every engagement is still known by id.
    public let onlyEngagement: String?

    public init(onlyEngagement: String? = nil) {
        self.onlyEngagement = onlyEngagement
    }

    /// Everyone the reports of this fold may name: whoever answered or came.
    public var peopleShown: Set<String> {
        engagements.values.reduce(into: Set<String>()) { $0.formUnion($1.people.keys) }
    }

    /// Folds in one event.
    public mutating func apply(_ event: ReplayedEvent) {
        directory.apply(event)
        let data = event.data
        if let info = EngagementInfo(event) {
            engagements[info.id] = Engagement(info: info)
            order.append(info.id)
            return
        }
        guard [.rsvpSubmitted, .rsvpCancelled, .attendanceCheckedIn].contains(event.typeName),
              let engagementID = data["engagement"]?.stringValue, onlyEngagement == nil || engagementID == onlyEngagement,
              engagements[engagementID] != nil,
              let participant = data["participant"]?.stringValue, let profile = directory[participant],
              let occurred = event.occurred else { return }
        // Mutated in place through the dictionary: copying an engagement out and back would copy
        // its whole attendee table on every event.
        engagements[engagementID]!.record(event.typeName, participant: participant, profile: profile, at: occurred, seq: event.seq,
                                          response: data["response"]?.stringValue)
    }
}

// MARK: - The report

extension AttendeeProjection {
    /// The statuses in the order totals list them.
    public static let statuses = ["confirmed", "late", "tentative", "declined", "cancelled", "waitlisted", "walk_in"]

    /// The attendee list of `engagement` (the only one when nil).
    public func document(engagement given: String?, labels: Labels, names: PersonalNames, stamp: ReportStamp) throws(ReportError) -> ReportDocument {
        let id = try ReportError.pick(given, from: order, what: "engagement", option: "--engagement")
        guard let engagement = engagements[id] else { throw .notFound(what: "engagement", id: id, among: order) }
        let resolution = engagement.resolve()
        let participants = engagement.people.keys.sorted()
        struct Row { var participant: String; var name: String?; var person: Attendance; var status: String }
        let response = { (p: String) in resolution.cancelled.contains(p) ? nil : resolution.response[p] }
        var rows = participants.map { p in
            let person = engagement.people[p]!
            let isErased = directory[p]?.isErased ?? false // erased now, whatever the profile was on the day
            return Row(participant: p, name: isErased ? nil : names.name(of: p, asOf: stamp.lastSeq),
                       person: person, status: engagement.status(of: p, in: resolution))
        }
        rows.sort { a, b in
            switch (a.name, b.name) {
            case let (x?, y?): x == y ? a.participant < b.participant : labels.collationPrecedes(x, y)
            case (_?, nil): true
            case (nil, _?): false
            case (nil, nil): a.participant < b.participant
            }
        }
        let local = { (t: Timestamp?) in t.map(engagement.info.localTime) ?? "" }
        let table = ReportTable(columns: [
            ReportColumn(id: "participant", label: "ID"), ReportColumn(id: "name", label: labels["name"]),
            ReportColumn(id: "organization", label: labels["organization"]), ReportColumn(id: "group", label: labels["group"]),
            ReportColumn(id: "district", label: labels["district"]), ReportColumn(id: "response", label: labels["response"]),
            ReportColumn(id: "responded_at", label: labels["responded_at"]), ReportColumn(id: "status", label: labels["status"]),
            ReportColumn(id: "attended", label: labels["attended"]), ReportColumn(id: "checked_in_at", label: labels["checked_in_at"]),
        ], rows: rows.map { row in
            let profile = row.person.profile
            return [.text(row.participant), .text(row.name ?? labels["erased"]),
                    profile.organization.map(ReportCell.text) ?? .empty,
                    .term(profile.group, label: labels[profile.group]), profile.district.map { .term($0, label: labels[$0]) } ?? .empty,
                    response(row.participant).map { .term($0, label: labels[$0]) } ?? .empty, .text(local(resolution.respondedAt[row.participant])),
                    .term(row.status, label: labels[row.status]),
                    .flag(row.person.checkedInAt != nil, label: labels[row.person.checkedInAt != nil ? "yes" : "no"]),
                    .text(local(row.person.checkedInAt))]
        })
        let seated = resolution.seated
        let attendedSeated = seated.filter { engagement.people[$0]?.checkedInAt != nil }.count
        let attended = rows.filter { $0.person.checkedInAt != nil }.count
        var facts = [ReportFact(id: "people", label: labels["total"], value: .integer(rows.count),
                                definition: labels.sentences.peopleDefinition)]
        facts.append(ReportFact(id: "attended", label: labels["attended"], value: .integer(attended), definition: labels.sentences.attendedDefinition))
        facts.append(ReportFact(id: "no_shows", label: labels["no_show"], value: .integer(seated.count - attendedSeated),
                                definition: labels.sentences.noShowDefinition))
        facts.append(ReportFact(id: "rsvp_to_attendance", label: labels.sentences.conversionLabel,
                                value: seated.isEmpty ? .empty : .number(100 * Double(attendedSeated) / Double(seated.count), decimals: 1),
                                definition: labels.sentences.conversionDefinition))
        if let capacity = engagement.info.capacity {
            facts.append(ReportFact(id: "capacity", label: labels["capacity"], value: .integer(capacity)))
        }
        if let deadline = engagement.info.rsvpDeadline {
            facts.append(ReportFact(id: "rsvp_deadline", label: labels["rsvp_deadline"], value: .text(engagement.info.localTime(deadline) + " (\(engagement.info.timeZone.identifier))")))
        }
        let byStatus = Self.statuses.map { status in (status, rows.filter { $0.status == status }.count) }
        let groups = EventCatalog.groups.filter { g in rows.contains { $0.person.profile.group == g } }
        let byGroup = ReportTable(columns: [ReportColumn(id: "group", label: labels["group"]), ReportColumn(id: "people", label: labels["total"], isNumeric: true),
                                            ReportColumn(id: "attended", label: labels["attended"], isNumeric: true)],
                                  rows: groups.map { g in
                                      let members = rows.filter { $0.person.profile.group == g }
                                      return [.term(g, label: labels[g]), .integer(members.count), .integer(members.filter { $0.person.checkedInAt != nil }.count)]
                                  })
        // Totals first: the organiser reads how many came before the list of everyone.
        return ReportDocument(kind: "attendees", title: labels["attendees"], subject: engagement.info.title, stamp: stamp, sections: [
            ReportSection(id: "totals", title: labels["totals"], content: .facts(facts)),
            ReportSection(id: "by_status", title: labels["by_status"], content: .facts(byStatus.map {
                ReportFact(id: $0.0, label: labels[$0.0], value: .integer($0.1))
            })),
            ReportSection(id: "by_status_chart", title: labels["by_status"], content: .chart(ReportChart(
                style: .bars, unit: labels["people"], points: byStatus.filter { $0.1 > 0 }.map { (labels[$0.0], Double($0.1)) }))),
            ReportSection(id: "by_group", title: labels["by_group"], content: .table(byGroup)),
            ReportSection(id: "rows", title: labels["rows"], content: .table(table)),
        ])
    }
}

/// Where answers to an invitation leave everyone: seats, the waiting list, each person's latest
/// answer. Seats go in the order people answered (by when they answered, then by seq); a
/// cancellation or a change of answer frees a seat for the first waiting.
public struct SeatAllocation<Participant: Hashable & Sendable>: Sendable {
    public var seated: [Participant] = []
    public var waitlist: [Participant] = []
    public var response: [Participant: String] = [:]
    public var respondedAt: [Participant: Timestamp] = [:]
    /// When each person's current acceptance began (judged against the deadline).
    public var acceptedAt: [Participant: Timestamp] = [:]
    public var cancelled: Set<Participant> = []

    /// Replays `answers` (`accepted`, `declined`, `tentative` or `cancelled`) against `capacity`.
    public init(capacity: Int?, answers: [(at: Timestamp, seq: Int64, participant: Participant, kind: String)]) {
        func promote() {
            while let capacity, seated.count < capacity, !waitlist.isEmpty {
                seated.append(waitlist.removeFirst())
            }
        }
        func free(_ participant: Participant) {
            seated.removeAll { $0 == participant }
            waitlist.removeAll { $0 == participant }
            promote()
        }
        let ordered = answers.sorted { $0.at != $1.at ? $0.at < $1.at : $0.seq < $1.seq }
        for answer in ordered {
            let p = answer.participant
            let wasAccepted = response[p] == "accepted" && !cancelled.contains(p)
            if answer.kind == "cancelled" {
                cancelled.insert(p)
                acceptedAt[p] = nil
                free(p)
                continue
            }
            cancelled.remove(p)
            response[p] = answer.kind
            respondedAt[p] = answer.at
            if answer.kind == "accepted" {
                guard !wasAccepted else { continue }
                acceptedAt[p] = answer.at
                if let capacity, seated.count >= capacity {
                    waitlist.append(p)
                } else {
                    seated.append(p)
                }
            } else if wasAccepted {
                free(p)
            }
        }
    }
}
