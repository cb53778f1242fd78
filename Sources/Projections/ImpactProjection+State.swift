import Foundation
import Ledger

/// The impact fold's state as bytes, for `SavedState`: a report after a few new events reads the
/// saved state and folds only those events.
extension ImpactProjection: SavedFold {
    /// The name of the saved state in `DIR/index/`.
    public static let stateName = "impact"
    var stateName: String { Self.stateName }

    init(decoding input: StateDecoder, scopeOf empty: ImpactProjection) throws(StateDecoder.Malformed) {
        try self.init(decoding: input)
    }

    mutating func prepareToSave() { rememberSeats() }
    /// The layout of `encodedState`: raise it whenever the layout changes, so that a state saved
    /// by an earlier build is not read as this one.
    public static let stateVersion: UInt32 = 9

    func writeState(to out: inout StateEncoder) {
        out.write(projectOrder) { $0.write($1) }
        out.write(projects.keys.sorted()) { out, id in
            let project = projects[id]!
            out.write(project.id)
            out.write(project.title)
            out.write(project.budget) { $0.write($1) }
            out.write(project.startsOn)
            out.write(project.endsOn)
            out.write(project.funder) { $0.write($1) }
            out.write(project.partners) { $0.write($1) }
            out.write(project.publication.description) { $0.write($1) }
            out.write(project.publication.reportingOrganisation, Self.write)
            out.write(project.publication.activityIdentifier) { $0.write($1) }
            out.write(project.publication.organisations, Self.write)
        }
        out.write(targets) { out, target in
            out.write(target.indicator)
            out.write(target.project)
            out.write(target.start)
            out.write(target.end)
            out.write(target.target)
            out.write(target.baseline) { $0.write($1) }
        }
        out.write(profiles) { $0.write($1) }
        out.write(personIDs) { $0.write($1) }
        out.writePlain(people)
        out.writePlain(involvements)
        out.writePlain(actionDays)
        out.write(engagements) { out, engagement in
            out.write(engagement.id)
            out.write(engagement.info) { $0.write($1) }
            out.writePlain(engagement.answers)
            out.write(engagement.seats) { out, seats in
                out.write(Int64(seats.answers))
                out.writePlain(seats.seated)
            }
            out.writePlain(engagement.actionCounts)
            out.write(engagement.counted.map { [$0.first, $0.last] }) { $0.writePlain($1) }
        }
        out.write(scheduled) { $0.write($1) }
        out.write(contests) { out, contest in
            out.write(contest.id)
            out.write(contest.engagement)
            out.write(contest.kind)
            out.write(contest.deadline) { $0.write($1) }
            out.write(contest.requiredHashtags) { $0.write($1) }
        }
        out.write(contestOrder) { $0.write($1) }
        out.write(photoEntries) { out, entry in
            out.write(entry.contest)
            out.write(entry.person)
            out.write(entry.postedAt) { $0.write($1) }
            out.write(entry.meetsEntryRules)
        }
        out.write(proposals) { out, proposal in
            out.write(proposal.id)
            out.write(proposal.engagement)
            out.write(proposal.theme)
            out.write(proposal.submittedAt) { $0.write($1) }
            out.write(Int64(proposal.supports))
            out.write(proposal.history) { out, change in
                out.write(change.status)
                out.write(change.at) { $0.write($1) }
            }
        }
    }

    /// Writes one organisation of a project's publication.
    static func write(_ out: inout StateEncoder, _ organisation: Organisation) {
        out.write(organisation.id)
        out.write(organisation.name)
        out.write(organisation.ref) { $0.write($1) }
        out.write(organisation.type) { $0.write($1) }
        out.write(organisation.role) { $0.write($1) }
    }

    /// The state `encodedState` wrote.
    /// - Throws: `StateDecoder.Malformed` when the bytes are not such a state (or not whole).
    public init(encodedState bytes: [UInt8]) throws(StateDecoder.Malformed) {
        try self.init(decoding: StateDecoder(bytes: bytes))
    }

