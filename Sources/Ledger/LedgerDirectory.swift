#if canImport(Glibc)
import Glibc
#endif

/// Where a ledger's files are, and how they are named.
///
/// ```
/// DIR/ledger.json                       format and settings (written by init)
/// DIR/segment-000000000001.jsonl        events, one per line; named by the seq of the first line
/// DIR/personal.jsonl                    personal data, keyed by participant (owner-only)
/// DIR/lock                              the writers' lock
/// DIR/quarantine/                       torn tails moved aside by crash recovery
/// DIR/index/                            derived indexes: safe to delete, rebuilt from the events
/// ```
///
/// Every file is reached through one open descriptor of DIR (`DirectoryDescriptor`): links
/// planted in DIR are refused, never followed.
public struct LedgerDirectory: Sendable {
    /// The ledger's directory.
    public let path: String
    /// The open directory, through which its files are opened.
    let files: DirectoryDescriptor

    /// The format named in `ledger.json`.
    public static let format = "ledger/1"
    /// The segment size when `init` is given none.
    public static let defaultSegmentBytes: Int64 = 16 * 1024 * 1024

    /// Opens the directory at `path`.
    /// - Throws: `LedgerError.notALedger` when there is no such directory, `.io` when it cannot be
    ///   opened (permission denied is said as such).
    public init(path: String, system: SystemCalls = .live) throws(LedgerError) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        do {
            files = try DirectoryDescriptor.open(self.path, system: system)
        } catch {
            switch error.code {
            case ENOENT: throw .notALedger(path: self.path, reason: "no such directory")
            case ENOTDIR: throw .notALedger(path: self.path, reason: "not a directory")
            default: throw LedgerError(error)
            }
        }
    }

    /// The user id of the directory's owner: the only account that writes in it.
    public var owner: uid_t { files.owner }

    /// Refuses to write in a directory that belongs to another account, as git refuses a
    /// repository owned by someone else (CVE-2022-24765): files made by this process would be
    /// owned by it, and the owner's own writers would then fail.
    /// - Throws: `LedgerError.notOwner`.
    public func requireOwnedByCaller() throws(LedgerError) {
        let caller = files.system.effectiveUserID()
        guard caller == owner else {
            throw .notOwner(path: path, owner: userName(owner), ownerID: owner, caller: userName(caller), callerID: caller)
        }
    }

    /// The login name of `uid`, or its number when it has none.
    func userName(_ uid: uid_t) -> String {
        files.system.userName(uid) ?? String(uid)
    }

    public var configPath: String { path + "/ledger.json" }
    public var lockPath: String { path + "/lock" }
    public var personalPath: String { path + "/personal.jsonl" }
    public var quarantinePath: String { path + "/quarantine" }
    public var indexPath: String { path + "/index" }

    /// The file name of the segment whose first line has `seq`.
    public static func segmentName(firstSeq: Int64) -> String {
        let digits = String(firstSeq)
        return "segment-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".jsonl"
    }

    /// The first seq encoded in a segment file name, or nil when the name is not a segment's.
    public static func firstSeq(ofSegment name: String) -> Int64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".jsonl") else { return nil }
        let digits = name.dropFirst(8).dropLast(6)
        guard digits.count >= 12, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let seq = Int64(digits), seq >= 1 else { return nil }
        return seq
    }

    /// A segment file.
    public struct Segment: Sendable, Equatable {
        /// The file name, such as `segment-000000000001.jsonl`.
        public let name: String
        /// The seq its first line must have.
        public let firstSeq: Int64
    }

    /// The segment files, in order.
    /// - Throws: `LedgerError.notALedger` when DIR is not a ledger, `.io` when it cannot be read.
    /// - Throws: `LedgerError.damaged` naming a file whose name starts like a segment's but is
    ///   not one (`strayFiles`): its events would drop out of the ledger unseen, so no reader or
    ///   writer goes on without them (`verify` reports it in its own words).
    public func segments() throws(LedgerError) -> [Segment] {
        let names = try entries()
        if let stray = names.filter({ $0.hasPrefix("segment-") && LedgerDirectory.firstSeq(ofSegment: $0) == nil }).min() {
            throw .damaged(file: path + "/" + stray, line: 0, reason: LedgerDirectory.strayReason
                           + "; rename it back, or move it out of the directory (run 'ledgerctl verify')")
        }
        return names.compactMap { name in
            LedgerDirectory.firstSeq(ofSegment: name).map { Segment(name: name, firstSeq: $0) }
        }.sorted { $0.firstSeq < $1.firstSeq }
    }

    /// True when `path` is this directory or lies under it: a file or directory there is one
    /// `forget` does not rewrite (a backup, a report), so none is written there.
    public func contains(_ path: String) -> Bool {
        guard let ledger = Self.realPath(self.path), let candidate = Self.realPath(path) else { return false }
        return candidate == ledger || candidate.hasPrefix(ledger == "/" ? "/" : ledger + "/")
    }

    /// The absolute path of `path` with every link and `..` resolved; the part that does not
    /// exist yet (where no link can be) is resolved as written, `.` and `..` included.
    static func realPath(_ path: String) -> String? {
        var existing = path.isEmpty ? "." : path
        var rest: [Substring] = []
        while true {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                var parts = String(cString: resolved).split(separator: "/", omittingEmptySubsequences: true)
                for part in rest where !part.isEmpty && part != "." {
                    if part == ".." { _ = parts.popLast() } else { parts.append(part) }
                }
                return "/" + parts.joined(separator: "/")
            }
            guard let slash = existing.lastIndex(of: "/") else {
                rest.insert(Substring(existing), at: 0)
                existing = "."
                continue
            }
            rest.insert(existing[existing.index(after: slash)...], at: 0)
            existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
        }
    }

    /// What is wrong with a stray file.
    static let strayReason = "a file named like a segment that is not one (segments are segment-NNNNNNNNNNNN.jsonl): renamed or left behind"

    /// Files whose names start like a segment's but are not one (`segment-15.jsonl`,
    /// `segment-000000000001.jsonl.bak`): never read as events, so `verify` points them out.
    public func strayFiles() throws(LedgerError) -> [String] {
        try entries().filter { $0.hasPrefix("segment-") && LedgerDirectory.firstSeq(ofSegment: $0) == nil }.sorted()
    }

    private func entries() throws(LedgerError) -> [String] {
        try io { () throws(SystemError) in try files.entries() }
    }

    /// The ledger's settings, from `ledger.json`.
    public struct Configuration: Sendable, Equatable {
        /// A segment is closed, and the next begun, when a line would take it past this size.
        public var segmentBytes: Int64

        public init(segmentBytes: Int64 = LedgerDirectory.defaultSegmentBytes) {
            self.segmentBytes = segmentBytes
        }

        /// The settings as `ledger.json` holds them.
        public var json: JSON {
            .object([("format", .string(LedgerDirectory.format)), ("catalog", .integer(1)), ("segment_bytes", .integer(segmentBytes))])
        }
    }

    /// Reads `ledger.json`.
    /// - Throws: `LedgerError.notALedger` when it is missing, `.damaged` when it is not as `init`
    ///   writes it (or is a link), `.io` when it cannot be read (permission denied is said as such).
    public func configuration() throws(LedgerError) -> Configuration {
        let bytes = try io { () throws(SystemError) -> [UInt8]? in
            guard let file = try files.openIfExists("ledger.json") else { return nil }
            return try file.read(count: 1 << 16, at: 0)
        }
        guard let bytes else { throw .notALedger(path: path, reason: "no ledger.json") }
        guard let json = try? JSONParser.parse(bytes), json["format"]?.stringValue == LedgerDirectory.format,
              let segmentBytes = json["segment_bytes"]?.integerValue, segmentBytes >= 1024, segmentBytes <= 1 << 40 else {
            throw .damaged(file: configPath, line: 0, reason: "not a ledger.json of format \(LedgerDirectory.format)")
        }
        return Configuration(segmentBytes: segmentBytes)
    }
}
