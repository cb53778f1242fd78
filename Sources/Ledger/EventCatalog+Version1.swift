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
    /// IATI's OrganisationType codelist: 10 government, 11 local government, 15 other public
    /// sector, 21 international NGO, 22 national NGO, 23 regional NGO, 24 partner-country-based
    /// NGO, 30 public-private partnership, 40 multilateral, 60 foundation, 70-73 private sector,
    /// 80 academic, training and research, 90 other.
    public static let organisationTypes = ["10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"]
    /// IATI's OrganisationRole codelist: 1 funding, 2 accountable, 3 extending, 4 implementing.
    public static let organisationRoles = ["1", "2", "3", "4"]
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
        // What events name, as index keys: the kind, and the fields whose values name it.
        let project = EntityReference(.project), engagement = EntityReference(.engagement), proposal = EntityReference(.proposal)
        let contest = EntityReference(.contest), question = EntityReference(.question, "contest", "question")
        let entry = EntityReference(.entry, "contest", "entry")
        // A participant an event requires: refused once their data was erased (only
        // `participant.erased` requires one whether erased or not).
        let participant = EntityReference(.participant, retiredBy: .init(kind: .erased) {
            "names participant '\($0[0])', whose data was erased; register a new participant id"
        })
        return EventCatalog(version: 1, types: [
            EventType(.projectDefined, "a funded project that runs engagements", fields: [
                Field("project", id, required: true),
                Field("title", line, required: true),
                Field("funder", line),
                Field("budget_eur", .number(0...1e12)),
                Field("starts_on", .date, required: true),
                Field("ends_on", .date, required: true),
                Field("partners", .textList),
                Field("description", paragraph),
                Field("reporting_org_ref", id),
                Field("reporting_org_name", line),
                Field("reporting_org_type", .oneOf(organisationTypes)),
                Field("iati_identifier", id),
            ], defines: [project], rules: [
                .datesInOrder(start: "starts_on", end: "ends_on"),
                .allOrNone(["reporting_org_ref", "reporting_org_name", "reporting_org_type", "iati_identifier"]),
                .organisationIdentifier("reporting_org_ref"),
                .prefixedBy(field: "iati_identifier", prefix: "reporting_org_ref"),
            ]),
            EventType(.projectOrganisationAdded, "an organisation taking part in a project, in one IATI role", fields: [
                Field("project", id, required: true),
                Field("organisation", id, required: true),
                Field("name", line, required: true),
                Field("role", .oneOf(organisationRoles), required: true),
                Field("type", .oneOf(organisationTypes)),
                Field("ref", id),
            ], requires: [project], marks: [EntityReference(.organisationRole, "project", "organisation", "role", ifDuplicate: {
                "organisation '\($0[1])' already has role \($0[2]) in project '\($0[0])'"
            })], rules: [.organisationIdentifier("ref")]),
            EventType(.engagementScheduled, "a forum, workshop or other engagement of a project", fields: [
                Field("engagement", id, required: true),
                Field("project", id, required: true),
                Field("title", line, required: true),
                Field("starts_at", .instant, required: true),
                Field("ends_at", .instant, required: true),
                Field("time_zone", .timeZone, required: true),
                Field("venue", line),
                Field("rsvp_deadline", .deadline),
                Field("capacity", .integer(1...1_000_000)),
            ], defines: [engagement], requires: [project], rules: [.instantsInOrder(start: "starts_at", end: "ends_at")]),
            EventType(.participantRegistered, "a person, known by a pseudonymous id", fields: registered,
                      defines: [EntityReference(.participant)]),
            EventType(.participantUpdated, "a change to a person's profile, from now on", fields:
                        [Field("participant", id, required: true)] + profile,
                      requires: [participant], needsAnOptionalField: true),
            EventType(.rsvpSubmitted, "an answer to an invitation (the latest one counts)", fields: [
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
                Field("response", .oneOf(["accepted", "declined", "tentative"]), default: .string("accepted")),
                Field("channel", .oneOf(["phone", "email", "web", "in_person"])),
            ], requires: [engagement, participant], records: [EntityReference(.rsvp, "engagement", "participant")]),
            EventType(.rsvpCancelled, "a withdrawn RSVP", fields: [
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
            ], requires: [engagement, participant, EntityReference(.rsvp, "engagement", "participant", ifMissing: {
                "participant '\($0[1])' has no RSVP for engagement '\($0[0])' to cancel"
            })]),
            EventType(.attendanceCheckedIn, "a person came to the engagement (once per person)", fields: [
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
            ], requires: [engagement, participant], marks: [EntityReference(.checkIn, "engagement", "participant", ifDuplicate: {
                "participant '\($0[1])' is already checked in to '\($0[0])'"
            })]),
            EventType(.contestAnnounced, "a quiz or photo contest of an engagement", fields: [
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
            ], defines: [contest], requires: [engagement], rules: [
                .scoreRange(minimum: "score_min", maximum: "score_max"),
                .required("criteria", when: "kind", is: "photo", reason: "is required for a photo contest (the jury scores each criterion)"),
            ]),
            EventType(.quizQuestionPublished, "a question of a quiz, and its correct answer", fields: [
                Field("contest", id, required: true),
                Field("question", id, required: true),
                Field("text", paragraph),
                Field("options", .textList),
                Field("correct", line, required: true),
            ], defines: [question], requires: [contest], rules: [.contestKind("quiz"), .amongOptions(field: "correct", options: "options")]),
            EventType(.quizAnswerSubmitted, "a participant's answer to a quiz question", fields: [
                Field("contest", id, required: true),
                Field("question", id, required: true),
                Field("participant", id, required: true),
                Field("answer", line, required: true),
            ], requires: [contest, question, participant],
                      rules: [.contestKind("quiz"), .amongOptionsOf(question, options: "options", field: "answer")]),
            EventType(.photoEntrySubmitted, "a photo posted for a photo contest", fields: [
                Field("contest", id, required: true),
                Field("entry", id, required: true),
                Field("participant", id, required: true),
                Field("platform", .oneOf(["facebook", "instagram", "other"]), required: true),
                Field("url", .url, required: true),
                Field("posted_at", .instant, required: true),
                Field("caption", paragraph, required: true),
            ], defines: [entry], requires: [contest, participant], rules: [.contestKind("photo")]),
            EventType(.juryScoreRecorded, "one juror's score of one entry on one criterion (the latest counts)", fields: [
                Field("contest", id, required: true),
                Field("entry", id, required: true),
                Field("juror", id, required: true),
                Field("criterion", line, required: true),
                Field("score", .number(-1_000_000...1_000_000), required: true),
            ], requires: [contest, entry], rules: [.contestKind("photo"), .scoreFitsContest]),
            EventType(.contestWinnerAnnounced, "the winner the organisers announced", fields: [
                Field("contest", id, required: true),
                Field("entry", id, required: true),
                Field("prize", line),
            ], requires: [contest, entry]),
            EventType(.proposalSubmitted, "a proposal for the city's plans", fields: [
                Field("proposal", id, required: true),
                Field("engagement", id, required: true),
                Field("participant", id, required: true),
                Field("theme", .oneOf(themes), required: true),
                Field("title", line, required: true),
                Field("text", paragraph),
                Field("district", .oneOf(districts)),
            ], defines: [proposal], requires: [engagement, participant]),
            EventType(.proposalSupported, "a participant supports a proposal (once)", fields: [
                Field("proposal", id, required: true),
                Field("participant", id, required: true),
            ], requires: [proposal, participant], marks: [EntityReference(.support, "proposal", "participant", ifDuplicate: {
                "participant '\($0[1])' already supports proposal '\($0[0])'"
            })]),
            EventType(.proposalStatusChanged, "the city's decision on a proposal", fields: [
                Field("proposal", id, required: true),
                Field("status", .oneOf(proposalStatuses), required: true),
                Field("note", paragraph),
            ], requires: [proposal]),
            EventType(.indicatorTargetSet, "a baseline and target of an impact indicator for a period", fields: [
                Field("indicator", .oneOf(indicators), required: true),
                Field("project", id, required: true),
                Field("period_start", .date, required: true),
                Field("period_end", .date, required: true),
                Field("target", .number(0...1e12), required: true),
                Field("baseline", .number(0...1e12)),
            ], requires: [project], rules: [.datesInOrder(start: "period_start", end: "period_end")]),
            EventType(.participantErased, "a person's personal data was erased (written by 'forget' only)", fields: [
                Field("participant", id, required: true),
            ], requires: [EntityReference(.participant)], // erased or not: a second erasure is refused as a duplicate
                      marks: [EntityReference(.erased, "participant", ifDuplicate: { "participant '\($0[0])' is already erased" })],
                      isInternal: true),
        ])
    }()
}
