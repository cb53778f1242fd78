/// The name of an event type, such as `rsvp.submitted`: code compares and switches on these
/// constants, never on string literals, so that a misspelt name does not compile. Not
/// expressible by a string literal, on purpose. The catalog (`EventCatalog.version1`) defines
/// one type for each constant.
///
/// A name with a constant is held as its position among `EventTypeName.known`, so comparing two
/// names, hashing one or copying one touches no string: a projection's fold switches on the name
/// of every event it reads.
public struct EventTypeName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name's position among `known`, or -1 for any other name.
    private let code: Int
    /// The name, when it is not among `known`.
    private let other: String?

    public init(rawValue: String) {
        if let code = Self.known.firstIndex(of: rawValue) {
            self.init(code: code, other: nil)
        } else {
            self.init(code: -1, other: rawValue)
        }
    }

    private init(code: Int, other: String?) {
        self.code = code
        self.other = other
    }

    /// The name whose UTF-8 is `bytes`, found without making a string when it is a known one.
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        if let code = Self.knownUTF8.firstIndex(where: { $0.count == bytes.count && bytes.hasBytes($0) }) {
            self.init(code: code, other: nil)
        } else {
            self.init(rawValue: String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The dotted name, as stored in the `type` member of an event.
    public var rawValue: String { other ?? Self.known[code] }

    public var description: String { rawValue }

    // A name among `known` has its code however it was made (`init(rawValue:)` looks it up), so
    // equal names have equal codes, and codes are compared before any string.
    public static func == (lhs: EventTypeName, rhs: EventTypeName) -> Bool {
        lhs.code == rhs.code && (lhs.code >= 0 || lhs.other == rhs.other)
    }

    public func hash(into hasher: inout Hasher) {
        if let other { hasher.combine(other) } else { hasher.combine(code) }
    }

    /// The names of the constants below, each once. A name missing here still works as any
    /// other string does, only slower (`EventTypeNameTests` checks that every constant is here).
    static let known = ["project.defined", "engagement.scheduled", "participant.registered", "participant.updated",
                        "rsvp.submitted", "rsvp.cancelled", "attendance.checked_in", "contest.announced",
                        "quiz.question.published", "quiz.answer.submitted", "photo.entry.submitted",
                        "jury.score.recorded", "contest.winner.announced", "proposal.submitted", "proposal.supported",
                        "proposal.status.changed", "indicator.target.set", "project.organisation.added", "participant.erased"]
    private static let knownUTF8 = known.map { Array($0.utf8) }

    /// True when the name is one of `known` (held as a code).
    var isKnown: Bool { code >= 0 }
}

extension EventTypeName {
    public static let projectDefined = EventTypeName(rawValue: "project.defined")
    public static let engagementScheduled = EventTypeName(rawValue: "engagement.scheduled")
    public static let participantRegistered = EventTypeName(rawValue: "participant.registered")
    public static let participantUpdated = EventTypeName(rawValue: "participant.updated")
    public static let rsvpSubmitted = EventTypeName(rawValue: "rsvp.submitted")
    public static let rsvpCancelled = EventTypeName(rawValue: "rsvp.cancelled")
    public static let attendanceCheckedIn = EventTypeName(rawValue: "attendance.checked_in")
    public static let contestAnnounced = EventTypeName(rawValue: "contest.announced")
    public static let quizQuestionPublished = EventTypeName(rawValue: "quiz.question.published")
    public static let quizAnswerSubmitted = EventTypeName(rawValue: "quiz.answer.submitted")
    public static let photoEntrySubmitted = EventTypeName(rawValue: "photo.entry.submitted")
    public static let juryScoreRecorded = EventTypeName(rawValue: "jury.score.recorded")
    public static let contestWinnerAnnounced = EventTypeName(rawValue: "contest.winner.announced")
    public static let proposalSubmitted = EventTypeName(rawValue: "proposal.submitted")
    public static let proposalSupported = EventTypeName(rawValue: "proposal.supported")
    public static let proposalStatusChanged = EventTypeName(rawValue: "proposal.status.changed")
    public static let indicatorTargetSet = EventTypeName(rawValue: "indicator.target.set")
    public static let projectOrganisationAdded = EventTypeName(rawValue: "project.organisation.added")
    /// Internal: written by `ledgerctl forget` only.
    public static let participantErased = EventTypeName(rawValue: "participant.erased")
}

/// The kind of an entity or fact the index knows (the `kind` of an `EntityKey`), such as
/// `participant` or `check-in`. Like `EventTypeName`, not expressible by a string literal.
public struct EntityKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The name, as the index stores it.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

extension EntityKind {
    // Entities, defined once each.
    public static let project = EntityKind(rawValue: "project")
    public static let engagement = EntityKind(rawValue: "engagement")
    public static let participant = EntityKind(rawValue: "participant")
    public static let contest = EntityKind(rawValue: "contest")
    public static let question = EntityKind(rawValue: "question")
    public static let entry = EntityKind(rawValue: "entry")
    public static let proposal = EntityKind(rawValue: "proposal")
    // Facts: recorded (repeatable) or marked (once).
    public static let rsvp = EntityKind(rawValue: "rsvp")
    public static let checkIn = EntityKind(rawValue: "check-in")
    public static let support = EntityKind(rawValue: "support")
    public static let erased = EntityKind(rawValue: "erased")
    /// An organisation in one IATI role in a project (funding, implementing, ...).
    public static let organisationRole = EntityKind(rawValue: "organisation-role")
}

extension EntityKey {
    /// Creates the key of `kind` named by `parts`.
    public init(_ kind: EntityKind, _ parts: [String]) {
        self.init(kind.rawValue, parts)
    }
}

extension ReplayedEvent {
    /// True when the event is of type `name`.
    public func `is`(_ name: EventTypeName) -> Bool { typeName == name }
}

extension NewEvent {
    /// Creates an event of the catalog type `type` to append.
    public init(type: EventTypeName, data: JSON, id: String? = nil, occurredAt: String? = nil, actor: String? = nil) {
        self.init(type: type.rawValue, data: data, id: id, occurredAt: occurredAt, actor: actor)
    }
}
