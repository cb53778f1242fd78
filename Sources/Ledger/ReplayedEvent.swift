/// An event as a replay hands it to projections: the envelope fields a fold reads, and the
/// payload, whose members are located (and checked) when the line is read but decoded only
/// when a projection asks for one.
public struct ReplayedEvent: Sendable {
    /// The global position.
    public let seq: Int64
    /// Its catalog type, to compare or switch on with the constants of `EventTypeName`.
    public let typeName: EventTypeName
    /// When it happened (nil when `occurredAt` is not a valid RFC 3339 date-time).
    public let occurred: Timestamp?
    /// The SHA-256 of the previous line.
    public let prev: SHA256.Digest
    /// The import batch the line belongs to, when it was written with others as one unit.
    public let batch: StoredEvent.Batch?
    /// The text kept of the line: `occurred_at` and, when its member names have no escapes,
    /// the payload's. One allocation for an event: replay makes a million of them.
    private let text: LineText
    /// The payload, when its member names have escapes (writers never write them).
    private let built: JSON?

    /// Its catalog type, as stored.
    public var type: String { typeName.rawValue }
    /// When it happened, as stored (RFC 3339, as given).
    public var occurredAt: String { text.occurredAt }
    /// The payload.
    public var data: EventPayload { EventPayload(text: text, built: built) }

    /// Reads a stored line (without its line feed).
    /// - Throws: why the line is not a well-formed stored event, as `StoredEvent(line:)` says.
    public init(line: UnsafeBufferPointer<UInt8>) throws(StoredEvent.Malformed) {
        let read = JSONParser.scanStoredLine(line) { scanned, members -> ReplayedEvent? in
            guard let scanned else { return nil }
            let occurred = UnsafeBufferPointer(rebasing: line[scanned.occurredAt])
            return ReplayedEvent(seq: scanned.seq, typeName: EventTypeName(utf8: UnsafeBufferPointer(rebasing: line[scanned.type])),
                                 occurred: Timestamp(rfc3339: occurred), prev: scanned.prev, batch: scanned.batch,
                                 text: LineText(data: UnsafeBufferPointer(rebasing: line[scanned.data]), members: members, occurredAt: occurred),
                                 built: nil)
        }
        if let read {
            self = read
        } else {
            // Not in the writers' form (or not valid at all): the strict reader decides.
            self.init(try StoredEvent(line: line))
        }
    }

    /// The replayed form of an event read in full.
    public init(_ event: StoredEvent) {
        var data: [UInt8] = []
        event.data.write(to: &data)
        var occurredAt = event.occurredAt
        let members = data.withUnsafeBufferPointer { JSONParser.scanMembers($0) }
        let text = data.withUnsafeBufferPointer { data in
            (members ?? []).withUnsafeBufferPointer { kept in
                occurredAt.withUTF8 { LineText(data: members == nil ? .init(start: nil, count: 0) : data, members: kept, occurredAt: $0) }
            }
        }
        self.init(seq: event.seq, typeName: EventTypeName(rawValue: event.type), occurred: Timestamp(rfc3339: event.occurredAt),
                  prev: event.prev, batch: event.batch, text: text,
                  built: members == nil ? event.data : nil) // member names with escapes: kept as built
    }

    private init(seq: Int64, typeName: EventTypeName, occurred: Timestamp?, prev: SHA256.Digest, batch: StoredEvent.Batch?,
                 text: LineText, built: JSON?) {
        self.seq = seq
        self.typeName = typeName
        self.occurred = occurred
        self.prev = prev
        self.batch = batch
        self.text = text
        self.built = built
    }
}

/// The text a replayed event keeps, in one allocation: its payload's members (where each name
/// and value lies, as `Int32`s), the payload's text, and the line's `occurred_at`. Never changed
/// once made, so shared between threads as it is.
struct LineText: @unchecked Sendable {
    private final class Storage: ManagedBuffer<Counts, UInt8> {}

    private struct Counts {
        var members: Int
        var data: Int
        var occurredAt: Int
    }

    private let storage: Storage