    /// The state `encodedState` wrote, read from `input` to its end.
    public init(decoding input: StateDecoder) throws(StateDecoder.Malformed) {
        self.init()
        var input = input
        projectOrder = try input.array { input throws(StateDecoder.Malformed) in try input.string() }
        let organisation = { (input: inout StateDecoder) throws(StateDecoder.Malformed) -> Organisation in
            Organisation(id: try input.string(), name: try input.string(), ref: try input.optionalString(), type: try input.optionalString(), role: try input.optionalString())
        }
        for project in try input.array({ input throws(StateDecoder.Malformed) in
            Project(id: try input.string(), title: try input.string(), budget: try input.optional { input throws(StateDecoder.Malformed) in try input.double() },
                    startsOn: try input.string(), endsOn: try input.string(), funder: try input.optionalString(),
                    partners: try input.array { input throws(StateDecoder.Malformed) in try input.string() },
                    publication: Publication(description: try input.optionalString(), reportingOrganisation: try input.optional(organisation),
                                             activityIdentifier: try input.optionalString(), organisations: try input.array(organisation)))
        }) {
            projects[project.id] = project
        }
        targets = try input.array { input throws(StateDecoder.Malformed) in
            Target(indicator: try input.string(), project: try input.string(), start: try input.string(), end: try input.string(),
                   target: try input.double(), baseline: try input.optional { input throws(StateDecoder.Malformed) in try input.double() })
        }
        profiles = try input.array { input throws(StateDecoder.Malformed) in try input.profile() }
        personIDs = try input.array { input throws(StateDecoder.Malformed) in try input.string() }
        people = try input.plainArray(of: Person.self)
        involvements = try input.plainArray(of: Involvement.self)
        actionDays = try input.plainArray(of: ActionDay.self)
        engagements = try input.array { input throws(StateDecoder.Malformed) in
            let id = try input.string()
            let info = try input.optional { input throws(StateDecoder.Malformed) in try input.engagementInfo() }
            guard info == nil || info?.id == id else { throw StateDecoder.Malformed() }
            let answers = try input.plainArray(of: Answer.self)
            let seats = try input.optional { input throws(StateDecoder.Malformed) in (Int(try input.count()), try input.plainArray(of: Int32.self)) }
            let counts = try input.plainArray(of: Int64.self)
            guard counts.count == ImpactProjection.actionOrder.count, counts.allSatisfy({ $0 >= 0 && $0 <= input.countLimit }) else {
                throw StateDecoder.Malformed()
            }
            let counted = try input.optional { input throws(StateDecoder.Malformed) in try input.plainArray(of: Int64.self) }
            guard counted == nil || counted?.count == 2 else { throw StateDecoder.Malformed() }
            return Engagement(id: id, info: info, answers: answers, seats: seats, actionCounts: counts, counted: counted.map { ($0[0], $0[1]) })
        }
        scheduled = try input.array { input throws(StateDecoder.Malformed) in try input.int32() }
        contests = try input.array { input throws(StateDecoder.Malformed) in
            Contest(id: try input.string(), engagement: try input.string(), kind: try input.string(), deadline: try input.optionalTimestamp(),
                    requiredHashtags: try input.array { input throws(StateDecoder.Malformed) in try input.string() })
        }
        contestOrder = try input.array { input throws(StateDecoder.Malformed) in try input.int32() }
        photoEntries = try input.array { input throws(StateDecoder.Malformed) in
            PhotoEntry(contest: try input.int32(), person: try input.int32(), postedAt: try input.optionalTimestamp(), meetsEntryRules: try input.bool())
        }
        proposals = try input.array { input throws(StateDecoder.Malformed) in
            Proposal(id: try input.string(), engagement: try input.string(), theme: try input.string(), submittedAt: try input.optionalTimestamp(),
                     supports: Int(try input.count()),
                     history: try input.array { input throws(StateDecoder.Malformed) in (try input.string(), try input.optionalTimestamp()) })
        }
        guard input.isAtEnd else { throw StateDecoder.Malformed() }
        guard personIDs.count == people.count else { throw StateDecoder.Malformed() }
        // The lookups by id are built when first needed (`buildNumbers`); an id given twice,
        // which only a state made by hand can hold, is not refused: the first number wins.
        numbersPending = true
        scansLeft = ImpactProjection.scansBeforeBuilding
        engagementNumbers = Dictionary(engagements.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        contestNumbers = Dictionary(contests.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        try checkReferences()
    }

    /// Every number in the state points at something that is there, every chain of records is a
    /// list that ends (each record in one list, the person's own), and every instant is one a
    /// ledger can hold: a state that decodes but breaks any of this is refused, never folded into
    /// (the checksum only catches damage; a file made by hand could pass it).
    private func checkReferences() throws(StateDecoder.Malformed) {
        func within(_ index: Int32, _ count: Int, orNone: Bool = true) -> Bool { (orNone && index == -1) || (index >= 0 && Int(index) < count) }
        func require(_ condition: Bool) throws(StateDecoder.Malformed) { if !condition { throw StateDecoder.Malformed() } }
        /// Instants of years 0 to 9999 (what RFC 3339 can write), or `Int64.max` for none.
        func plausible(_ milliseconds: Int64) -> Bool { milliseconds == .max || (milliseconds > -400_000_000_000_000 && milliseconds < 400_000_000_000_000) }
        var involvementSeen = [Bool](repeating: false, count: involvements.count)
        var daySeen = [Bool](repeating: false, count: actionDays.count)
        for (number, person) in people.enumerated() {
            try require(within(person.profile, profiles.count) && within(person.registeredProfile, profiles.count)
                        && within(person.firstInvolvement, involvements.count) && within(person.lastInvolvement, involvements.count))
            var k = person.firstInvolvement, last: Int32 = -1
            while k >= 0 {
                try require(!involvementSeen[Int(k)] && involvements[Int(k)].person == Int32(number))
                involvementSeen[Int(k)] = true
                last = k
                k = involvements[Int(k)].next
                try require(within(k, involvements.count))
            }
            try require(last == person.lastInvolvement)
        }
        for involvement in involvements {
            try require(within(involvement.person, people.count, orNone: false) && within(involvement.engagement, engagements.count, orNone: false)
                        && within(involvement.next, involvements.count) && within(involvement.firstActionProfile, profiles.count)
                        && within(involvement.checkInProfile, profiles.count) && within(involvement.firstActionDay, actionDays.count)
                        && plausible(involvement.firstActionAt) && (involvement.firstActionAt == .max) == (involvement.firstActionProfile < 0))
            var d = involvement.firstActionDay
            while d >= 0 {
                try require(!daySeen[Int(d)])
                daySeen[Int(d)] = true
                d = actionDays[Int(d)].next
                try require(within(d, actionDays.count))
            }
        }
        try require(involvementSeen.allSatisfy { $0 })
        for engagement in engagements {
            for person in engagement.seats?.seated ?? [] { try require(within(person, people.count, orNone: false)) }
            for answer in engagement.answers {
                try require(within(answer.person, people.count, orNone: false) && answer.kind >= 0 && Int(answer.kind) < Answer.kinds.count && plausible(answer.at))
            }
            if let info = engagement.info {
                try require(plausible(info.startsAt?.millisecondsSinceEpoch ?? 0) && plausible(info.endsAt?.millisecondsSinceEpoch ?? 0)
                            && plausible(info.rsvpDeadline?.millisecondsSinceEpoch ?? 0))
            }
            if let counted = engagement.counted { try require(plausible(counted.first) && plausible(counted.last) && counted.first <= counted.last) }
        }
        for number in scheduled { try require(within(number, engagements.count, orNone: false)) }
        for number in contestOrder { try require(within(number, contests.count, orNone: false)) }
        for contest in contests { try require(plausible(contest.deadline?.millisecondsSinceEpoch ?? 0)) }
        for entry in photoEntries {
            try require(within(entry.contest, contests.count, orNone: false) && within(entry.person, people.count, orNone: false)
                        && plausible(entry.postedAt?.millisecondsSinceEpoch ?? 0))
        }
        for proposal in proposals {
            try require(proposal.supports >= 0 && proposal.supports < Int(Int32.max))
            try require(plausible(proposal.submittedAt?.millisecondsSinceEpoch ?? 0) && proposal.history.allSatisfy { plausible($0.at?.millisecondsSinceEpoch ?? 0) })
        }
    }
}
