import Foundation
import Ledger

/// The funder's indicators: people registered, engaged and attending, by group, district and sex;
/// conversion and no-shows; contests; proposals; cost per person; monthly progress; and the
/// targets recorded in the ledger with their actual values per period.
///
/// The fold keeps only what the indicators count, in flat arrays of small records: people and
/// engagements are numbered as they first appear, profiles are kept once each, and what one
/// person did at one engagement is one record. So its memory grows with people and engagements,
/// not with events, and the whole state can be written to a checkpoint and read back quickly.
public struct ImpactProjection: Sendable {
    /// What a project said about itself.
    public struct Project: Sendable {
        public var id: String
        public var title: String
        public var budget: Double?
        public var startsOn: String
        public var endsOn: String
        public var funder: String?
        /// The partners `project.defined` names.
        public var partners: [String] = []
        /// What IATI publishes about the project as an activity (nil fields when the ledger has none).
        public var publication = Publication()
    }

    /// A project as an IATI activity: who reports it, under which identifier, and who takes part.
    public struct Publication: Sendable, Equatable {
        /// The activity's description (`project.defined` `description`).
        public var description: String?
        /// The reporting organisation (its `role` is nil) and the activity identifier, given together.
        public var reportingOrganisation: Organisation?
        public var activityIdentifier: String?
        /// The participating organisations, in the order the ledger added them.
        public var organisations: [Organisation] = []

        public init(description: String? = nil, reportingOrganisation: Organisation? = nil, activityIdentifier: String? = nil,
                    organisations: [Organisation] = []) {
            self.description = description
            self.reportingOrganisation = reportingOrganisation
            self.activityIdentifier = activityIdentifier
            self.organisations = organisations
        }
    }

    /// An organisation of a project, as `project.organisation.added` (or `project.defined`, for
    /// the reporting one) gave it; codes from IATI's codelists.
    public struct Organisation: Sendable, Equatable {
        /// The ledger's own id of the organisation (empty for the reporting one).
        public var id: String
        public var name: String
        /// The org-id, such as `GB-CHC-209131`, when known.
        public var ref: String?
        /// OrganisationType code, such as `21`.
        public var type: String?
        /// OrganisationRole code: 1 funding, 2 accountable, 3 extending, 4 implementing.
        public var role: String?

        public init(id: String, name: String, ref: String?, type: String?, role: String?) {
            self.id = id
            self.name = name
            self.ref = ref
            self.type = type
            self.role = role
        }
    }

    /// A target recorded with `indicator.target.set`.
    struct Target: Sendable {
        var indicator: String
        var project: String
        var start: String
        var end: String
        var target: Double
        var baseline: Double?
    }

    /// One participant, by number (the id is in `personIDs`).
    struct Person: Sendable, BitwiseCopyable {
        /// The current profile (an index into `profiles`), or -1 before registration.
        var profile: Int32 = -1
        /// The registration's local day (days since 1970) and the profile then; -1 when not registered.
        var registeredDay: Int32 = 0
        var registeredProfile: Int32 = -1
        /// The person's first and last `Involvement`, in the order they began (-1: none).
        var firstInvolvement: Int32 = -1
        var lastInvolvement: Int32 = -1
    }

    /// What one person did at one engagement.
    struct Involvement: Sendable, BitwiseCopyable, ChainLink {
        // The fields are in this order, with `spare`, so that the record is 48 bytes with no
        // padding: a saved state holds no stray bytes of memory.
        var person: Int32
        var engagement: Int32
        /// The first action (RSVP, cancellation, check-in, quiz answer, photo entry, proposal,
        /// support): when (milliseconds since 1970) and the profile then.
        var firstActionAt: Int64 = .max
        /// The person's next involvement, or -1.
        var next: Int32 = -1
        var firstActionProfile: Int32 = -1
        /// The first check-in: its local day and the profile then; -1 profile when none.
        var checkInDay: Int32 = 0
        var checkInProfile: Int32 = -1
        /// The local day of the first quiz answer; `Int32.min` when none.
        var quizDay: Int32 = .min
        /// 1 once the person answered the invitation or cancelled (an integer, not a `Bool`:
        /// every bit pattern of a saved state's record is a valid record).
        var answeredInvitation: Int32 = 0
        /// The local days the person acted on, as a list in `actionDays` (-1: none).
        var firstActionDay: Int32 = -1
        var spare: Int32 = 0

