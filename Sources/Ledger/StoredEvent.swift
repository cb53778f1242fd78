/// An event as it stands in a segment file: one line of JSON.
///
/// Members are written in this order (`StoredEvent.Member`): `seq`, `id`, `type`, `occurred_at`,
/// `recorded_at`, `actor` (when given), `batch` (for lines of a multi-event import), `data`, `prev`.
public struct StoredEvent: Sendable, Equatable {
    /// True when this line follows `before` in the chain: the next seq, and `prev` its
    /// SHA-256; with no line before, when it is the first (seq 1, `prev` all zeros).
    func follows(_ before: [UInt8]?) -> Bool {
        guard let before else { return seq == 1 && prev == .zero }
        return EventLog.seqPrefix(of: before) == seq - 1 && SHA256.hash(before) == prev
    }

    /// The global position, 1, 2, 3, ... without gaps.
    public var seq: Int64
    /// The event's id.
    public var id: String
    /// Its catalog type.
    public var type: String
    /// When it happened (RFC 3339, as given).
    public var occurredAt: String
    /// When it was appended (UTC, milliseconds).
    public var recordedAt: String
    /// Who recorded it, when given.
    public var actor: String?
    /// The import batch this line belongs to, when it was written with others as one unit.
    public var batch: Batch?
    /// The validated payload, personal fields removed.
    public var data: JSON
    /// The SHA-256 of the previous line.
    public var prev: SHA256.Digest

    /// A run of lines written as one unit: `first` is the seq of its first line.
    public struct Batch: Sendable, Equatable {
        public var first: Int64
        public var count: Int64

        public init(first: Int64, count: Int64) {
            self.first = first
            self.count = count
        }

        /// The seq of the batch's last line.
        public var last: Int64 { first + (count - 1) }

        /// Reads `{"first": F, "count": N}` as stored on line `seq`: nil unless N >= 2 and the
        /// batch's lines include `seq`.
        init?(json: JSON, seq: Int64) {
            guard let first = json["first"]?.integerValue, let count = json["count"]?.integerValue else { return nil }
            self.init(first: first, count: count, seq: seq)
        }

        /// The batch of `count` lines from `first`, as stored on line `seq`: nil unless
        /// `count` >= 2, the batch's lines include `seq`, and its last seq is an `Int64`.
        /// (Written without a sum that could overflow: the values are read from files.)
        init?(first: Int64, count: Int64, seq: Int64) {
            guard count >= 2, first >= 1, first <= seq, seq - first < count, count - 1 <= Int64.max - first else { return nil }
            self.init(first: first, count: count)
        }
    }

    public init(seq: Int64, id: String, type: String, occurredAt: String, recordedAt: String,
                actor: String?, batch: Batch?, data: JSON, prev: SHA256.Digest) {
        self.seq = seq
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.actor = actor
        self.batch = batch
        self.data = data
        self.prev = prev
    }

    /// The envelope: a stored line's members, in the order writers write them. The writer
    /// (`line`), the strict reader (`init(line:)`) and the fast scanner of replays and `verify`
    /// (`JSONParser.scanStoredLine`) all take the names and the order from here.
    enum Member: Int, CaseIterable {
        case seq, id, type, occurredAt, recordedAt, actor, batch, data, prev

        var name: String {
            switch self {
            case .seq: "seq"
            case .id: "id"
            case .type: "type"
            case .occurredAt: "occurred_at"
            case .recordedAt: "recorded_at"
            case .actor: "actor"
            case .batch: "batch"
            case .data: "data"
            case .prev: "prev"
            }
        }

        /// Every line has it (`actor` and `batch` only some).
        var isRequired: Bool { self != .actor && self != .batch }
    }

