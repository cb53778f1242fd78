import Ledger

/// A person's profile at one moment: what `participant.registered` said, as later updates left it.
public struct Profile: Sendable, Hashable {
    public var group: String
    public var district: String?
    public var sex: String?
    public var organization: String?
    /// True once `forget` erased the person's personal data.
    public var isErased = false

    /// The district for breakdowns: `unknown` when not given.
    public var districtKey: String { district ?? "unknown" }
    /// The sex for breakdowns: `undisclosed` when not given.
    public var sexKey: String { sex ?? "undisclosed" }
}

extension Profile {
    /// The profile a `participant.registered` sets (a registration without a group: `citizen`).
    init(registration data: EventPayload) {
        self.init(group: data["group"]?.stringValue ?? "citizen", district: data["district"]?.stringValue,
                  sex: data["sex"]?.stringValue, organization: data["organization"]?.stringValue)
    }

    /// The profile after a `participant.updated`: the fields it gives change, the others stay.
    func updated(by data: EventPayload) -> Profile {
        var profile = self
        if let group = data["group"]?.stringValue { profile.group = group }
        if let district = data["district"]?.stringValue { profile.district = district }
        if let sex = data["sex"]?.stringValue { profile.sex = sex }
        if let organization = data["organization"]?.stringValue { profile.organization = organization }
        return profile
    }
}

/// Everyone's profile as the fold reaches each event, so that a person's action is counted with
/// the profile they had then (a later `participant.updated` does not rewrite earlier figures).
public struct ParticipantDirectory: Sendable {
    public internal(set) var profiles: [String: Profile] = [:]

    public init() {}

    /// A directory with these profiles (a saved state's).
    init(profiles: [String: Profile]) {
        self.profiles = profiles
    }

    /// Folds in a registration, an update or an erasure; other events change nothing.
    public mutating func apply(_ event: ReplayedEvent) {
        let data = event.data
        guard let id = data["participant"]?.stringValue else { return }
        switch event.typeName {
        case .participantRegistered:
            profiles[id] = Profile(registration: data)
        case .participantUpdated:
            guard let profile = profiles[id] else { return }
            profiles[id] = profile.updated(by: data)
        case .participantErased:
            profiles[id]?.isErased = true
        default:
            break
        }
    }

    /// The profile of `participant` now (at the event being folded).
    public subscript(_ participant: String) -> Profile? { profiles[participant] }
}

/// Names from the personal-data store, by participant, as of a seq: reports show a person's
/// name as it stood at the report's cutoff, or "erased".
public struct PersonalNames: Sendable {
    private var names: [String: [(seq: Int64, name: String)]] = [:]

    /// Builds the lookup from the store's records.
    public init(records: [PersonalDataStore.Record]) {
        self.init(names: records.map(\.name))
    }

    /// Builds the lookup from the names the store's records give.
    public init(names given: [PersonalDataStore.Name]) {
        for record in given {
            if let name = record.name { names[record.participant, default: []].append((record.seq, name)) }
        }
    }

    public init() {}

    /// The name `participant` had after event `seq`, or nil (never given, or erased).
    public func name(of participant: String, asOf seq: Int64) -> String? {
        names[participant]?.last { $0.seq <= seq }?.name
    }
}
