import Ledger

/// The attendee fold's state, for `SavedFold`: the directory of profiles and each engagement's
/// answers and check-ins, in a fixed order (dictionaries by sorted key).
extension AttendeeProjection: SavedFold {
    static let stateVersion: UInt32 = 2

    var stateName: String { Self.stateName("attendees", scope: onlyEngagement) }
    /// A scope's fold when it holds its engagement; the whole ledger's only when it holds one
    /// engagement, the one case a report is made of it (with several, a report asks which).
    var isWorthSaving: Bool { onlyEngagement.map { engagements[$0] != nil } ?? (order.count == 1) }

    func writeState(to out: inout StateEncoder) {
        out.write(onlyEngagement)
        // Profiles once each (people share a few hundred), then each person's by number.
        let ids = directory.profiles.keys.sorted()
        var numbers: [Profile: Int32] = [:]
        var distinct: [Profile] = []
        let numbered = ids.map { id in
            let profile = directory.profiles[id]!
            if let number = numbers[profile] { return number }
            numbers[profile] = Int32(distinct.count)
            distinct.append(profile)
            return Int32(distinct.count - 1)
        }
        out.write(distinct) { $0.write($1) }
        out.write(ids)
        out.writePlain(numbered)
        out.write(order)
        out.write(engagements.keys.sorted()) { out, id in
            let engagement = engagements[id]!
            out.write(engagement.info)
            out.write(engagement.people.keys.sorted()) { out, participant in
                let person = engagement.people[participant]!
                out.write(participant)
                out.write(person.checkedInAt)
                out.write(person.profile)
                out.write(person.hasRSVP)
            }
            out.write(engagement.answers) { out, answer in
                out.write(answer.at)
                out.write(answer.seq)
                out.write(answer.participant)
                out.write(answer.kind)
            }
        }
    }

    init(decoding input: StateDecoder, scopeOf empty: AttendeeProjection) throws(StateDecoder.Malformed) {
        var input = input
        try self.init(reading: &input, scopeOf: empty)
        try input.requireEnd()
    }

    /// Reads what `write(to:)` wrote, for the scope of `empty`.
    init(reading input: inout StateDecoder, scopeOf empty: AttendeeProjection) throws(StateDecoder.Malformed) {
        guard try input.optionalString() == empty.onlyEngagement else { throw StateDecoder.Malformed() }
        self.init(onlyEngagement: empty.onlyEngagement)
        let distinct = try input.array { input throws(StateDecoder.Malformed) in try input.profile() }
        let ids = try input.strings(), numbered = try input.plainArray(of: Int32.self)
        guard ids.count == numbered.count, numbered.allSatisfy({ $0 >= 0 && Int($0) < distinct.count }) else { throw StateDecoder.Malformed() }
        var profiles: [String: Profile] = [:]
        profiles.reserveCapacity(ids.count)
        for (id, number) in zip(ids, numbered) { profiles[id] = distinct[Int(number)] }
        directory = ParticipantDirectory(profiles: profiles)
        let order = try input.strings()
        var engagements: [String: Engagement] = [:]
        for engagement in try input.array({ input throws(StateDecoder.Malformed) -> Engagement in
            var engagement = Engagement(info: try input.engagementInfo())
            for (participant, person) in try input.array({ input throws(StateDecoder.Malformed) in
                (try input.string(), Attendance(checkedInAt: try input.optionalTimestamp(), profile: try input.profile(), hasRSVP: try input.bool()))
            }) {
                engagement.people[participant] = person
            }
            engagement.answers = try input.array { input throws(StateDecoder.Malformed) in
                Answer(at: try input.timestamp(), seq: try input.count(), participant: try input.string(), kind: try input.string())
            }
            return engagement
        }) {
            engagements[engagement.info.id] = engagement
        }
        guard Set(order) == Set(engagements.keys), order.count == engagements.count else { throw StateDecoder.Malformed() }
        self.engagements = engagements
        self.order = order
    }
}