    /// The bytes of one member's three offsets.
    private static var memberSize: Int { 3 * MemoryLayout<Int32>.size }

    init(data: UnsafeBufferPointer<UInt8>, members: UnsafeBufferPointer<EventPayload.Member>, occurredAt: UnsafeBufferPointer<UInt8>) {
        let counts = Counts(members: members.count, data: data.count, occurredAt: occurredAt.count)
        storage = unsafeDowncast(Storage.create(minimumCapacity: members.count * Self.memberSize + data.count + occurredAt.count) { _ in counts },
                                 to: Storage.self)
        storage.withUnsafeMutablePointerToElements { bytes in
            let raw = UnsafeMutableRawPointer(bytes)
            for (k, member) in members.enumerated() {
                // invariant: offsets within one line, which is far shorter than 2 GB
                raw.storeBytes(of: Int32(member.keyStart), toByteOffset: k * Self.memberSize, as: Int32.self)
                raw.storeBytes(of: Int32(member.keyEnd), toByteOffset: k * Self.memberSize + 4, as: Int32.self)
                raw.storeBytes(of: Int32(member.valueStart), toByteOffset: k * Self.memberSize + 8, as: Int32.self)
            }
            let text = bytes + members.count * Self.memberSize
            if data.count > 0 { text.initialize(from: data.baseAddress!, count: data.count) }
            if occurredAt.count > 0 { (text + data.count).initialize(from: occurredAt.baseAddress!, count: occurredAt.count) }
        }
    }

    var occurredAt: String {
        storage.withUnsafeMutablePointers { counts, bytes in
            String(decoding: UnsafeBufferPointer(start: bytes + counts.pointee.members * Self.memberSize + counts.pointee.data,
                                                 count: counts.pointee.occurredAt), as: UTF8.self)
        }
    }

    /// Calls `body` with the payload's text, its number of members and a way to read member `k`.
    func withPayload<Result>(_ body: (_ text: UnsafeBufferPointer<UInt8>, _ memberCount: Int,
                                      _ member: (Int) -> EventPayload.Member) -> Result) -> Result {
        storage.withUnsafeMutablePointers { counts, bytes in
            let raw = UnsafeRawPointer(bytes)
            let text = UnsafeBufferPointer(start: bytes + counts.pointee.members * Self.memberSize, count: counts.pointee.data)
            return body(text, counts.pointee.members) { k in
                EventPayload.Member(keyStart: Int(raw.loadUnaligned(fromByteOffset: k * Self.memberSize, as: Int32.self)),
                                    keyEnd: Int(raw.loadUnaligned(fromByteOffset: k * Self.memberSize + 4, as: Int32.self)),
                                    valueStart: Int(raw.loadUnaligned(fromByteOffset: k * Self.memberSize + 8, as: Int32.self)))
            }
        }
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
        /// A replayed line's text (`LineText`), checked, and where its members are.
        case line(LineText)
        /// An object already built.
        case built(JSON)
    }

    private let storage: Storage

    init(text: LineText, built: JSON?) {
        storage = built.map(Storage.built) ?? .line(text)
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
        func find(in bytes: UnsafeBufferPointer<UInt8>, count: Int, member: (Int) -> Member) -> JSON? {
            var key = key
            return key.withUTF8 { name in
                for k in 0..<count {
                    let member = member(k)
                    if member.keyEnd - member.keyStart == name.count && bytes.hasBytes(name, at: member.keyStart) {
                        return JSONParser.value(in: bytes, at: member.valueStart)
                    }
                }
                return nil
            }
        }
        switch storage {
        case .built(let json):
            return json[key]
        case .text(let text, let members):
            return text.withUnsafeBufferPointer { find(in: $0, count: members.count) { members[$0] } }
        case .line(let line):
            return line.withPayload(find)
        }
    }

    /// The whole object.
    public var json: JSON {
        switch storage {
        case .built(let json): json
        case .text(let text, _): (try? JSONParser.parse(text)) ?? .object([])
        case .line(let line): line.withPayload { text, _, _ in (try? JSONParser.parse(text)) ?? .object([]) }
        }
    }
}
