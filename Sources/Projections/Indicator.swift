import Ledger

/// An impact indicator, defined once: what it is called and means, in what unit it is counted
/// and shown, how IATI publishes it, and which breakdowns apply. The impact report's tables,
/// its JSON, the IATI export and the targets all read this table; `ImpactProjection.results`
/// computes each value. A new indicator is one entry here (its id also in
/// `EventCatalog.indicators`, which targets name) plus its computation.
public struct Indicator: Sendable {
    /// A stable id, such as `people_engaged`; targets in the ledger name indicators by it.
    public let id: String
    /// Its title in each language (English always).
    public let titles: [Language: String]
    /// How it is counted, in English: for a project, and for one engagement when that differs.
    public let definition: String
    public let engagementDefinition: String?
    /// What it counts.
    public let unit: Unit
    /// The IATI result level.
    public let level: Level
    /// True when more is better (IATI `ascending`).
    public let ascending: Bool
    /// Digits after the decimal point where a value is shown (never in the JSON, which is exact).
    public let decimals: Int
    /// The breakdowns of the people it counts (each counted with the profile in force for it).
    public let breakdowns: [Breakdown]
    /// True when it is computed for a whole project only (not for one engagement).
    public let isProjectOnly: Bool

    public enum Breakdown: String, Sendable {
        case sex, group, district
    }

    public enum Unit: String, Sendable {
        case people, entries, proposals, percent, ratio, eur
    }

    /// IATI result types: 1 output, 2 outcome, 3 impact.
    public enum Level: Int, Sendable {
        case output = 1, outcome = 2, impact = 3
    }

    /// IATI measure: 1 unit, 2 percentage.
    public var iatiMeasure: Int { unit == .percent ? 2 : 1 }

    /// The title in `language`, English when it has none.
    public func title(in language: Language) -> String {
        titles[language] ?? titles[.en] ?? id
    }

    /// How it is counted, for a project or for one engagement.
    public func definition(forEngagement: Bool) -> String {
        forEngagement ? engagementDefinition ?? definition : definition
    }

    init(_ id: String, en: String, kk: String, ru: String, _ definition: String, engagement: String? = nil, unit: Unit,
         level: Level, ascending: Bool = true, decimals: Int = 0, breakdowns: [Breakdown] = [], projectOnly: Bool = false) {
        self.id = id
        self.titles = [.en: en, .kk: kk, .ru: ru]
        self.definition = definition
        self.engagementDefinition = engagement
        self.unit = unit
        self.level = level
        self.ascending = ascending
        self.decimals = decimals
        self.breakdowns = breakdowns
        self.isProjectOnly = projectOnly
    }
}

extension Indicator {
    public static let peopleRegistered = Indicator(
        "people_registered", en: "People registered", kk: "Тіркелген адамдар", ru: "Зарегистрировано человек",
        "participants registered in the ledger", engagement: "people who answered the invitation", unit: .people, level: .output,
        breakdowns: [.sex, .group, .district])
    public static let peopleEngaged = Indicator(
        "people_engaged", en: "People engaged", kk: "Тартылған адамдар", ru: "Вовлечено человек",
        "people who took at least one action (RSVP, check-in, quiz answer, photo entry, proposal, support)", unit: .people, level: .output,
        breakdowns: [.sex, .group, .district])
    public static let uniqueAttendees = Indicator(
        "unique_attendees", en: "Unique attendees", kk: "Қатысқан адамдар", ru: "Уникальные участники",
        "people checked in at one engagement or more", unit: .people, level: .output, breakdowns: [.sex, .group, .district])
    public static let repeatAttendees = Indicator(
        "repeat_attendees", en: "Repeat attendees", kk: "Қайта қатысқандар", ru: "Повторные участники",
        "people checked in at two engagements or more", unit: .people, level: .outcome, breakdowns: [.sex, .group, .district])
    public static let rsvpConversion = Indicator(
        "rsvp_conversion", en: "RSVP-to-attendance conversion", kk: "Тіркелуден қатысуға өту (%)", ru: "Конверсия регистраций в участие (%)",
        "checked in, of those holding a seat (confirmed or late), in %", unit: .percent, level: .outcome, decimals: 1)
    public static let noShowRate = Indicator(
        "no_show_rate", en: "No-show rate", kk: "Келмегендер үлесі (%)", ru: "Доля неявок (%)",
        "not checked in, of those holding a seat, in %", unit: .percent, level: .outcome, ascending: false, decimals: 1)
    public static let quizPlayers = Indicator(
        "quiz_players", en: "Quiz players", kk: "Викторинаға қатысқандар", ru: "Участники викторины",
        "people who answered the quiz", unit: .people, level: .output)
    public static let photoEntries = Indicator(
        "photo_entries", en: "Photo entries", kk: "Фотобайқау жұмыстары", ru: "Работы фотоконкурса",
        "entries submitted to photo contests", unit: .entries, level: .output)
    public static let photoEntriesEligible = Indicator(
        "photo_entries_eligible", en: "Eligible photo entries", kk: "Рұқсат етілген жұмыстар", ru: "Допущенные работы",
        "entries meeting every rule of the contest", unit: .entries, level: .output)
    public static let photoEntriesIneligible = Indicator(
        "photo_entries_ineligible", en: "Ineligible photo entries", kk: "Рұқсат етілмеген жұмыстар", ru: "Недопущенные работы",
        "entries failing a rule (deadline, hashtags, platform, attendance)", unit: .entries, level: .output, ascending: false)
    public static let proposalsReceived = Indicator(
        "proposals_received", en: "Proposals received", kk: "Түскен ұсыныстар", ru: "Поступившие предложения",
        "proposals submitted", unit: .proposals, level: .output)
    public static let proposalsAccepted = Indicator(
        "proposals_accepted", en: "Proposals taken up", kk: "Қабылданған ұсыныстар", ru: "Принятые предложения",
        "proposals whose status is accepted or implemented", unit: .proposals, level: .impact)
    public static let proposalsAcceptedShare = Indicator(
        "proposals_accepted_share", en: "Share of proposals taken up", kk: "Қабылданған ұсыныстар үлесі (%)", ru: "Доля принятых предложений (%)",
        "accepted or implemented, of proposals received, in %", unit: .percent, level: .impact, decimals: 1)
    public static let supportsPerProposal = Indicator(
        "supports_per_proposal", en: "Supports per proposal", kk: "Бір ұсынысқа қолдау", ru: "Поддержка на предложение",
        "supports, divided by proposals received", unit: .ratio, level: .outcome, decimals: 1)
    public static let costPerEngagedPerson = Indicator(
        "cost_per_engaged_person", en: "Cost per engaged person (EUR)", kk: "Бір тартылған адамға шығын (EUR)", ru: "Затраты на вовлечённого человека (EUR)",
        "the whole project budget (budget_eur), divided by the people engaged so far: the cost so far, not a period's own", unit: .eur, level: .outcome, ascending: false, decimals: 2, projectOnly: true)

    /// Every indicator, in the order reports list them.
    public static let all: [Indicator] = [
        peopleRegistered, peopleEngaged, uniqueAttendees, repeatAttendees, rsvpConversion, noShowRate, quizPlayers,
        photoEntries, photoEntriesEligible, photoEntriesIneligible, proposalsReceived, proposalsAccepted,
        proposalsAcceptedShare, supportsPerProposal, costPerEngagedPerson,
    ]

    /// The indicators broken down by group, district and sex, in column order.
    public static let broken = all.filter { !$0.breakdowns.isEmpty }

    /// The indicator of `id`.
    public static let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
