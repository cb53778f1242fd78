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
    /// How it is counted, in each language: for a project, and for one engagement when that differs.
    public let definitions: [Language: String]
    public let engagementDefinitions: [Language: String]?
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

    /// How it is counted, for a project or for one engagement, in `language` (English by default).
    public func definition(forEngagement: Bool, in language: Language = .en) -> String {
        let texts = forEngagement ? engagementDefinitions ?? definitions : definitions
        return texts[language] ?? texts[.en] ?? ""
    }

    init(_ id: String, en: String, kk: String, ru: String, _ definition: [Language: String], engagement: [Language: String]? = nil, unit: Unit,
         level: Level, ascending: Bool = true, decimals: Int = 0, breakdowns: [Breakdown] = [], projectOnly: Bool = false) {
        self.id = id
        self.titles = [.en: en, .kk: kk, .ru: ru]
        self.definitions = definition
        self.engagementDefinitions = engagement
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
        [.en: "participants registered in the ledger",
         .kk: "тізілімде тіркелген қатысушылар",
         .ru: "участники, зарегистрированные в реестре"],
        engagement: [.en: "people who answered the invitation", .kk: "шақыруға жауап бергендер", .ru: "ответившие на приглашение"],
        unit: .people, level: .output,
        breakdowns: [.sex, .group, .district])
    public static let peopleEngaged = Indicator(
        "people_engaged", en: "People engaged", kk: "Тартылған адамдар", ru: "Вовлечено человек",
        [.en: "people who took at least one action (RSVP, check-in, quiz answer, photo entry, proposal, support)",
         .kk: "кемінде бір әрекет жасаған адамдар (қатысуын растау, келу, викторина жауабы, фотобайқау жұмысы, ұсыныс, қолдау)",
         .ru: "люди, совершившие хотя бы одно действие (подтверждение участия, приход, ответ на викторину, работа на фотоконкурс, предложение, поддержка)"],
        unit: .people, level: .output,
        breakdowns: [.sex, .group, .district])
    public static let uniqueAttendees = Indicator(
        "unique_attendees", en: "Unique attendees", kk: "Қатысқан адамдар", ru: "Уникальные участники",
        [.en: "people checked in at one engagement or more",
         .kk: "кемінде бір іс-шараға келгені белгіленген адамдар",
         .ru: "люди, отмеченные на входе хотя бы на одном мероприятии"],
        unit: .people, level: .output, breakdowns: [.sex, .group, .district])
    public static let repeatAttendees = Indicator(
        "repeat_attendees", en: "Repeat attendees", kk: "Қайта қатысқандар", ru: "Повторные участники",
        [.en: "people checked in at two engagements or more",
         .kk: "кемінде екі іс-шараға келгені белгіленген адамдар",
         .ru: "люди, отмеченные на входе не менее чем на двух мероприятиях"],
        unit: .people, level: .outcome, breakdowns: [.sex, .group, .district])
    public static let rsvpConversion = Indicator(
        "rsvp_conversion", en: "RSVP-to-attendance conversion", kk: "Растағандардың келу үлесі (%)", ru: "Доля пришедших из подтвердивших (%)",
        [.en: "checked in, of those holding a seat (confirmed or late), in %",
         .kk: "орын алғандардың (расталған немесе кешіккен) ішінен келгендер, %",
         .ru: "пришедшие из получивших место (подтверждено или с опозданием), %"],
        unit: .percent, level: .outcome, decimals: 1)
    public static let noShowRate = Indicator(
        "no_show_rate", en: "No-show rate", kk: "Келмегендер үлесі (%)", ru: "Доля неявок (%)",
        [.en: "not checked in, of those holding a seat, in %",
         .kk: "орын алғандардың ішінен келмегендер, %",
         .ru: "не пришедшие из получивших место, %"],
        unit: .percent, level: .outcome, ascending: false, decimals: 1)
    public static let quizPlayers = Indicator(
        "quiz_players", en: "Quiz players", kk: "Викторинаға қатысқандар", ru: "Участники викторины",
        [.en: "people who answered the quiz",
         .kk: "викторинаға жауап берген адамдар",
         .ru: "люди, ответившие на викторину"],
        unit: .people, level: .output)
    public static let photoEntries = Indicator(
        "photo_entries", en: "Photo entries", kk: "Фотобайқау жұмыстары", ru: "Работы фотоконкурса",
        [.en: "entries submitted to photo contests",
         .kk: "фотобайқауларға жіберілген жұмыстар",
         .ru: "работы, поданные на фотоконкурсы"],
        unit: .entries, level: .output)
    public static let photoEntriesEligible = Indicator(
        "photo_entries_eligible", en: "Eligible photo entries", kk: "Рұқсат етілген жұмыстар", ru: "Допущенные работы",
        [.en: "entries meeting every rule of the contest",
         .kk: "байқаудың барлық ережесіне сай жұмыстар",
         .ru: "работы, отвечающие всем правилам конкурса"],
        unit: .entries, level: .output)
    public static let photoEntriesIneligible = Indicator(
        "photo_entries_ineligible", en: "Ineligible photo entries", kk: "Рұқсат етілмеген жұмыстар", ru: "Недопущенные работы",
        [.en: "entries failing a rule (deadline, hashtags, platform, attendance)",
         .kk: "ережеге сай емес жұмыстар (мерзім, хэштегтер, желі, қатысу)",
         .ru: "работы, нарушающие правило (срок, хэштеги, сеть, присутствие)"],
        unit: .entries, level: .output, ascending: false)
    public static let proposalsReceived = Indicator(
        "proposals_received", en: "Proposals received", kk: "Түскен ұсыныстар", ru: "Поступившие предложения",
        [.en: "proposals submitted",
         .kk: "берілген ұсыныстар",
         .ru: "поданные предложения"],
        unit: .proposals, level: .output)
    public static let proposalsAccepted = Indicator(
        "proposals_accepted", en: "Proposals taken up", kk: "Қабылданған ұсыныстар", ru: "Принятые предложения",
        [.en: "proposals whose status is accepted or implemented",
         .kk: "мәртебесі «қабылданды» немесе «іске асырылды» ұсыныстар",
         .ru: "предложения со статусом «принято» или «реализовано»"],
        unit: .proposals, level: .impact)
    public static let proposalsAcceptedShare = Indicator(
        "proposals_accepted_share", en: "Share of proposals taken up", kk: "Қабылданған ұсыныстар үлесі (%)", ru: "Доля принятых предложений (%)",
        [.en: "accepted or implemented, of proposals received, in %",
         .kk: "түскен ұсыныстардың ішінен қабылданғандары немесе іске асырылғандары, %",
         .ru: "принятые или реализованные из поступивших предложений, %"],
        unit: .percent, level: .impact, decimals: 1)
    public static let supportsPerProposal = Indicator(
        "supports_per_proposal", en: "Supports per proposal", kk: "Бір ұсынысқа қолдау", ru: "Поддержка на предложение",
        [.en: "supports, divided by proposals received",
         .kk: "қолдаулар саны түскен ұсыныстар санына бөлінген",
         .ru: "число поддержек, делённое на число поступивших предложений"],
        unit: .ratio, level: .outcome, decimals: 1)
    public static let costPerEngagedPerson = Indicator(
        "cost_per_engaged_person", en: "Cost per engaged person (EUR)", kk: "Бір тартылған адамға шығын (EUR)", ru: "Затраты на вовлечённого человека (EUR)",
        [.en: "the whole project budget (budget_eur), divided by the people engaged so far: the cost so far, not a period's own",
         .kk: "жобаның бүкіл бюджеті (budget_eur) осы уақытқа дейін тартылған адамдар санына бөлінген: бір кезеңнің өз шығыны емес, жиынтық шығын",
         .ru: "весь бюджет проекта (budget_eur), делённый на число вовлечённых на сегодня: накопленные затраты, а не затраты одного периода"],
        unit: .eur, level: .outcome, ascending: false, decimals: 2, projectOnly: true)

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
