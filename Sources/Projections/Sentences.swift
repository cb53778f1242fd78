import Foundation

/// The sentences reports generate (definitions of totals, reasons, audit findings, rules), in
/// English, Kazakh and Russian. A number before a noun takes the Russian plural forms one, few
/// and many; Kazakh keeps the noun singular after a number.
public struct Sentences: Sendable {
    public let language: Language

    public init(_ language: Language) {
        self.language = language
    }

    private func say(_ en: String, _ kk: String, _ ru: String) -> String {
        switch language {
        case .en: en
        case .kk: kk
        case .ru: ru
        }
    }

    /// `count` and a Russian noun in the form the number asks for (CLDR one, few, many).
    static func russian(_ count: Int, _ one: String, _ few: String, _ many: String) -> String {
        let lastTwo = count % 100, last = count % 10
        let form = (11...14).contains(lastTwo) ? many : last == 1 ? one : (2...4).contains(last) ? few : many
        return "\(count) \(form)"
    }

    // MARK: - Attendees

    var peopleDefinition: String {
        say("people who answered the invitation or came", "шақыруға жауап бергендер немесе келгендер", "ответившие на приглашение или пришедшие")
    }
    var attendedDefinition: String {
        say("people checked in at the door", "кіреберісте келгені белгіленгендер", "отмеченные на входе")
    }
    var noShowDefinition: String {
        say("confirmed or late (holding a seat) but not checked in", "орын алған (расталған немесе кешіккен), бірақ келмегендер",
            "получившие место (подтверждено или с опозданием), но не пришедшие")
    }
    var conversionDefinition: String {
        say("checked in, of those confirmed or late (holding a seat)", "орын алғандардың (расталған немесе кешіккен) ішінен келгендер",
            "пришедшие из получивших место (подтверждено или с опозданием)")
    }
    /// The label of the share of seat holders who came, in %.
    var conversionLabel: String {
        say("RSVP → Attended (%)", "Растағандардың келу үлесі (%)", "Доля пришедших из подтвердивших (%)")
    }

    // MARK: - Impact

    /// The line that says who funds the project: the European Union's own wording when it is the
    /// funder, the funder's name otherwise.
    func fundedBy(_ funder: String) -> String {
        let name = funder.trimmingCharacters(in: .whitespaces).lowercased()
        if name == "european union" || name == "the european union" || name == "eu" {
            return say("Funded by the European Union", "Еуропалық Одақ қаржыландырады", "Финансируется Европейским союзом")
        }
        return say("Funded by \(funder)", "Қаржыландырушы: \(funder)", "Финансирование: \(funder)")
    }

    var coveredDefinition: String {
        say("the first and last action counted (an RSVP, check-in, quiz answer, photo entry, proposal or support)",
            "есептелген алғашқы және соңғы әрекет (жауап, келу, викторина жауабы, фотожұмыс, ұсыныс немесе қолдау)",
            "первое и последнее учтённое действие (ответ на приглашение, приход, ответ викторины, фоторабота, предложение или поддержка)")
    }

    /// A span of time, `first – last`, with the time zones named.
    func span(_ first: String, _ firstZone: String, _ last: String, _ lastZone: String) -> String {
        firstZone == lastZone ? "\(first) – \(last) (\(firstZone))" : "\(first) (\(firstZone)) – \(last) (\(lastZone))"
    }

    // MARK: - Proposals

    var takenUpDefinition: String {
        say("proposals whose current status is accepted or implemented", "қазіргі мәртебесі «қабылданды» немесе «іске асырылды» ұсыныстар",
            "предложения с текущим статусом «принято» или «реализовано»")
    }

    // MARK: - Quiz

    var ignoredAnswersDefinition: String {
        say("answers after a participant's first to the same question: not counted",
            "қатысушының сол сұраққа бірінші жауабынан кейінгі жауаптары: есептелмейді",
            "ответы участника на тот же вопрос после первого: не учитываются")
    }
    func quizRules(prizes: Int) -> String {
        say("Score = correct first answers. Ties are broken by the total response time (answer time minus the question's publication time), then by who finished first; the top \(prizes) win, and players level with the last prize place are shown as tied.",
            "Ұпай = дұрыс бірінші жауаптар саны. Тең болса, жалпы жауап беру уақыты (жауап уақыты минус сұрақтың жарияланған уақыты), содан кейін кім бірінші аяқтағаны шешеді; алғашқы \(prizes) қатысушы жеңеді, соңғы жүлделі орынмен тең түскендер тең деп көрсетіледі.",
            "Баллы = число верных первых ответов. При равенстве решает общее время ответов (время ответа минус время публикации вопроса), затем кто закончил раньше; побеждают первые \(prizes), а участники, набравшие столько же, сколько последнее призовое место, показаны как разделившие его.")
    }

    // MARK: - Photo contest

