import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only, hash-chained event log in a directory.
///
/// Writers (`append`, `importBatch`, `forget`) take the directory's lock, repair a torn tail
/// left by a crashed writer, validate, write, fsync, and only then return. Readers
/// (`EventLog`, `Verifier`) need no lock.
public final class Ledger {
    /// Where the ledger lives.
    public let directory: LedgerDirectory
    /// Its settings from `ledger.json`.
    public let configuration: LedgerDirectory.Configuration
    /// The validator every event passes.
    public let validator: EventValidator
    let system: SystemCalls
    /// How long a writer waits for the lock before giving up with `LedgerError.busy`.
    public var lockTimeout: Double = 10
    /// Receives warnings (a torn tail repaired, an index rebuilt); the command line prints them on stderr.
    public var warningHandler: (String) -> Void = { _ in }
    /// Receives how far an import has got; the command line shows it on a terminal.
    public var progressHandler: (ImportProgress) -> Void = { _ in }
    /// How far an import has got: checking its input (bytes read, of the input's size when
    /// known), then writing what it accepted.
    public enum ImportProgress: Sendable {
        case checking(bytes: Int64, of: Int64?)
        case writing(events: Int64, of: Int64)
    }
    /// The environment, read for `SOURCE_DATE_EPOCH` (a pinned recording clock).
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    /// The two line limits, in bytes, line feed excluded. A stored line is at most
    /// `maximumLineBytes`: writers refuse a longer one. Any line read (an import's input,
    /// `--data`, a ledger file, including what a crash left at its end) is at most
    /// `maximumReadLineBytes`: a longer one is bad input, or damage.
    public static let maximumLineBytes = 65_536
    public static let maximumReadLineBytes = 1 << 20

    /// Opens the ledger in `path`.
    /// - Throws: `LedgerError.notALedger` when `path` is not one.
    public init(path: String, catalog: EventCatalog = .version1, system: SystemCalls = .live) throws(LedgerError) {
        self.directory = try LedgerDirectory(path: path, system: system)
        self.configuration = try directory.configuration()
        self.validator = EventValidator(catalog: catalog)
        self.system = system
    }

