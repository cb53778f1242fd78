import Ledger

/// A report's replay: which fold reads the events, from where, and the state it keeps.
///
/// A report of one engagement or contest folds only what it shows. The impact report goes on
/// from the fold state an earlier report saved in `DIR/index/` (unless `fresh`), and saves it
/// again once it has read `eventsBetweenSavedStates` events past it; a report `--as-of` a past
/// moment reads from the first event and saves nothing.
public struct ReportReplay {
    /// The reports there are.
    public enum Kind: String, Sendable, CaseIterable {
        case attendees, standings, impact, proposals
    }

    /// How many events a report folds past the saved state before it saves the state again: a
    /// report then never reads more than this many events after the saved state.
    public static let eventsBetweenSavedStates: Int64 = 1000

    public let kind: Kind
    public private(set) var attendees: AttendeeProjection
    public private(set) var standings: StandingsProjection
    public private(set) var impact = ImpactProjection()
    public private(set) var proposals = ProposalsProjection()
    /// What the replay read.
    public let replayed: EventLog.ReplayStamp

    /// Replays `log` up to `cutoff` into the fold of `kind`.
    /// - Parameters:
    ///   - engagement: an attendee list's one engagement (folded alone).
    ///   - contest: the standings' one contest (folded alone).
    ///   - fresh: the impact fold starts from the first event, whatever state was saved.
    public init(_ kind: Kind, log: EventLog, until cutoff: EventLog.Cutoff, engagement: String?, contest: String?,
                fresh: Bool) throws(LedgerError) {
        self.kind = kind
        attendees = AttendeeProjection(onlyEngagement: engagement)
        standings = StandingsProjection(onlyContest: contest)
        let savesState = kind == .impact && cutoff == .head
        var saved: SavedState?
        if savesState && !fresh, let state = SavedState.load(ImpactProjection.stateName, version: ImpactProjection.stateVersion, log: log),
           let restored = try? ImpactProjection(decoding: state.state) {
            impact = restored
            saved = state
        }
        var attendees = self.attendees, standings = self.standings, impact = self.impact, proposals = self.proposals
        let replayed = try log.replay(until: cutoff, after: saved?.position) { event in
            switch kind {
            case .attendees: attendees.apply(event)
            case .standings: standings.apply(event)
            case .impact: impact.apply(event)
            case .proposals: proposals.apply(event)
            }
        }
        if savesState, let end = replayed.end, end.seq - (saved?.position.seq ?? 0) >= Self.eventsBetweenSavedStates {
            impact.rememberSeats()
            SavedState.save(ImpactProjection.stateName, version: ImpactProjection.stateVersion, body: impact.encodedState, at: end, log: log)
        }
        (self.attendees, self.standings, self.impact, self.proposals, self.replayed) = (attendees, standings, impact, proposals, replayed)
    }
}
