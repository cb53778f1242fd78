import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Ledger {
    /// What `forget` did.
    public struct ForgetResult: Sendable {
        /// The `participant.erased` event (the earlier one when the person was erased already).
        public let event: StoredEvent
        /// How many personal-data records were removed.
        public let recordsRemoved: Int
        /// True when the person had been erased before (the call only finished the job).
        public let wasAlreadyErased: Bool
    }

    /// Erases a participant's personal data from every file in the directory, then appends
    /// `participant.erased`. The data goes first, so that a crash in between leaves no data
    /// behind and a repeated call only writes the event; a repeat after both is a no-op.
    /// - Throws: `LedgerError.invalidArgument` when the ledger has no such participant.
    public func forget(_ participant: String) throws(LedgerError) -> ForgetResult {
        try withWriter { session throws(LedgerError) in
            guard EventValidator.isIdentifier(participant), try session.contains(EntityKey(.participant, [participant])) else {
                throw .invalidArgument("no participant '\(EventValidator.quoted(participant))' in the ledger")
            }
            // Every index lookup comes before the first change, so that a damaged index found on
            // the way (and rebuilt by a new session) never meets a half-done erasure.
            let earlier = try session.index.seq(of: EntityKey(.erased, [participant])).map { seq throws(LedgerError) in try session.event(at: seq) }
            let idIsFree = try !session.contains(.eventID("erased-" + participant))
            let removed = try session.personalStore.erase(participant)
            // A rewrite of the store that died before its rename leaves a full copy behind.
            _ = try session.personalStore.removeLeftovers()
            if let earlier {
                return ForgetResult(event: earlier, recordsRemoved: removed, wasAlreadyErased: true)
            }
            // A fixed id, so that rebuilding the same history gives the same files.
            var id: String? = "erased-" + participant
            if let candidate = id, !EventValidator.isIdentifier(candidate) || !idIsFree { id = nil }
            let event = NewEvent(type: .participantErased, data: .object([("participant", .string(participant))]), id: id)
            let result = try session.write(ImportInput(events: [event], source: "forget"), allowInternal: true, keepEvents: true)
            return ForgetResult(event: result.events[0], recordsRemoved: removed, wasAlreadyErased: false)
        }
    }

    /// The personal data of every participant, as a list of records in seq order.
    public func personalRecords() throws(LedgerError) -> [PersonalDataStore.Record] {
        try PersonalDataStore(directory: directory).records()
    }
}
