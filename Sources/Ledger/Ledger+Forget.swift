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
            guard EventValidator.isIdentifier(participant), try session.contains(EntityKey("participant", [participant])) else {
                throw .invalidArgument("no participant '\(EventValidator.quoted(participant))' in the ledger")
            }
            let removed = try session.personalStore.erase(participant)
            // A rewrite of the store that died before its rename leaves a full copy behind.
            let leftover = directory.personalPath + ".tmp"
            if access(leftover, F_OK) == 0 {
                try io { () throws(SystemError) in
                    guard system.unlink(leftover) == 0 else { throw SystemError(operation: "unlink", path: leftover, code: errno) }
                    try FileDescriptor.synchronizeDirectory(directory.path, system: system)
                }
            }
            if let seq = try io({ () throws(SystemError) in try session.index.seq(of: EntityKey("erased", [participant])) }) {
                return ForgetResult(event: try session.event(at: seq), recordsRemoved: removed, wasAlreadyErased: true)
            }
            // A fixed id, so that rebuilding the same history gives the same files.
            var id: String? = "erased-" + participant
            if let candidate = id {
                if !EventValidator.isIdentifier(candidate) {
                    id = nil
                } else if try session.contains(.eventID(candidate)) {
                    id = nil
                }
            }
            let event = NewEvent(type: "participant.erased", data: .object([("participant", .string(participant))]), id: id)
            let result = try session.write([try validator.check(event, allowInternal: true)], source: "forget", allowInternal: true)
            return ForgetResult(event: result.events[0], recordsRemoved: removed, wasAlreadyErased: false)
        }
    }

    /// The personal data of every participant, as a list of records in seq order.
    public func personalRecords() throws(LedgerError) -> [PersonalDataStore.Record] {
        try PersonalDataStore(path: directory.personalPath, system: system).records()
    }
}