    /// The line's bytes, without the line feed.
    public var line: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        appendLineBeforePrev(to: &out)
        StoredEvent.appendPrevTail(prev, to: &out)
        return out
    }

    private func appendLineBeforePrev(to out: inout [UInt8]) {
        StoredEvent.appendLineBeforePrev(seq: seq, batch: batch, hasActor: actor != nil, to: &out) { member, out in
            switch member {
            case .id: JSON.writeString(id, to: &out)
            case .type: JSON.writeString(type, to: &out)
            case .occurredAt: JSON.writeString(occurredAt, to: &out)
            case .recordedAt: JSON.writeString(recordedAt, to: &out)
            case .actor: JSON.writeString(actor ?? "", to: &out)
            case .data: data.write(to: &out)
            case .seq, .batch, .prev: break
            }
        }
    }

    /// Appends a line's members up to the opening quote of `prev`'s value: `seq` and `batch`
    /// written here, every other member's value by `value` (as JSON text), in the order of
    /// `Member`. The one writer of the envelope: `line`, and an import's lines made from the
    /// JSON text it spooled.
    static func appendLineBeforePrev(seq: Int64, batch: Batch?, hasActor: Bool, to out: inout [UInt8],
                                     value: (Member, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "{"))
        for member in Member.allCases {
            switch member {
            case .actor where !hasActor: continue
            case .batch where batch == nil: continue
            default: break
            }
            if member != .seq { out.append(UInt8(ascii: ",")) }
            JSON.writeString(member.name, to: &out)
            out.append(UInt8(ascii: ":"))
            switch member {
            case .seq: out.append(contentsOf: String(seq).utf8)
            case .batch:
                guard let batch else { break }
                out.append(contentsOf: #"{"first":"#.utf8)
                out.append(contentsOf: String(batch.first).utf8)
                out.append(contentsOf: #","count":"#.utf8)
                out.append(contentsOf: String(batch.count).utf8)
                out.append(UInt8(ascii: "}"))
            case .prev: out.append(UInt8(ascii: "\""))
            default: value(member, &out)
            }
        }
    }

    /// The line as text.
    public var lineText: String { String(decoding: line, as: UTF8.self) }

    /// How many bytes end every line after its other members: `<64 hex digits of prev>"}`.
    static let prevTailBytes = 66

    /// The line's bytes before the hex digits of `prev` (its last member): all of the line that a
    /// writer can make before the line ahead of it is hashed.
    var lineBeforePrev: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        appendLineBeforePrev(to: &out)
        return out
    }

    /// The end of a line whose `prev` is `prev`, to follow `lineBeforePrev`.
    static func prevTail(_ prev: SHA256.Digest) -> [UInt8] {
        var tail: [UInt8] = []
        tail.reserveCapacity(prevTailBytes)
        appendPrevTail(prev, to: &tail)
        return tail
    }

    /// Appends the end of a line whose `prev` is `prev` (`prevTail(prev)`) to `bytes`.
    static func appendPrevTail(_ prev: SHA256.Digest, to bytes: inout [UInt8]) {
        prev.appendHex(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: "}"))
    }

    /// Reads a stored line (without its line feed).
    /// - Throws: a reason, when the line is not a well-formed stored event.
    public init(line: some Collection<UInt8>) throws(StoredEvent.Malformed) {
        let json: JSON
        do {
            json = try JSONParser.parse(line)
        } catch {
            throw Malformed(reason: "not valid JSON (\(error))")
        }
        try self.init(json: json)
    }

    /// Reads a stored line's envelope: `data` is checked to be well-formed JSON but not built
    /// (it comes back empty), for readers such as `verify` that check the chain, not the payload.
    public init(envelopeOf line: UnsafeBufferPointer<UInt8>) throws(StoredEvent.Malformed) {
        let json: JSON
        do {
            json = try JSONParser.parseObject(line, skipping: "data")
        } catch {
            throw Malformed(reason: "not valid JSON (\(error))")
        }
        try self.init(json: json)
    }

    private init(json: JSON) throws(StoredEvent.Malformed) {
        guard let members = json.objectMembers else { throw Malformed(reason: "not a JSON object") }
        if let unknown = members.first(where: { !StoredEvent.members.contains($0.key) }) {
            throw Malformed(reason: "unknown member '\(unknown.key)'")
        }
        func string(_ key: String) throws(Malformed) -> String {
            guard let s = json[key]?.stringValue else { throw Malformed(reason: "member '\(key)' is missing or not a string") }
            return s
        }
        guard case .integer(let seq)? = json["seq"], seq >= 1 else {
            throw Malformed(reason: "member 'seq' is missing or not a positive integer")
        }
        guard let prev = SHA256.Digest(hex: try string("prev")) else {
            throw Malformed(reason: "member 'prev' is not 64 lowercase hex digits")
        }
        guard let data = json["data"], data.objectMembers != nil else { throw Malformed(reason: "member 'data' is missing or not an object") }
        var batch: Batch?
        if let b = json["batch"] {
            guard let read = Batch(json: b, seq: seq) else {
                throw Malformed(reason: "member 'batch' is not {\"first\": seq, \"count\": n} around this line's seq")
            }
            batch = read
        }
        var actor: String?
        if json["actor"] != nil { actor = try string("actor") }
        self.init(seq: seq, id: try string("id"), type: try string("type"), occurredAt: try string("occurred_at"),
                  recordedAt: try string("recorded_at"), actor: actor, batch: batch, data: data, prev: prev)
    }

    static let members = Set(Member.allCases.map(\.name))

    /// Why a line is not a well-formed stored event.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }
}
