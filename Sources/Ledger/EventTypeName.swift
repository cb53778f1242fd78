/// The name of an event type, such as `rsvp.submitted`: code compares and switches on these
/// constants, never on string literals, so that a misspelt name does not compile. Not
/// expressible by a string literal, on purpose. The catalog (`EventCatalog.version1`) defines
/// one type for each constant.
public struct EventTypeName: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The dotted name, as stored in the `type` member of an event.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
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
    /// Its catalog type, to compare or switch on with the constants of `EventTypeName`.
    public var typeName: EventTypeName { EventTypeName(rawValue: type) }

    /// True when the event is of type `name`.
    public func `is`(_ name: EventTypeName) -> Bool { type == name.rawValue }
}

extension NewEvent {
    /// Creates an event of the catalog type `type` to append.
    public init(type: EventTypeName, data: JSON, id: String? = nil, occurredAt: String? = nil, actor: String? = nil) {
        self.init(type: type.rawValue, data: data, id: id, occurredAt: occurredAt, actor: actor)
    }
}
