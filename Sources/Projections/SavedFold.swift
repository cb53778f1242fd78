import Foundation
import Ledger

/// A report's fold whose state can be saved in `DIR/index/` and gone on from: the one mechanism
/// every report uses, so that a report after a few new events reads only those events.
///
/// The state is derived and safe to delete; `SavedState` trusts it only under one rule (the line
/// it was saved at is still in its place with the same SHA-256). A fold of one scope (one
/// engagement's attendees, one contest's standings) saves under a name of its own, so reports of
/// different scopes never overwrite each other's state, and the state records its scope, so a
/// state of another scope is never read as this one.
protocol SavedFold: Sendable {
    /// The layout of `writeState(to:)`: raise it whenever the layout changes.
    static var stateVersion: UInt32 { get }
    /// The state's name in `DIR/index/` (without `.state`): the fold's kind, and its scope.
    var stateName: String { get }
    /// Writes the whole state, its scope included.
    func writeState(to out: inout StateEncoder)
    /// The state `writeState(to:)` wrote, when it is the state of the same scope as `empty`.
    init(decoding input: StateDecoder, scopeOf empty: Self) throws(StateDecoder.Malformed)
    /// Folds in one event.
    mutating func apply(_ event: ReplayedEvent)
    /// Works out what is cheaper to save than to work out again (impact: the seats) before saving.
    mutating func prepareToSave()
    /// False for a fold of one engagement or contest the ledger does not have: the report is
    /// refused, and a state saved for every mistyped id would only fill `index/`.
    var isWorthSaving: Bool { get }
}

extension SavedFold {
    mutating func prepareToSave() {}
    var isWorthSaving: Bool { true }

    /// The whole state as bytes.
    var encodedState: [UInt8] {
        var out = StateEncoder()
        writeState(to: &out)
        return out.bytes
    }

    /// The state name of a fold of `kind` over `scope` (nil: every engagement or contest): the
    /// scope is hashed into the name, so that no id, however written, makes it a path.
    static func stateName(_ kind: String, scope: String?) -> String {
        guard let scope else { return kind }
        return kind + "-" + String(SHA256.hash(Array(scope.utf8)).hex.prefix(16))
    }

    /// Replays `log` up to `cutoff` into `empty`, going on from its saved state when there is one
    /// for the whole ledger (not with `fresh`, not for a past `cutoff`), and saving the state again
    /// once it has read `eventsBetweenSavedStates` events past it.
    static func replay(_ empty: Self, log: EventLog, until cutoff: EventLog.Cutoff, fresh: Bool,
                       every eventsBetweenSavedStates: Int64) throws(LedgerError) -> (fold: Self, replayed: EventLog.ReplayStamp) {
        let savesState = cutoff == .head
        var fold = empty
        var saved: SavedState?
        if savesState && !fresh, let state = SavedState.load(empty.stateName, version: stateVersion, log: log),
           let restored = try? Self(decoding: state.state, scopeOf: empty) {
            fold = restored
            saved = state
        }
        let replayed = try log.replay(until: cutoff, after: saved?.position) { event in fold.apply(event) }
        if savesState, fold.isWorthSaving, let end = replayed.end, end.seq - (saved?.position.seq ?? 0) >= eventsBetweenSavedStates {
            fold.prepareToSave()
            SavedState.save(empty.stateName, version: stateVersion, at: end, log: log) { fold.writeState(to: &$0) }
        }
        return (fold, replayed)
    }
}

// MARK: - Pieces the folds' states share

extension StateEncoder {
    mutating func write(_ value: String?) { write(value) { $0.write($1) } }
    mutating func write(_ value: Timestamp?) { write(value) { $0.write($1) } }
    mutating func write(_ values: [String]) { write(values) { $0.write($1) } }

    mutating func write(_ profile: Profile) {
        write(profile.group)
        write(profile.district)
        write(profile.sex)
        write(profile.organization)
        write(profile.isErased)
    }

    mutating func write(_ info: EngagementInfo) {
        write(info.id)
        write(info.project)
        write(info.title)
        write(info.startsAt)
        write(info.endsAt)
        write(info.timeZone.identifier)
        write(info.venue)
        write(info.rsvpDeadline)
        write(info.capacity.map(Int64.init)) { $0.write($1) }
    }
}

extension StateDecoder {
    mutating func optionalString() throws(Malformed) -> String? { try optional { input throws(Malformed) in try input.string() } }
    mutating func optionalTimestamp() throws(Malformed) -> Timestamp? { try optional { input throws(Malformed) in try input.timestamp() } }
    mutating func strings() throws(Malformed) -> [String] { try array { input throws(Malformed) in try input.string() } }

    mutating func profile() throws(Malformed) -> Profile {
        Profile(group: try string(), district: try optionalString(), sex: try optionalString(), organization: try optionalString(), isErased: try bool())
    }

    mutating func engagementInfo() throws(Malformed) -> EngagementInfo {
        let id = try string(), project = try string(), title = try string(), startsAt = try optionalTimestamp(), endsAt = try optionalTimestamp()
        guard let zone = TimeZone(identifier: try string()) else { throw Malformed() }
        return EngagementInfo(id: id, project: project, title: title, startsAt: startsAt, endsAt: endsAt, timeZone: zone, venue: try optionalString(),
                              rsvpDeadline: try optionalTimestamp(), capacity: try optional { input throws(Malformed) in Int(try input.int64()) })
    }

    /// Fails unless every byte was read.
    func requireEnd() throws(Malformed) {
        guard isAtEnd else { throw Malformed() }
    }
}
