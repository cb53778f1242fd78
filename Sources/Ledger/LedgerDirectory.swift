import Foundation
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
public struct LedgerDirectory: Sendable {
    /// The ledger's directory.
    public let path: String

    /// The format named in `ledger.json`.
    public static let format = "ledger/1"
    /// The segment size when `init` is given none.
    public static let defaultSegmentBytes: Int64 = 16 * 1024 * 1024

    public init(path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
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
    public func segments() throws(LedgerError) -> [Segment] {
        try entries().compactMap { name in
            LedgerDirectory.firstSeq(ofSegment: name).map { Segment(name: name, firstSeq: $0) }
        }.sorted { $0.firstSeq < $1.firstSeq }
    }

    /// Files whose names start like a segment's but are not one (`segment-15.jsonl`,
    /// `segment-000000000001.jsonl.bak`): never read as events, so `verify` points them out.
    public func strayFiles() throws(LedgerError) -> [String] {
        try entries().filter { $0.hasPrefix("segment-") && LedgerDirectory.firstSeq(ofSegment: $0) == nil }.sorted()
    }

    private func entries() throws(LedgerError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .notALedger(path: path, reason: "cannot list the directory")
        }
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
    /// - Throws: `LedgerError.notALedger` when it is missing or not as `init` writes it.
    public func configuration() throws(LedgerError) -> Configuration {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .notALedger(path: path, reason: errno == ENOENT ? "no such directory" : String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notALedger(path: path, reason: "not a directory") }
        guard let data = FileManager.default.contents(atPath: configPath) else {
            if access(path, R_OK | X_OK) != 0 { throw .notALedger(path: path, reason: "permission denied") }
            throw .notALedger(path: path, reason: "no ledger.json")
        }
        guard let json = try? JSONParser.parse(Array(data)), json["format"]?.stringValue == LedgerDirectory.format,
              let bytes = json["segment_bytes"]?.integerValue, bytes >= 1024 else {
            throw .damaged(file: configPath, line: 0, reason: "not a ledger.json of format \(LedgerDirectory.format)")
        }
        return Configuration(segmentBytes: bytes)
    }
}
