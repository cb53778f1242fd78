/// An event as a replay hands it to projections: the envelope fields a fold reads, and the
/// payload, whose members are located (and checked) when the line is read but decoded only
/// when a projection asks for one.
public struct ReplayedEvent: Sendable {
    /// The global position.
    public let seq: Int64
    /// Its catalog type, to compare or switch on with the constants of `EventTypeName`.
    public let typeName: EventTypeName
    /// Its catalog type, as stored.
    public var type: String { typeName.rawValue }
    /// When it happened (RFC 3339, as given).
    public let occurredAt: String
    /// `occurredAt` as an instant (nil when it is not a valid RFC 3339 date-time).
    public let occurred: Timestamp?
    /// The payload.
    public let data: EventPayload
    /// The SHA-256 of the previous line.
    public let prev: SHA256.Digest
    /// The import batch the line belongs to, when it was written with others as one unit.
    public let batch: StoredEvent.Batch?

    /// Reads a stored line (without its line feed).
    /// - Throws: why the line is not a well-formed stored event, as `StoredEvent(line:)` says.
    public init(line: UnsafeBufferPointer<UInt8>) throws(StoredEvent.Malformed) {
        guard let scanned = JSONParser.scanStoredLine(line) else {
            // Not in the writers' form (or not valid at all): the strict reader decides.
            self.init(try StoredEvent(line: line))
            return
        }
        let type = UnsafeBufferPointer(rebasing: line[scanned.type])
        let occurred = UnsafeBufferPointer(rebasing: line[scanned.occurredAt])
        self.init(seq: scanned.seq, typeName: EventTypeName(utf8: type),
                  occurredAt: String(decoding: occurred, as: UTF8.self), occurred: Timestamp(rfc3339: occurred),
                  data: EventPayload(text: Array(UnsafeBufferPointer(rebasing: line[scanned.data])), members: scanned.members),
                  prev: scanned.prev, batch: scanned.batch)
    }

    /// The replayed form of an event read in full.
    public init(_ event: StoredEvent) {
        self.init(seq: event.seq, typeName: EventTypeName(rawValue: event.type), occurredAt: event.occurredAt, occurred: Timestamp(rfc3339: event.occurredAt),
                  data: EventPayload(event.data), prev: event.prev, batch: event.batch)
    }

    private init(seq: Int64, typeName: EventTypeName, occurredAt: String, occurred: Timestamp?, data: EventPayload, prev: SHA256.Digest,
                 batch: StoredEvent.Batch?) {
        self.seq = seq
        self.typeName = typeName
        self.occurredAt = occurredAt
        self.occurred = occurred
        self.data = data
        self.prev = prev
        self.batch = batch
    }
}

/// An event's `data` object, read member by member.
public struct EventPayload: Sendable {
    /// Where a member's name (without quotes) and value start and end within the object's text.
    struct Member: Sendable {
        var keyStart: Int
        var keyEnd: Int
        var valueStart: Int
    }

    private enum Storage: Sendable {
        /// The object's text, checked, and where its members are.
        case text([UInt8], [Member])
        /// An object already built.
        case built(JSON)
    }

    private let storage: Storage

    init(text: [UInt8], members: [Member]) {
        storage = .text(text, members)
    }

    /// A payload over a built object.
    public init(_ json: JSON) {
        var text: [UInt8] = []
        json.write(to: &text)
        if let members = text.withUnsafeBufferPointer({ JSONParser.scanMembers($0) }) {
            storage = .text(text, members)
        } else {
            storage = .built(json) // member names with escapes: kept as built
        }
    }

    /// The member named `key`, decoded, or nil.
    public subscript(key: String) -> JSON? {
        switch storage {
        case .built(let json):
            return json[key]
        case .text(let text, let members):
            return text.withUnsafeBufferPointer { bytes in
                var key = key
                return key.withUTF8 { name in
                    for member in members where member.keyEnd - member.keyStart == name.count
                        && bytes.hasBytes(name, at: member.keyStart) {
                        return JSONParser.value(in: bytes, at: member.valueStart)
                    }
                    return nil
                }
            }
        }
    }

    /// The whole object.
    public var json: JSON {
        switch storage {
        case .built(let json): json
        case .text(let text, _): (try? JSONParser.parse(text)) ?? .object([])
        }
    }
}
