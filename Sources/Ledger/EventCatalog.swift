/// The event types the ledger accepts, their fields, and what each refers to.
public struct EventCatalog: Sendable {
    /// The catalog's version, written in `ledger.json` and shown by `ledgerctl types`.
    public let version: Int
    /// The event types, in the order they are documented.
    public let types: [EventType]
    private let byName: [String: EventType]
    private let typeNames: [[UInt8]]

    /// Creates a catalog of `types`.
    public init(version: Int, types: [EventType]) {
        self.version = version
        self.types = types
        self.byName = Dictionary(uniqueKeysWithValues: types.map { ($0.name, $0) })
        self.typeNames = types.map { Array($0.name.utf8) }
    }

    /// The type named `name`, or nil.
    public subscript(name: String) -> EventType? { byName[name] }

    /// True when the catalog has a type of that name (given as UTF-8), without making a string of it.
    func hasType(named name: UnsafeBufferPointer<UInt8>) -> Bool {
        typeNames.contains { $0.count == name.count && name.hasBytes($0) }
    }
}

/// One event type: its fields, the entities it defines and requires, and its rules.
///
/// A new type is one entry of the catalog (with its `EventTypeName` constant): its fields, what
/// it defines, requires, marks and records (with the refusals that are not the generic ones), and
/// its `rules`. The validator holds no type's name.
public struct EventType: Sendable {
    /// The dotted name, such as `rsvp.submitted`, as a constant.
    public let typeName: EventTypeName
    /// What the event records, in one line.
    public let summary: String
    /// Its data fields.
    public let fields: [Field]
    /// Entities this event creates; a second event creating the same one is refused.
    public let defines: [EntityReference]
    /// Entities that must exist before this event.
    public let requires: [EntityReference]
    /// Facts this event establishes once; a second event establishing the same fact is refused.
    public let marks: [EntityReference]
    /// Facts this event records, repeatable, that later events may require.
    public let records: [EntityReference]
    /// Rules across its fields, or against what the ledger holds, checked in this order before
    /// the references.
    public let rules: [EventRule]
    /// At least one field besides the required ones must be present (for updates).
    public let needsAnOptionalField: Bool
    /// Only a command (not `append` or `import`) may write this type.
    public let isInternal: Bool

    init(_ typeName: EventTypeName, _ summary: String, fields: [Field], defines: [EntityReference] = [],
         requires: [EntityReference] = [], marks: [EntityReference] = [],
         records: [EntityReference] = [], rules: [EventRule] = [], needsAnOptionalField: Bool = false, isInternal: Bool = false) {
        self.typeName = typeName
        self.summary = summary
        self.fields = fields
        self.defines = defines
        self.requires = requires
        self.marks = marks
        self.records = records
        self.rules = rules
        self.needsAnOptionalField = needsAnOptionalField
        self.isInternal = isInternal
    }

    /// The dotted name, such as `rsvp.submitted`.
    public var name: String { typeName.rawValue }

    /// The field named `name`, or nil.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

/// A data field of an event type.
public struct Field: Sendable {
    /// The JSON member name.
    public let name: String
    /// What values it takes.
    public let kind: FieldKind
    /// The event is refused without it.
    public let isRequired: Bool
    /// Personal data: kept in the personal-data store, never in the event files.
    public let isPersonal: Bool
    /// The value stored when the field is not given (written out, so a retry that gives it matches).
    public let defaultValue: JSON?

