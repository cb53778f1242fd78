/// Everything that can go wrong in the ledger, with enough to locate the problem.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory is not a ledger (no `ledger.json`), or its configuration cannot be read.
    case notALedger(path: String, reason: String)
    /// An event type the catalog does not know.
    case unknownType(String)
    /// A field of an event is missing, unknown or wrong.
    case invalidField(type: String, field: String, reason: String)
    /// An event is wrong as a whole (not an object, too large, written by another command only).
    case invalidEvent(type: String, reason: String)
    /// A line of an `import` batch is not acceptable; `line` counts from 1.
    case invalidImportLine(source: String, line: Int, reason: String)
    /// A row of a CSV import is not acceptable; `row` as a spreadsheet numbers it (the header is
    /// row 1), `column` by its header when the refusal is about one cell.
    case invalidImportRow(source: String, row: Int, column: String?, reason: String)
    /// An id is already in the ledger with other content.
    case conflict(id: String, reason: String)
    /// A command's argument is not acceptable (a participant that does not exist, a bad checkpoint).
    case invalidArgument(String)
    /// A system call failed.
    case io(SystemError)
    /// The writer lock was not obtained in time.
    case busy(waitedSeconds: Double)
    /// The ledger's files are damaged at `file`, `line` (counting from 1; 0 when not about a line).
    case damaged(file: String, line: Int, reason: String)
    /// A derived index file does not match its checksums or the events; writers rebuild it.
    case damagedIndex(file: String, reason: String)
    /// The ledger's directory belongs to another account, whose files a writer must not change.
    case notOwner(path: String, owner: String, ownerID: UInt32, caller: String, callerID: UInt32)

    /// The error for a failed system call: a file the ledger refuses (a link, a second hard
    /// link, not a regular file) is damage to look at, anything else an I/O error.
    public init(_ error: SystemError) {
        if let refusal = error.refusal {
            self = .damaged(file: error.path, line: 0, reason: refusal)
        } else {
            self = .io(error)
        }
    }

    /// True for a refusal of what was given (an event, a field, an id, an argument), as
    /// opposed to the state of the ledger or the system: only those are "line N" of an import.
    public var isAboutInput: Bool {
        switch self {
        case .unknownType, .invalidField, .invalidEvent, .invalidImportLine, .invalidImportRow, .conflict, .invalidArgument: true
        case .notALedger, .io, .busy, .damaged, .damagedIndex, .notOwner: false
        }
    }

    public var description: String {
        switch self {
        case let .notALedger(path, reason):
            "\(path) is not a ledger (\(reason)); run 'ledgerctl --dir \(path) init' to make one"
        case let .unknownType(type):
            "unknown event type '\(type)'\(Spelling.suggestion(for: type, among: EventCatalog.version1.types.map(\.name))); 'ledgerctl types' lists the catalog"
        case let .invalidField(type, field, reason):
            "\(type): field '\(field)' \(reason)"
        case let .invalidEvent(type, reason):
            "\(type): \(reason)"
        case let .invalidImportRow(source, row, column, reason):
            "\(source) row \(row)\(column.map { ", column '\($0)'" } ?? ""): \(reason); nothing was imported"
        case let .invalidImportLine(source, line, reason):
            "\(source) line \(line): \(reason); nothing was imported"
        case let .conflict(id, reason):
            "id '\(id)' is already in the ledger with other content (\(reason)); use a new id"
        case let .invalidArgument(reason):
            reason
        case let .io(error):
            "\(error)"
        case let .busy(waited):
            "the ledger is busy: another writer held the lock for \(Self.seconds(waited)) s; try again, or raise --wait"
        case let .damaged(file, line, reason):
            line > 0 ? "\(file) line \(line): \(reason)" : "\(file): \(reason)"
        case let .damagedIndex(file, reason):
            "\(file): \(reason); the index is derived from the events: the next writer rebuilds it (or delete the index directory)"
        case let .notOwner(path, owner, ownerID, caller, callerID):
            "\(path) is owned by user '\(owner)' (uid \(ownerID)), and this is '\(caller)' (uid \(callerID)): a writer never changes "
                + "another account's ledger (its new files would belong to '\(caller)'); run as the owner, such as "
                + "'sudo -u \(owner) ledgerctl --dir \(path) ...'"
        }
    }

    private static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Runs `body`, turning a system error into a `LedgerError` (`LedgerError.init(_:)`).
func io<T>(_ body: () throws(SystemError) -> T) throws(LedgerError) -> T {
    do {
        return try body()
    } catch {
        throw LedgerError(error)
    }
}
