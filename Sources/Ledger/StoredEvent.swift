/// An event as it stands in a segment file: one line of JSON.
///
/// Members are written in this order (`StoredEvent.Member`): `seq`, `id`, `type`, `occurred_at`,
/// `recorded_at`, `actor` (when given), `batch` (for lines of a multi-event import), `data`, `prev`.
public struct StoredEvent: Sendable, Equatable {
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
        public var last: Int64 { first + count - 1 }

        /// Reads `{"first": F, "count": N}` as stored on line `seq`: nil unless N >= 2 and the
        /// batch's lines include `seq`.
        init?(json: JSON, seq: Int64) {
            guard let first = json["first"]?.integerValue, let count = json["count"]?.integerValue, count >= 2,
                  first >= 1, first <= seq, seq <= first + count - 1 else { return nil }
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
        var members: [(key: String, value: JSON)] = []
        for member in Member.allCases {
            switch member {
            case .seq: members.append((member.name, .integer(seq)))
            case .id: members.append((member.name, .string(id)))
            case .type: members.append((member.name, .string(type)))
            case .occurredAt: members.append((member.name, .string(occurredAt)))
            case .recordedAt: members.append((member.name, .string(recordedAt)))
            case .actor: if let actor { members.append((member.name, .string(actor))) }
            case .batch: if let batch { members.append((member.name, .object([("first", .integer(batch.first)), ("count", .integer(batch.count))]))) }
            case .data: members.append((member.name, data))
            case .prev: members.append((member.name, .string(prev.hex)))
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(512)
        JSON.object(members).write(to: &out)
        return out
    }

    /// The line as text.
    public var lineText: String { String(decoding: line, as: UTF8.self) }

    /// How many bytes end every line after its other members: `<64 hex digits of prev>"}`.
    static let prevTailBytes = 66

    /// The line's bytes before the hex digits of `prev` (its last member): all of the line that a
    /// writer can make before the line ahead of it is hashed.
    var lineBeforePrev: [UInt8] {
        var line = line
        line.removeLast(StoredEvent.prevTailBytes)
        return line
    }

    /// The end of a line whose `prev` is `prev`, to follow `lineBeforePrev`.
    static func prevTail(_ prev: SHA256.Digest) -> [UInt8] {
        Array(prev.hex.utf8) + [UInt8(ascii: "\""), UInt8(ascii: "}")]
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