    init(_ name: String, _ kind: FieldKind, required: Bool = false, personal: Bool = false, default defaultValue: JSON? = nil) {
        self.name = name
        self.kind = kind
        self.isRequired = required
        self.isPersonal = personal
        self.defaultValue = defaultValue
    }
}

/// The values a field takes.
public enum FieldKind: Sendable {
    /// An id: 1 to 128 of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit.
    case identifier
    /// Text of at most `maximumLength` characters, no control characters (tab and line feed
    /// allowed when `isMultiline`), not empty.
    case text(maximumLength: Int, isMultiline: Bool)
    /// One of the listed strings.
    case oneOf([String])
    /// An RFC 3339 date-time with an offset.
    case instant
    /// An RFC 3339 date-time with an offset, or a local wall-clock time read in the engagement's time zone.
    case deadline
    /// A calendar date `YYYY-MM-DD`.
    case date
    /// A tz database zone name such as `Asia/Almaty`.
    case timeZone
    /// A whole number in the range.
    case integer(ClosedRange<Int64>)
    /// A number in the range.
    case number(ClosedRange<Double>)
    /// An array of distinct non-empty texts (at most 100).
    case textList
    /// An array of hashtags, each `#` and then letters, digits, `_` or `-`.
    case hashtags
    /// An object of criterion names to positive weights (at most 20).
    case weights
    /// An `http` or `https` URL.
    case url
    /// An e-mail address.
    case email
    /// A phone number: digits, spaces, `+ - ( )`.
    case phone
    /// A social-media handle.
    case handle

    /// How the kind reads in `ledgerctl types`.
    public var summary: String {
        switch self {
        case .identifier: "id"
        case .text(let length, let multiline): multiline ? "text (<= \(length), multi-line)" : "text (<= \(length))"
        case .oneOf(let values): values.joined(separator: "|")
        case .instant: "date-time with offset"
        case .deadline: "date-time (offset optional: local time of the engagement)"
        case .date: "date YYYY-MM-DD"
        case .timeZone: "tz zone name"
        case .integer(let range): "integer \(range.lowerBound)..\(range.upperBound)"
        case .number(let range): "number \(Self.format(range.lowerBound))..\(Self.format(range.upperBound))"
        case .textList: "[text]"
        case .hashtags: "[#hashtag]"
        case .weights: "{criterion: weight > 0}"
        case .url: "http(s) URL"
        case .email: "e-mail"
        case .phone: "phone"
        case .handle: "handle"
        }
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// Why an event is refused, made from the parts of the key at fault (the values of the
/// reference's fields, in order).
public typealias RefusalReason = @Sendable (_ parts: [String]) -> String

/// An entity named by one or more fields of an event: `engagement`, or `question` within `contest`.
public struct EntityReference: Sendable {
    /// A kind of key that retires an entity: an event that requires the entity is refused once
    /// the ledger holds a key of `kind` with the same parts (an erased participant).
    public struct Retirement: Sendable {
        /// The kind of the retiring key, such as `erased`.
        public let kind: EntityKind
        /// The refusal, about the reference's field.
        public let reason: RefusalReason
    }

    /// The kind of entity, such as `engagement` or `question`.
    public let kind: EntityKind
    /// The fields whose values, in order, name the entity.
    public let fields: [String]
    /// The refusal of an event that requires the entity when the ledger has not seen it, about
    /// the event as a whole; nil for the generic one about the field ("names ..., which the
    /// ledger has not seen").
    public let missing: RefusalReason?
    /// The refusal of an event that marks a fact the ledger holds already; nil for the generic
    /// one ("... is already recorded").
    public let duplicate: RefusalReason?
    /// What retires the entity for the events that require it through this reference, or nil.
    public let retiredBy: Retirement?

    init(_ kind: EntityKind, _ fields: String..., ifMissing missing: RefusalReason? = nil,
         ifDuplicate duplicate: RefusalReason? = nil, retiredBy: Retirement? = nil) {
        self.kind = kind
        self.fields = fields.isEmpty ? [kind.rawValue] : fields
        self.missing = missing
        self.duplicate = duplicate
        self.retiredBy = retiredBy
    }

    /// The field an error about this reference names: the last of `fields`.
    public var fieldName: String { fields.last ?? kind.rawValue }
}

extension EventCatalog {
    /// The index keys a stored event adds: what it defines, marks and records (not its id).
    public func keys(ofType typeName: String, data: JSON) -> [EntityKey] {
        guard let type = self[typeName] else { return [] }
        return (type.defines + type.marks + type.records).map { reference in
            EntityKey(reference.kind, reference.fields.map { data[$0]?.stringValue ?? "" })
        }
    }
}