    func photoScore(criteria: String, jurors: Int) -> String {
        say("Score = \(criteria), each the mean of the jurors' scores (\(jurors) jurors; a juror who entered is left out of their own entry).",
            "Ұпай = \(criteria), әрқайсысы қазылар бағаларының орташасы (\(jurors) қазы; жұмыс жіберген қазы өз жұмысын бағаламайды).",
            "Баллы = \(criteria), каждое — среднее оценок жюри (\(Self.russian(jurors, "член жюри", "члена жюри", "членов жюри")); член жюри, подавший работу, свою не оценивает).")
    }
    func entryDeadline(_ time: String, zone: String) -> String {
        say("Entry deadline: \(time) (\(zone)).", "Жұмыс қабылдау мерзімі: \(time) (\(zone)).", "Срок подачи работ: \(time) (\(zone)).")
    }
    func tieForFirst(_ entries: String) -> String {
        say("The jury's ranking has a tie for first place: \(entries).", "Қазылар рейтингінде бірінші орынды бөліскендер: \(entries).",
            "В рейтинге жюри первое место делят: \(entries).")
    }
    func scoresMissing(_ entries: String) -> String {
        say("Scores missing for: \(entries) (marked incomplete).", "Бағалары толық емес: \(entries) (толық емес деп белгіленді).",
            "Не хватает оценок: \(entries) (отмечены как неполные).")
    }
    func winnerNotEligible(_ entry: String, reasons: String) -> String {
        say("AUDIT FINDING: the announced winner \(entry) is not eligible (\(reasons)).",
            "АУДИТ ҚОРЫТЫНДЫСЫ: жарияланған жеңімпаз \(entry) қатысуға рұқсат етілмеген (\(reasons)).",
            "ЗАМЕЧАНИЕ АУДИТА: объявленный победитель \(entry) не допущен (\(reasons)).")
    }
    func winnerMatches(_ entry: String, rank: Int, tied: Bool) -> String {
        say("The announced winner \(entry) matches the jury's ranking (rank \(rank)\(tied ? ", tied" : "")).",
            "Жарияланған жеңімпаз \(entry) қазылар рейтингіне сай (\(rank)-орын\(tied ? ", тең" : "")).",
            "Объявленный победитель \(entry) совпадает с рейтингом жюри (\(rank)-е место\(tied ? ", поровну" : "")).")
    }
    func winnerDiffers(_ entry: String, rank: Int?, first: String) -> String {
        switch language {
        case .en:
            "AUDIT FINDING: the announced winner \(entry) is \(rank.map { "ranked \($0)" } ?? "not an entry of this contest"); the jury's ranking puts \(first) first."
        case .kk:
            "АУДИТ ҚОРЫТЫНДЫСЫ: жарияланған жеңімпаз \(entry) — \(rank.map { "\($0)-орында" } ?? "бұл байқаудың жұмысы емес"); қазылар рейтингінде бірінші — \(first)."
        case .ru:
            "ЗАМЕЧАНИЕ АУДИТА: объявленный победитель \(entry) — \(rank.map { "на \($0)-м месте" } ?? "не работа этого конкурса"); по рейтингу жюри первое место у \(first)."
        }
    }
    var noWinnerYet: String {
        say("No winner has been announced yet.", "Жеңімпаз әлі жарияланған жоқ.", "Победитель ещё не объявлен.")
    }
    func tooManyWinners(_ winners: Int, prizes: Int) -> String {
        say("AUDIT FINDING: \(winners) winners were announced for \(prizes) prize\(prizes == 1 ? "" : "s").",
            "АУДИТ ҚОРЫТЫНДЫСЫ: \(prizes) жүлдеге \(winners) жеңімпаз жарияланды.",
            "ЗАМЕЧАНИЕ АУДИТА: на \(Self.russian(prizes, "приз", "приза", "призов")) объявлено \(Self.russian(winners, "победитель", "победителя", "победителей")).")
    }

    /// Why a photo entry is not eligible (times read in `zone`).
    func reason(_ rule: PhotoEntryRule, in zone: TimeZone) -> String {
        switch rule {
        case let .late(posted, deadline):
            let (p, d) = (LocalTime.format(posted, in: zone), LocalTime.format(deadline, in: zone))
            return say("posted \(p), after the deadline \(d)", "\(p) жарияланған, мерзімнен (\(d)) кейін", "опубликовано \(p), после срока \(d)")
        case .missingHashtag(let tag):
            return say("no \(tag)", "\(tag) жоқ", "нет \(tag)")
        case .platform(let platform):
            return say("posted on \(platform), not Facebook or Instagram", "\(platform) желісінде жарияланған (Facebook не Instagram емес)",
                       "опубликовано в \(platform), а не в Facebook или Instagram")
        case .absent:
            return say("the author did not attend the forum", "авторы іс-шараға келмеген", "автор не был на мероприятии")
        }
    }
}

extension Labels {
    /// The generated sentences in this language.
    public var sentences: Sentences { Sentences(language) }
}