        var hasRSVP: Bool {
            get { answeredInvitation != 0 }
            set { answeredInvitation = newValue ? 1 : 0 }
        }
    }

    /// One day in a list of action days.
    struct ActionDay: Sendable, BitwiseCopyable, ChainLink {
        var day: Int32
        var next: Int32
    }

    /// An engagement, by number: scheduled, or only named by an action so far.
    struct Engagement: Sendable {
        var id: String
        var info: EngagementInfo?
        /// Answers and cancellations, to give seats in the order people answered.
        var answers: [Answer] = []
        /// The seats as `rememberSeats()` last gave them, and from how many answers.
        var seats: (answers: Int, seated: [Int32])?
        /// How many action events of each type (`ImpactProjection.actionOrder`) were counted here.
        var actionCounts = [Int64](repeating: 0, count: ImpactProjection.actionOrder.count)
        /// The earliest and latest `occurred_at` of the actions counted here (milliseconds since
        /// 1970), nil before the first: the period an impact report's figures cover.
        var counted: (first: Int64, last: Int64)?
    }

    /// An RSVP (or a cancellation) as the seat allocation needs it.
    struct Answer: Sendable, BitwiseCopyable {
        var at: Int64
        var seq: Int64
        var person: Int32
        /// Index into `Answer.kinds` (32 bits: the record has no padding).
        var kind: Int32

        static let kinds = ["accepted", "declined", "tentative", "cancelled"]
    }

    /// A contest: its engagement and the rules photo entries are checked against when they come.
    struct Contest: Sendable {
        var id: String
        var engagement: String
        var kind: String
        var deadline: Timestamp?
        var requiredHashtags: [String]
    }

    /// A photo entry as the indicators count it.
    struct PhotoEntry: Sendable {
        var contest: Int32
        var person: Int32
        var postedAt: Timestamp?
        /// Within the deadline, with the required hashtags, from Facebook or Instagram; attendance
        /// is checked when counting, since a check-in may come after the entry.
        var meetsEntryRules: Bool
    }

    /// A proposal as the indicators count it.
    struct Proposal: Sendable {
        var id: String
        var engagement: String
        var theme: String
        var submittedAt: Timestamp?
        var supports: Int
        /// Status changes in order, with when they happened.
        var history: [(status: String, at: Timestamp?)] = []
        var status: String { history.last?.status ?? "submitted" }
    }

    public internal(set) var projects: [String: Project] = [:]
    public internal(set) var projectOrder: [String] = []
    var targets: [Target] = []

    var people: [Person] = []
    var personIDs: [String] = []
    var personNumbers: [String: Int32] = [:]
    var profiles: [Profile] = []
    var profileNumbers: [Profile: Int32] = [:]
    var involvements: [Involvement] = []
    var actionDays: [ActionDay] = []
    var engagements: [Engagement] = []
    var engagementNumbers: [String: Int32] = [:]
    /// Scheduled engagements in the order they were scheduled.
    var scheduled: [Int32] = []
    var contests: [Contest] = []
    var contestNumbers: [String: Int32] = [:]
    var contestOrder: [Int32] = []
    var photoEntries: [PhotoEntry] = []
    var proposals: [Proposal] = []
    var proposalNumbers: [String: Int32] = [:]
    /// True when a state was read and `personNumbers`, `profileNumbers` and `proposalNumbers`
    /// are not built from it yet: only folding needs them, and the first few lookups scan the
    /// arrays instead (`scansLeft`), so a report that folds a few events after its state never
    /// hashes a hundred thousand ids.
    var numbersPending = false
    var scansLeft = 0
    static let scansBeforeBuilding = 4

    public init() {}

