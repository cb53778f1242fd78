/// What a command leaves for the end of the process to reclaim rather than freeing it piece by
/// piece: a report's folds, names and document are hundreds of thousands of small objects, and
/// the process ends once the report is written (freeing the proposals register of a million-event
/// ledger, object by object, took longer than writing it).
enum ProcessEnd {
    nonisolated(unsafe) private static var kept: [Any] = [] // the main thread's alone

    /// Keeps `value` until the process ends.
    static func keep(_ value: Any) {
        kept.append(value)
    }
}
