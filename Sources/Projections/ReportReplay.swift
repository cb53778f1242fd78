import Ledger

/// A report's replay: which fold reads the events, from where, and the state it keeps.
///
/// A report of one engagement or contest folds only what it shows. Every report goes on from the
/// fold state an earlier report of the same kind and scope saved in `DIR/index/` (unless
/// `fresh`), and saves it again once it has read `eventsBetweenSavedStates` events past it
/// (`SavedFold`); a report `--as-of` a past moment reads from the first event and saves nothing.
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
    ///   - fresh: the fold starts from the first event, whatever state was saved.
    public init(_ kind: Kind, log: EventLog, until cutoff: EventLog.Cutoff, engagement: String?, contest: String?,
                fresh: Bool) throws(LedgerError) {
        self.kind = kind
        attendees = AttendeeProjection(onlyEngagement: engagement)
        standings = StandingsProjection(onlyContest: contest)
        let every = Self.eventsBetweenSavedStates
        switch kind {
        case .attendees: (attendees, replayed) = try AttendeeProjection.replay(attendees, log: log, until: cutoff, fresh: fresh, every: every)
        case .standings: (standings, replayed) = try StandingsProjection.replay(standings, log: log, until: cutoff, fresh: fresh, every: every)
        case .impact: (impact, replayed) = try ImpactProjection.replay(impact, log: log, until: cutoff, fresh: fresh, every: every)
        case .proposals: (proposals, replayed) = try ProposalsProjection.replay(proposals, log: log, until: cutoff, fresh: fresh, every: every)
        }
    }
}