    /// Builds the lookups by id that a state read leaves pending (the numbers are the arrays'
    /// indices; an id given twice, which only a state made by hand can hold, keeps its first).
    mutating func buildNumbers() {
        numbersPending = false
        personNumbers = Dictionary(personIDs.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        profileNumbers = Dictionary(profiles.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        proposalNumbers = Dictionary(proposals.enumerated().map { ($1.id, Int32($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// True when lookups by id go through the dictionaries (built now, once the scans are
    /// spent); false while they are pending and a scan is still allowed (which this one uses).
    mutating func usesNumbers() -> Bool {
        guard numbersPending else { return true }
        if scansLeft > 0 {
            scansLeft -= 1
            return false
        }
        buildNumbers()
        return true
    }

    mutating func knownPerson(_ id: String) -> Int32? {
        usesNumbers() ? personNumbers[id] : personIDs.firstIndex(of: id).map { Int32($0) }
    }

    mutating func knownProfile(_ profile: Profile) -> Int32? {
        usesNumbers() ? profileNumbers[profile] : profiles.firstIndex(of: profile).map { Int32($0) }
    }

    mutating func knownProposal(_ id: String) -> Int32? {
        usesNumbers() ? proposalNumbers[id] : proposals.firstIndex { $0.id == id }.map { Int32($0) }
    }

    /// Folds in one event.
    public mutating func apply(_ event: ReplayedEvent) {
        let data = event.data
        switch event.typeName {
        case .projectDefined:
            guard let id = data["project"]?.stringValue else { return }
            projects[id] = Project(id: id, title: data["title"]?.stringValue ?? id, budget: data["budget_eur"]?.doubleValue,
                                   startsOn: data["starts_on"]?.stringValue ?? "", endsOn: data["ends_on"]?.stringValue ?? "",
                                   funder: data["funder"]?.stringValue,
                                   partners: data["partners"]?.arrayElements?.compactMap(\.stringValue) ?? [])
            projects[id]?.publication.description = data["description"]?.stringValue
            if let ref = data["reporting_org_ref"]?.stringValue, let name = data["reporting_org_name"]?.stringValue {
                projects[id]?.publication.reportingOrganisation = Organisation(id: "", name: name, ref: ref, type: data["reporting_org_type"]?.stringValue, role: nil)
                projects[id]?.publication.activityIdentifier = data["iati_identifier"]?.stringValue
            }
            projectOrder.append(id)
            return
        case .projectOrganisationAdded:
            if let project = data["project"]?.stringValue, projects[project] != nil,
               let id = data["organisation"]?.stringValue, let name = data["name"]?.stringValue, let role = data["role"]?.stringValue {
                projects[project]?.publication.organisations.append(
                    Organisation(id: id, name: name, ref: data["ref"]?.stringValue, type: data["type"]?.stringValue, role: role))
            }
            return
        case .indicatorTargetSet:
            if let indicator = data["indicator"]?.stringValue, let project = data["project"]?.stringValue,
               let start = data["period_start"]?.stringValue, let end = data["period_end"]?.stringValue, let target = data["target"]?.doubleValue {
                // A target set again for the same indicator and period replaces the earlier one.
                targets.removeAll { $0.indicator == indicator && $0.project == project && $0.start == start && $0.end == end }
                targets.append(Target(indicator: indicator, project: project, start: start, end: end, target: target, baseline: data["baseline"]?.doubleValue))
            }
            return
        case .engagementScheduled:
            if let info = EngagementInfo(event) {
                let number = engagementNumber(info.id)
                engagements[Int(number)].info = info
                engagements[Int(number)].answers = []
                engagements[Int(number)].seats = nil
                scheduled.append(number)
            }
            return
        case .contestAnnounced:
            guard let id = data["contest"]?.stringValue else { return }
            let engagement = data["engagement"]?.stringValue ?? ""
            let zone = engagementNumbers[engagement].flatMap { engagements[Int($0)].info?.timeZone } ?? TimeZone(identifier: "UTC")!
            let contest = Contest(id: id, engagement: engagement, kind: data["kind"]?.stringValue ?? "quiz",
                                  deadline: data["entry_deadline"]?.stringValue.flatMap { Timestamp(deadline: $0, timeZone: zone) },
                                  requiredHashtags: data["required_hashtags"]?.arrayElements?.compactMap(\.stringValue) ?? [])
            if let number = contestNumbers[id] {
                contests[Int(number)] = contest
                photoEntries.removeAll { $0.contest == number } // announced again: its entries start over
            } else {
                contestNumbers[id] = Int32(contests.count)
                contestOrder.append(Int32(contests.count))
                contests.append(contest)
            }
            return
        case .proposalSubmitted:
            if let id = data["proposal"]?.stringValue {
                let proposal = Proposal(id: id, engagement: data["engagement"]?.stringValue ?? "", theme: data["theme"]?.stringValue ?? "other",
                                        submittedAt: event.occurred, supports: 0)
                if let number = knownProposal(id) {
                    proposals[Int(number)] = proposal
                } else {
                    if !numbersPending { proposalNumbers[id] = Int32(proposals.count) }
                    proposals.append(proposal)
                }
            }
        case .proposalSupported:
            if let id = data["proposal"]?.stringValue, let number = knownProposal(id), data["participant"]?.stringValue != nil {
                proposals[Int(number)].supports += 1
            }
        case .proposalStatusChanged:
            if let id = data["proposal"]?.stringValue, let number = knownProposal(id), let status = data["status"]?.stringValue {
                proposals[Int(number)].history.append((status, event.occurred))
            }
            return
        case .participantRegistered, .participantUpdated, .participantErased:
            updateProfile(event)
            return
        case .photoEntrySubmitted:
            addPhotoEntry(event) // counted even when its author registers later (under --as-of TIME)
        default:
            break
        }
        record(event)
    }

    /// Registrations, updates and erasures: the profile each later action is counted with.
    mutating func updateProfile(_ event: ReplayedEvent) {
        let data = event.data
        guard let id = data["participant"]?.stringValue else { return }
        let number = personNumber(id)
        let current = people[Int(number)].profile
        switch event.typeName {
        case .participantRegistered:
            let profile = profileNumber(Profile(registration: data))
            people[Int(number)].profile = profile
            // The registration's own local date, as its occurred_at writes it (registrations belong to no engagement).
            if let date = Timestamp.days(ofDate: String(event.occurredAt.prefix(10))) {
                people[Int(number)].registeredDay = Int32(clamping: date)
                people[Int(number)].registeredProfile = profile
            }
        case .participantUpdated:
            guard current >= 0 else { return }
            people[Int(number)].profile = profileNumber(profiles[Int(current)].updated(by: data))
        default: // erased
            guard current >= 0 else { return }
            var profile = profiles[Int(current)]
            profile.isErased = true
            people[Int(number)].profile = profileNumber(profile)
        }
    }

    /// An action by a registered person at an engagement (named, or reached through its contest or proposal).
    mutating func record(_ event: ReplayedEvent) {
        guard ImpactProjection.actions.contains(event.typeName) else { return }
        let data = event.data
        guard let participant = data["participant"]?.stringValue, let number = knownPerson(participant),
              case let profile = people[Int(number)].profile, profile >= 0, let occurred = event.occurred,
              let engagementID = engagementOf(event) else { return }
        let engagement = engagementNumber(engagementID)
        engagements[Int(engagement)].actionCounts[ImpactProjection.actionOrder.firstIndex(of: event.typeName)!] += 1 // invariant: an action
        let at = occurred.millisecondsSinceEpoch
        let counted = engagements[Int(engagement)].counted
        engagements[Int(engagement)].counted = (min(counted?.first ?? at, at), max(counted?.last ?? at, at))
        let info = engagements[Int(engagement)].info
        let today = Int32(clamping: day(occurred, zone: info?.timeZone))
        let k = Int(involvement(of: number, at: engagement))
        if involvements[k].firstActionAt == .max {
            involvements[k].firstActionAt = occurred.millisecondsSinceEpoch
            involvements[k].firstActionProfile = profile
        }
        addActionDay(today, to: k)
        switch event.typeName {
        case .rsvpSubmitted, .rsvpCancelled:
            guard info != nil else { return } // answers count toward seats at scheduled engagements
            let kind = event.is(.rsvpCancelled) ? Int32(Answer.kinds.firstIndex(of: "cancelled")!)
                : Int32(Answer.kinds.firstIndex(of: data["response"]?.stringValue ?? "accepted") ?? 0)
            involvements[k].hasRSVP = true
            engagements[Int(engagement)].answers.append(Answer(at: occurred.millisecondsSinceEpoch, seq: event.seq, person: number, kind: kind))
        case .attendanceCheckedIn:
            if involvements[k].checkInProfile < 0 {
                involvements[k].checkInDay = today
                involvements[k].checkInProfile = profile
            }
        case .quizAnswerSubmitted:
            if involvements[k].quizDay == .min { involvements[k].quizDay = today }
        default:
            break
        }
    }

    /// A photo entry to a contest the ledger has announced, checked against its rules as it comes.
    mutating func addPhotoEntry(_ event: ReplayedEvent) {
        let data = event.data
        guard let contestNumber = data["contest"]?.stringValue.flatMap({ contestNumbers[$0] }), data["entry"]?.stringValue != nil,
              let participant = data["participant"]?.stringValue else { return }
        let contest = contests[Int(contestNumber)]
        let postedAt = data["posted_at"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }
        // Attendance is judged when counting: a check-in may come after the entry.
        let broken = PhotoEntryRule.broken(postedAt: postedAt, deadline: contest.deadline, caption: data["caption"]?.stringValue ?? "",
                                           required: contest.requiredHashtags, platform: data["platform"]?.stringValue ?? "", attended: nil)
        photoEntries.append(PhotoEntry(contest: contestNumber, person: personNumber(participant), postedAt: postedAt, meetsEntryRules: broken.isEmpty))
    }

    /// The actions that count a person as engaged at an engagement, in the order their counts are kept.
    static let actionOrder: [EventTypeName] = [.rsvpSubmitted, .rsvpCancelled, .attendanceCheckedIn, .quizAnswerSubmitted,
                                               .photoEntrySubmitted, .proposalSubmitted, .proposalSupported]
    static let actions = Set(actionOrder)

    /// The engagement an action belongs to (through its contest or proposal when it names none).
    mutating func engagementOf(_ event: ReplayedEvent) -> String? {
        if let engagement = event.data["engagement"]?.stringValue { return engagement }
        if let contest = event.data["contest"]?.stringValue { return contestNumbers[contest].map { contests[Int($0)].engagement } }
        if let proposal = event.data["proposal"]?.stringValue { return knownProposal(proposal).map { proposals[Int($0)].engagement } }
        return nil
    }

    func day(_ instant: Timestamp, zone: TimeZone?) -> Int64 {
        let offset = Int64(zone?.secondsFromGMT(for: instant.date) ?? 0) * 1000
        return (instant.millisecondsSinceEpoch + offset).floorDivided(by: 86_400_000)
    }

    // MARK: - Numbering

    mutating func personNumber(_ id: String) -> Int32 {
        if let number = knownPerson(id) { return number }
        let number = Int32(people.count)
        people.append(Person())
        personIDs.append(id)
        if !numbersPending { personNumbers[id] = number } // else found by a scan, or when the dictionaries are built
        return number
    }

    mutating func engagementNumber(_ id: String) -> Int32 {
        if let number = engagementNumbers[id] { return number }
        let number = Int32(engagements.count)
        engagements.append(Engagement(id: id))
        engagementNumbers[id] = number
        return number
    }

    mutating func profileNumber(_ profile: Profile) -> Int32 {
        if let number = knownProfile(profile) { return number }
        let number = Int32(profiles.count)
        profiles.append(profile)
        if !numbersPending { profileNumbers[profile] = number }
        return number
    }

    /// The record of `person` at `engagement`, made when it is the first.
    mutating func involvement(of person: Int32, at engagement: Int32) -> Int32 {
        var k = people[Int(person)].firstInvolvement
        while k >= 0 {
            if involvements[Int(k)].engagement == engagement { return k }
            k = involvements[Int(k)].next
        }
        let number = Int32(involvements.count)
        involvements.append(Involvement(person: person, engagement: engagement))
        if people[Int(person)].lastInvolvement >= 0 {
            involvements[Int(people[Int(person)].lastInvolvement)].next = number
        } else {
            people[Int(person)].firstInvolvement = number
        }
        people[Int(person)].lastInvolvement = number
        return number
    }

    mutating func addActionDay(_ day: Int32, to k: Int) {
        var d = involvements[k].firstActionDay
        while d >= 0 {
            if actionDays[Int(d)].day == day { return }
            d = actionDays[Int(d)].next
        }
        actionDays.append(ActionDay(day: day, next: involvements[k].firstActionDay))
        involvements[k].firstActionDay = Int32(actionDays.count - 1)
    }

    /// The involvements of `person`, in the order they began.
    func involvements(of person: Person) -> Chain<Involvement> {
        Chain(items: involvements, position: person.firstInvolvement)
    }

    /// The days a person acted on at one engagement.
    func days(of involvement: Involvement) -> Chain<ActionDay> {
        Chain(items: actionDays, position: involvement.firstActionDay)
    }

    /// Items linked through an index to the next (-1 ends the chain).
    struct Chain<Item: ChainLink>: Sequence, IteratorProtocol {
        let items: [Item]
        var position: Int32

        mutating func next() -> Item? {
            guard position >= 0 else { return nil }
            let item = items[Int(position)]
            position = item.next
            return item
        }
    }
}

/// A record of a list kept in an array: the index of the next record, or -1 at the end.
protocol ChainLink {
    var next: Int32 { get }
}