    /// Makes `path` an empty ledger; does nothing to an existing one.
    /// - Returns: true when a ledger was created, false when one was there already.
    /// - Throws: `LedgerError.notOwner` when `path` belongs to another account.
    @discardableResult
    public static func create(at path: String, configuration: LedgerDirectory.Configuration = .init(),
                              system: SystemCalls = .live) throws(LedgerError) -> Bool {
        var info = stat()
        if system.status(AT_FDCWD, path, &info, AT_SYMLINK_NOFOLLOW) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw .notALedger(path: path, reason: info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link, not a directory" : "not a directory")
            }
        } else {
            guard errno == ENOENT else { throw .io(SystemError(operation: "stat", path: path, code: errno)) }
            try makeDirectories(path, system: system)
        }
        let directory = try LedgerDirectory(path: path, system: system)
        if try io({ () throws(SystemError) in try directory.files.status(of: "ledger.json") }) != nil {
            _ = try directory.configuration() // an existing ledger must be readable as one
            return false
        }
        try directory.requireOwnedByCaller()
        if let stray = try directory.segments().first {
            throw .damaged(file: path + "/" + stray.name, line: 0, reason: "segment files without ledger.json; refusing to make a new ledger over them")
        }
        var bytes: [UInt8] = []
        configuration.json.write(to: &bytes)
        bytes.append(0x0A)
        try io { () throws(SystemError) in
            try directory.files.open(WriterLock.fileName, O_RDWR | O_CREAT).close()
            try directory.files.replaceAtomically("ledger.json", with: bytes)
        }
        return true
    }

    /// `mkdir -p`, each new directory fsync'd into its parent.
    static func makeDirectories(_ path: String, system: SystemCalls) throws(LedgerError) {
        guard !path.isEmpty else { throw .notALedger(path: path, reason: "an empty path") }
        var info = stat()
        if system.status(AT_FDCWD, path, &info, 0) == 0 { return }
        let parentPath: String
        if let slash = path.lastIndex(of: "/") { parentPath = slash == path.startIndex ? "/" : String(path[..<slash]) } else { parentPath = "." }
        if parentPath != path && parentPath != "." && parentPath != "/" { try makeDirectories(parentPath, system: system) }
        try io { () throws(SystemError) in
            let parent = try DirectoryDescriptor.open(parentPath, system: system)
            let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
            guard system.mkdir(parent.rawValue, name, 0o700) == 0 || errno == EEXIST else { throw SystemError(operation: "mkdir", path: path, code: errno) }
            try parent.synchronize()
        }
    }

    /// What an append did.
    public struct AppendResult: Sendable {
        /// The event as stored.
        public let event: StoredEvent
        /// True when an event with the same id and content was already there: nothing was written.
        public let wasAlreadyPresent: Bool
    }

    /// Appends one event, durably.
    /// - Returns: the stored event (the earlier one, for an idempotent repeat).
    /// - Throws: `LedgerError` (bad input, conflict, busy, I/O, damage); nothing is written then.
    public func append(_ event: NewEvent) throws(LedgerError) -> AppendResult {
        let result = try importBatch([event], source: "append")
        return AppendResult(event: result.events[0], wasAlreadyPresent: result.alreadyPresent > 0)
    }

    /// What an import did.
    public struct ImportResult: Sendable {
        /// For a list of events (`importBatch`): one stored event per input event, in input
        /// order (earlier ones for repeats). Empty for `importEvents`, which only counts.
        public let events: [StoredEvent]
        /// How many events were written.
        public let written: Int
        /// How many were already in the ledger with the same id and content.
        public let alreadyPresent: Int
        /// The seq range written, when anything was.
        public let seqRange: ClosedRange<Int64>?
    }

    /// Appends `events` as one unit: all are validated first (later ones may refer to earlier
    /// ones), then all are written, or none.
    /// - Parameters:
    ///   - source: names the input in errors (`import.jsonl line 12: ...`).
    ///   - lineNumbers: the input line of each event, for errors; its position in `events` plus one when nil.
    public func importBatch(_ events: [NewEvent], source: String, lineNumbers: [Int]? = nil,
                            allowInternal: Bool = false) throws(LedgerError) -> ImportResult {
        // What can be checked without the ledger is checked before the lock is taken: such a
        // refusal touches no file, and does not wait for other writers.
        let input = ImportInput(events: events, source: source, lineNumbers: lineNumbers)
        for (i, event) in events.enumerated() {
            do {
                _ = try validator.check(event, allowInternal: allowInternal)
            } catch {
                throw input.namesLines ? .invalidImportLine(source: source, line: lineNumbers?[i] ?? i + 1, reason: error.description) : error
            }
        }
        return try withWriter { session throws(LedgerError) in
            try session.write(input, allowInternal: allowInternal, keepEvents: true)
        }
    }

    /// Appends the events of `input` as one unit, streaming: each is checked as it is read
    /// (later ones may refer to earlier ones), then all are written, or none. Memory stays the
    /// same however long the input; the result counts, it does not list.
    public func importEvents(from input: ImportInput) throws(LedgerError) -> ImportResult {
        try withWriter { session throws(LedgerError) in
            try session.write(input, allowInternal: false, keepEvents: false)
        }
    }

    /// Runs `body` holding the lock, with the tail repaired and the index caught up.
    func withWriter<T>(_ body: (WriterSession) throws(LedgerError) -> T) throws(LedgerError) -> T {
        try directory.requireOwnedByCaller()
        let lock = try WriterLock.acquire(directory.files, timeout: lockTimeout)
        defer { lock.release() }
        var hasRebuilt = false
        while true {
            do {
                let session = try WriterSession(ledger: self)
                return try body(session)
            } catch .damagedIndex(let file, let reason) where !hasRebuilt {
                // The index is derived and never decides: every lookup comes before the first
                // change, so the whole turn runs again on an index rebuilt from the events.
                warn("\(file): \(reason); rebuilding the index from the events")
                try LedgerIndex.discard(in: directory)
                hasRebuilt = true
            }
        }
    }

    func warn(_ message: String) {
        warningHandler(message)
    }
}
