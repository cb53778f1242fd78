#if canImport(Glibc)
import Glibc
#endif

/// An event as a writer submits it, before validation.
public struct NewEvent: Sendable {
    /// The catalog type, such as `rsvp.submitted`.
    public var type: String
    /// The payload: a JSON object.
    public var data: JSON
    /// The caller's id for retries; a new UUID when nil.
    public var id: String?
    /// When it happened (RFC 3339 with offset); the recording time when nil.
    public var occurredAt: String?
    /// Who recorded it (a script or a person's role), free text.
    public var actor: String?

    /// Creates an event to append.
    public init(type: String, data: JSON, id: String? = nil, occurredAt: String? = nil, actor: String? = nil) {
        self.type = type
        self.data = data
        self.id = id
        self.occurredAt = occurredAt
        self.actor = actor
    }
}

/// The name of something events create or establish: `engagement forum-2`, `question quiz-1 q3`.
public struct EntityKey: Sendable, Hashable, CustomStringConvertible {
    /// The kind of entity, such as `participant`; `id` for event ids.
    public let kind: String
    /// The values that name it.
    public let parts: [String]

    /// Creates the key of `kind` named by `parts`.
    public init(_ kind: String, _ parts: [String]) {
        self.kind = kind
        self.parts = parts
    }

    /// The key of an event id.
    public static func eventID(_ id: String) -> EntityKey { EntityKey("id", [id]) }

    /// True when `other` has the same `indexBytes` (`==` compares strings as Unicode text,
    /// where two spellings of one text are equal).
    func hasSameBytes(as other: EntityKey) -> Bool {
        func same(_ a: String, _ b: String) -> Bool {
            var a = a, b = b
            return a.withUTF8 { x in b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
        }
        return same(kind, other.kind) && parts.count == other.parts.count && zip(parts, other.parts).allSatisfy(same)
    }

    /// The bytes the index hashes: kind and parts separated by U+001F, which no id contains.
    var indexBytes: [UInt8] {
        var bytes = Array(kind.utf8)
        for part in parts {
            bytes.append(0x1F)
            bytes.append(contentsOf: part.utf8)
        }
        return bytes
    }

    public var description: String {
        "\(kind) '\(parts.joined(separator: "/"))'"
    }
}

/// An event that passed validation, ready to be written.
public struct ValidatedEvent: Sendable {
    /// Its catalog type.
    public let type: String
    /// The given id, or nil for a new UUID.
    public let id: String?
    /// The given `occurred_at`, or nil for the recording time.
    public let occurredAt: String?
    /// The given actor.
    public let actor: String?
    /// The data without personal fields, members sorted: what goes into the event file.
    public let publicData: JSON
    /// The personal fields, members sorted; nil when there are none.
    public let personalData: JSON?
    /// Whose personal data it is.
    public let participant: String?
    /// Keys this event adds to the ledger's index.
    public let keys: [EntityKey]
    /// `publicData` and `personalData` as JSON text, made with the checks that need no ledger
    /// (ahead, on another thread, in an import of a file).
    let publicDataText: [UInt8]
    let personalDataText: [UInt8]?
}
