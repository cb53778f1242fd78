extension EventCatalog {
    /// The stakeholder groups of the dialogue.
    public static let groups = ["government", "civil_society", "business", "expert", "academia", "culture", "media", "citizen"]
    /// How a person describes their sex; `undisclosed` when they chose not to say.
    public static let sexes = ["female", "male", "other", "undisclosed"]
    /// Almaty's eight districts, and `other`.
    public static let districts = ["alatau", "almaly", "auezov", "bostandyk", "zhetysu", "medeu", "nauryzbay", "turksib", "other"]
    /// Proposal themes: the second phase of the pedestrian and cycle network, parks and green areas.
    public static let themes = ["pedestrian_zones", "cycle_paths", "parks", "green_areas", "public_space", "other"]
    /// The impact indicators that targets (`indicator.target.set`) can name; the impact report computes each.
    public static let indicators = ["people_registered", "people_engaged", "unique_attendees", "repeat_attendees", "rsvp_conversion",
                                    "no_show_rate", "quiz_players", "photo_entries", "photo_entries_eligible", "photo_entries_ineligible",
                                    "proposals_received", "proposals_accepted", "proposals_accepted_share", "supports_per_proposal",
                                    "cost_per_engaged_person"]
    /// Where a proposal stands with the city.
    public static let proposalStatuses = ["under_review", "accepted", "declined", "implemented"]

    /// The catalog, version 1.
    public static let version1: EventCatalog = {
        let id = FieldKind.identifier
        let line = FieldKind.text(maximumLength: 300, isMultiline: false)
        let paragraph = FieldKind.text(maximumLength: 5000, isMultiline: true)
        let profile: [Field] = [
            Field("group", .oneOf(groups)),
            Field("name", .text(maximumLength: 200, isMultiline: false), personal: true),
            Field("organization", line),
            Field("district", .oneOf(districts)),
            Field("sex", .oneOf(sexes)),
            Field("email", .email, personal: true),
            Field("phone", .phone, personal: true),
            Field("handle", .handle, personal: true),
        ]
        let registered = [Field("participant", id, required: true)] + profile.map {
            $0.name == "group" || $0.name == "name" ? Field($0.name, $0.kind, required: true, personal: $0.isPersonal) : $0
        }
        return EventCatalog(version: 1, types: [
            EventType("project.defined", "a funded project that runs engagements", fields: [
                Field("project", id, required: true),
                Field("title", line, required: true),
                Field("funder", line),
                Field("budget_eur", .number(0...1e12)),
                Field("starts_on", .date, required: true),
                Field("ends_on", .date, required: true),
                Field("partners", .textList),
            ], defines: [EntityReference("project")]),
            EventType("engagement.scheduled", "a forum, workshop or other engagement of a project", fields: [
                Field("engagement", id, required: true),
                Field("project", id, required: true),
                Field("title", line, required: true),
                Field("starts_at", .instant, required: true),
                Field("ends_at", .instant, required: true),
                Field("time_zone", .timeZone, required: true),
                Field("venue", line),
                Field("rsvp_deadline", .deadline),
                Field("capacity", .integer(1...1_000_000)),
            ], defines: [EntityReference("engagement")], requires: [EntityReference("project")]),
            EventType("participant.registered", "a person, known by a pseudonymous id", fields: registered,
                      defines: [EntityReference("participant")]),
            EventType("participant.updated", "a change to a person's profile, from now on", fields:
                        [Field("participant", id, required: true)] + profile,
                      requires: [EntityReference("participant")], needsAnOptionalField: true),
            EventType("rsvp.submitted", "an answer to an invitation (the latest one counts)", fields: [
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
                Field("response", .oneOf(["accepted", "declined", "tentative"]), default: .string("accepted")),
                Field("channel", .oneOf(["phone", "email", "web", "in_person"])),
            ], requires: [EntityReference("engagement"), EntityReference("participant")],
                      records: [EntityReference("rsvp", "engagement", "participant")]),
            EventType("rsvp.cancelled", "a withdrawn RSVP", fields: [
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
            ], requires: [EntityReference("engagement"), EntityReference("participant"),
                          EntityReference("rsvp", "engagement", "participant")]),
            EventType("attendance.checked_in", "a person came to the engagement (once per person)", fields: [
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
            ], requires: [EntityReference("engagement"), EntityReference("participant")],
                      marks: [EntityReference("check-in", "engagement", "participant")]),
            EventType("contest.announced", "a quiz or photo contest of an engagement", fields: [
                Field("contest", id, required: true),
                Field("engagement", id, required: true),
                Field("kind", .oneOf(["quiz", "photo"]), required: true),
                Field("title", line, required: true),
                Field("prize", line, required: true),
                Field("prize_count", .integer(1...10_000)),
                Field("entry_deadline", .deadline),
                Field("required_hashtags", .hashtags),
                Field("criteria", .weights),
                Field("score_min", .number(-1_000_000...1_000_000)),
                Field("score_max", .number(-1_000_000...1_000_000)),
            ], defines: [EntityReference("contest")], requires: [EntityReference("engagement")]),
            EventType("quiz.question.published", "a question of a quiz, and its correct answer", fields: [
                Field("contest", id, required: true),
                Field("question", id, required: true),
                Field("text", paragraph),
                Field("options", .textList),
                Field("correct", line, required: true),
            ], defines: [EntityReference("question", "contest", "question")], requires: [EntityReference("contest")]),
            EventType("quiz.answer.submitted", "a participant's answer to a quiz question", fields: [
                Field("contest", id, required: true),
                Field("question", id, required: true),
                Field("participant", id, required: true),
                Field("answer", line, required: true),
            ], requires: [EntityReference("contest"), EntityReference("question", "contest", "question"),
                          EntityReference("participant")]),
            EventType("photo.entry.submitted", "a photo posted for a photo contest", fields: [
                Field("contest", id, required: true),
                Field("entry", id, required: true),
                Field("participant", id, required: true),
                Field("platform", .oneOf(["facebook", "instagram", "other"]), required: true),
                Field("url", .url, required: true),
                Field("posted_at", .instant, required: true),
                Field("caption", paragraph, required: true),
            ], defines: [EntityReference("entry", "contest", "entry")],
                      requires: [EntityReference("contest"), EntityReference("participant")]),
            EventType("jury.score.recorded", "one juror's score of one entry on one criterion (the latest counts)", fields: [
                Field("contest", id, required: true),
                Field("entry", id, required: true),
                Field("juror", id, required: true),
                Field("criterion", line, required: true),
                Field("score", .number(-1_000_000...1_000_000), required: true),
            ], requires: [EntityReference("contest"), EntityReference("entry", "contest", "entry")]),
            EventType("contest.winner.announced", "the winner the organisers announced", fields: [
                Field("contest", id, required: true),
                Field("entry", id, required: true),
                Field("prize", line),
            ], requires: [EntityReference("contest"), EntityReference("entry", "contest", "entry")]),
            EventType("proposal.submitted", "a proposal for the city's plans", fields: [
                Field("proposal", id, required: true),
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
                Field("theme", .oneOf(themes), required: true),
                Field("title", line, required: true),
                Field("text", paragraph),
                Field("district", .oneOf(districts)),
            ], defines: [EntityReference("proposal")],
                      requires: [EntityReference("engagement"), EntityReference("participant")]),
            EventType("proposal.supported", "a participant supports a proposal (once)", fields: [
                Field("proposal", id, required: true),
                Field("participant", id, required: true),
            ], requires: [EntityReference("proposal"), EntityReference("participant")],
                      marks: [EntityReference("support", "proposal", "participant")]),
            EventType("proposal.status.changed", "the city's decision on a proposal", fields: [
                Field("proposal", id, required: true),
                Field("status", .oneOf(proposalStatuses), required: true),
                Field("note", paragraph),
            ], requires: [EntityReference("proposal")]),
            EventType("indicator.target.set", "a baseline and target of an impact indicator for a period", fields: [
                Field("indicator", .oneOf(indicators), required: true),
                Field("project", id, required: true),
                Field("period_start", .date, required: true),
                Field("period_end", .date, required: true),
                Field("target", .number(0...1e12), required: true),
                Field("baseline", .number(0...1e12)),
            ], requires: [EntityReference("project")]),
            EventType("participant.erased", "a person's personal data was erased (written by 'forget' only)", fields: [
                Field("participant", id, required: true),
            ], requires: [EntityReference("participant")], marks: [EntityReference("erased", "participant")],
                      isInternal: true),
        ])
    }()
}
