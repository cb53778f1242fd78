import Foundation

/// The languages reports speak.
public enum Language: String, Sendable, CaseIterable {
    case en, kk, ru

    /// The locale whose collation sorts names: Kazakh and Russian Cyrillic, Latin.
    public var locale: Locale { Locale(identifier: rawValue) }
}

/// Headings, column names and values of reports, in English, Kazakh and Russian.
public struct Labels: Sendable {
    public let language: Language

    public init(_ language: Language) {
        self.language = language
    }

    /// The label of `key` in this language; English when no translation exists, the key itself when none at all.
    public subscript(_ key: String) -> String {
        switch language {
        case .kk: Labels.kazakh[key] ?? Labels.english[key] ?? key
        case .ru: Labels.russian[key] ?? Labels.english[key] ?? key
        case .en: Labels.english[key] ?? key
        }
    }

    /// The labels of `keys`, looked up by comparing a key with each (a few keys, asked for
    /// once a row of a long table: cheaper than hashing it); any other key as `self` has it.
    public func few(_ keys: [String]) -> Few { Few(labels: self, keys: keys, values: keys.map { self[$0] }) }

    /// Labels of a few keys, made once: see `few(_:)`.
    public struct Few: Sendable {
        let labels: Labels
        let keys: [String]
        let values: [String]

        public subscript(_ key: String) -> String {
            if let k = keys.firstIndex(of: key) { return values[k] }
            return labels[key]
        }
    }

    /// Sorts `names` by the language's collation (`ә` after `а`, `ё` with `е`), not by code point.
    public func collationPrecedes(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [], range: nil, locale: language.locale) == .orderedAscending
    }

    static let english: [String: String] = [
        "summary": "Summary", "project": "Project", "funder": "Funder", "budget_eur": "Budget, EUR", "partners": "Partners",
        "project_dates": "Project dates", "covered": "Figures cover", "head_seq": "Figures stand at seq", "head_recorded_at": "Last event recorded at",
        "key_figures": "Key figures against targets", "share": "% of target", "engagements": "Engagements", "indicators": "Indicators",
        "starts_at": "Starts", "ends_at": "Ends", "time_zone": "Time zone", "venue": "Venue",
        "scores_chart": "Scores of eligible entries", "jury_scores": "Jury scores", "juror": "Juror", "url": "Link", "weighted": "Weighted",
        "score_distribution": "Players by correct answers", "players": "players",
        "attendees": "Attendees", "standings": "Contest standings", "impact": "Impact metrics", "proposals": "Proposals",
        "name": "Name", "organization": "Organisation", "group": "Group", "district": "District", "sex": "Sex",
        "status": "Status", "attended": "Attended", "response": "RSVP", "responded_at": "Answered at", "checked_in_at": "Checked in at",
        "confirmed": "Confirmed", "late": "Late", "tentative": "Tentative", "declined": "Declined", "cancelled": "Cancelled",
        "waitlisted": "Waitlisted", "walk_in": "Walk-in", "no_show": "No-show", "erased": "Erased",
        "accepted": "Accepted", "yes": "yes", "no": "no", "total": "Total", "rows": "List", "totals": "Totals",
        "by_status": "By status", "by_group": "By group", "by_district": "By district", "by_sex": "By sex",
        "score": "Score", "rank": "Rank", "eligible": "Eligible", "winner": "Winner", "tie": "tie", "time_s": "Time (s)",
        "ignored_answers": "Later answers ignored", "correct": "Correct", "entry": "Entry", "platform": "Platform",
        "posted_at": "Posted at", "why_ineligible": "Why not eligible", "complete": "All scores in", "incomplete": "incomplete",
        "audit": "Audit", "quiz": "Quiz", "photo": "Photo contest", "prize": "Prize",
        "proposal": "Proposal", "theme": "Theme", "title": "Title", "author": "Author", "supports": "Supports",
        "history": "History", "submitted": "Submitted", "submitted_at": "Submitted at",
        "under_review": "Under review", "implemented": "Implemented",
        "indicator": "Indicator", "value": "Value", "definition": "Definition", "baseline": "Baseline", "target": "Target",
        "actual": "Actual", "period": "Period", "targets": "Targets and actuals", "events_behind": "Events", "reporting_periods": "Actuals per reporting period", "monthly": "People engaged per month",
        "new": "New", "cumulative": "Cumulative", "people": "people", "events": "events", "undisclosed": "Undisclosed",
        "unknown": "Not given", "by_theme": "Proposals by theme", "by_proposal_status": "Proposals by status",
        "computed_from": "Computed from", "as_of": "As of", "head_hash": "Head SHA-256", "engagement": "Engagement",
        "female": "Female", "male": "Male", "other": "Other",
        "government": "Government", "civil_society": "Civil society", "business": "Business", "expert": "Experts",
        "academia": "Academia", "culture": "Culture", "media": "Media", "citizen": "Citizens",
        "pedestrian_zones": "Pedestrian zones", "cycle_paths": "Cycle paths", "parks": "Parks", "green_areas": "Green areas",
        "public_space": "Public space",
        "alatau": "Alatau", "almaly": "Almaly", "auezov": "Auezov", "bostandyk": "Bostandyk", "zhetysu": "Zhetysu", "medeu": "Medeu",
        "nauryzbay": "Nauryzbay", "turksib": "Turksib", "ineligible": "Not eligible", "questions": "Questions", "capacity": "Capacity",
        "rsvp_deadline": "RSVP deadline", "registered": "Registered", "engaged": "Engaged", "repeat": "Repeat",
    ]

    static let kazakh: [String: String] = [
        "summary": "Қысқаша мәлімет", "project": "Жоба", "funder": "Қаржыландырушы", "budget_eur": "Бюджеті, еуро", "partners": "Серіктестер",
        "project_dates": "Жоба мерзімі", "covered": "Көрсеткіштер кезеңі", "head_seq": "Көрсеткіштер негізі (seq)", "head_recorded_at": "Соңғы оқиға жазылған уақыт",
        "key_figures": "Негізгі көрсеткіштер мен мақсаттар", "share": "Мақсаттың %", "engagements": "Іс-шаралар", "indicators": "Көрсеткіштер",
        "starts_at": "Басталуы", "ends_at": "Аяқталуы", "time_zone": "Уақыт белдеуі", "venue": "Өтетін орны",
        "scores_chart": "Рұқсат алған жұмыстардың ұпайлары", "jury_scores": "Қазылар бағалары", "juror": "Қазы", "url": "Сілтеме", "weighted": "Салмақты",
        "score_distribution": "Дұрыс жауап саны бойынша қатысушылар", "players": "қатысушы",
        "attendees": "Қатысушылар", "standings": "Байқау нәтижелері", "impact": "Нәтиже көрсеткіштері", "proposals": "Ұсыныстар",
        "name": "Аты-жөні", "organization": "Ұйым", "group": "Топ", "district": "Аудан", "sex": "Жынысы",
        "status": "Мәртебе", "attended": "Келгендер", "response": "Жауап", "responded_at": "Жауап уақыты", "checked_in_at": "Келген уақыты",
        "confirmed": "Расталды", "late": "Кешікті", "tentative": "Мүмкін", "declined": "Қабылдамады", "cancelled": "Бас тартты",
        "waitlisted": "Күту тізімінде", "walk_in": "Тіркеусіз келді", "no_show": "Келмеді", "erased": "Өшірілген",
        "accepted": "Қабылданды", "yes": "иә", "no": "жоқ", "total": "Барлығы", "rows": "Тізім", "totals": "Қорытынды",
        "by_status": "Мәртебе бойынша", "by_group": "Топ бойынша", "by_district": "Аудан бойынша", "by_sex": "Жынысы бойынша",
        "score": "Ұпай", "rank": "Орын", "eligible": "Қатысуға рұқсат", "winner": "Жеңімпаз", "tie": "тең",
        "time_s": "Уақыт (с)", "ignored_answers": "Ескерілмеген жауаптар", "correct": "Дұрыс", "entry": "Жұмыс",
        "platform": "Желі", "posted_at": "Жарияланған уақыты", "why_ineligible": "Неге рұқсат жоқ", "complete": "Барлық бағалар",
        "incomplete": "толық емес", "audit": "Аудит", "quiz": "Викторина", "photo": "Фотобайқау", "prize": "Жүлде",
        "proposal": "Ұсыныс", "theme": "Тақырып", "title": "Атауы", "author": "Авторы", "supports": "Қолдау",
        "history": "Тарихы", "submitted": "Берілді", "submitted_at": "Берілген уақыты",
        "under_review": "Қаралуда", "implemented": "Іске асырылды",
        "indicator": "Көрсеткіш", "value": "Мәні", "definition": "Анықтамасы", "baseline": "Бастапқы мән", "target": "Мақсат",
        "actual": "Нақты", "period": "Кезең", "targets": "Мақсаттар мен нақты мәндер", "events_behind": "Оқиғалар", "reporting_periods": "Есептік кезеңдер бойынша нақты мәндер", "monthly": "Ай сайын тартылғандар",
        "new": "Жаңа", "cumulative": "Жинақталған", "people": "адам", "undisclosed": "Көрсетілмеген", "unknown": "Берілмеген",
        "by_theme": "Тақырып бойынша ұсыныстар", "by_proposal_status": "Мәртебе бойынша ұсыныстар",
        "computed_from": "Есептеу негізі", "as_of": "Күйі", "head_hash": "Соңғы SHA-256", "engagement": "Іс-шара",
        "female": "Әйел", "male": "Ер", "other": "Басқа",
        "government": "Мемлекеттік орган", "civil_society": "Азаматтық қоғам", "business": "Бизнес", "expert": "Сарапшылар",
        "academia": "Ғылым", "culture": "Мәдениет", "media": "БАҚ", "citizen": "Азаматтар",
        "pedestrian_zones": "Жаяу жүргіншілер аймақтары", "cycle_paths": "Велосипед жолдары", "parks": "Саябақтар",
        "green_areas": "Жасыл аймақтар", "public_space": "Қоғамдық кеңістік",
        "alatau": "Алатау", "almaly": "Алмалы", "auezov": "Әуезов", "bostandyk": "Бостандық", "zhetysu": "Жетісу", "medeu": "Медеу",
        "nauryzbay": "Наурызбай", "turksib": "Түрксіб", "ineligible": "Рұқсат жоқ", "questions": "Сұрақтар", "capacity": "Орын саны",
        "rsvp_deadline": "Жауап беру мерзімі", "registered": "Тіркелген", "engaged": "Тартылған", "repeat": "Қайта келген",
    ]

    static let russian: [String: String] = [
        "summary": "Сводка", "project": "Проект", "funder": "Донор", "budget_eur": "Бюджет, евро", "partners": "Партнёры",
        "project_dates": "Сроки проекта", "covered": "Период данных", "head_seq": "Данные на запись (seq)", "head_recorded_at": "Последняя запись внесена",
        "key_figures": "Ключевые показатели и цели", "share": "% от цели", "engagements": "Мероприятия", "indicators": "Показатели",
        "starts_at": "Начало", "ends_at": "Окончание", "time_zone": "Часовой пояс", "venue": "Место проведения",
        "scores_chart": "Баллы допущенных работ", "jury_scores": "Оценки жюри", "juror": "Член жюри", "url": "Ссылка", "weighted": "С весами",
        "score_distribution": "Участники по числу верных ответов", "players": "участников",
        "attendees": "Участники", "standings": "Итоги конкурса", "impact": "Показатели результатов", "proposals": "Предложения",
        "name": "ФИО", "organization": "Организация", "group": "Группа", "district": "Район", "sex": "Пол",
        "status": "Статус", "attended": "Присутствовали", "response": "Ответ", "responded_at": "Время ответа", "checked_in_at": "Время прихода",
        "confirmed": "Подтверждено", "late": "С опозданием", "tentative": "Возможно", "declined": "Отказ", "cancelled": "Отменено",
        "waitlisted": "В листе ожидания", "walk_in": "Без регистрации", "no_show": "Не пришёл", "erased": "Удалено",
        "accepted": "Принято", "yes": "да", "no": "нет", "total": "Всего", "rows": "Список", "totals": "Итого",
        "by_status": "По статусу", "by_group": "По группам", "by_district": "По районам", "by_sex": "По полу",
        "score": "Баллы", "rank": "Место", "eligible": "Допущено", "winner": "Победитель", "tie": "ничья",
        "time_s": "Время (с)", "ignored_answers": "Повторные ответы", "correct": "Верно", "entry": "Работа",
        "platform": "Сеть", "posted_at": "Опубликовано", "why_ineligible": "Почему не допущено", "complete": "Все оценки",
        "incomplete": "неполные", "audit": "Аудит", "quiz": "Викторина", "photo": "Фотоконкурс", "prize": "Приз",
        "proposal": "Предложение", "theme": "Тема", "title": "Название", "author": "Автор", "supports": "Поддержка",
        "history": "История", "submitted": "Подано", "submitted_at": "Время подачи",
        "under_review": "На рассмотрении", "implemented": "Реализовано",
        "indicator": "Показатель", "value": "Значение", "definition": "Определение", "baseline": "Базовое значение", "target": "Цель",
        "actual": "Факт", "period": "Период", "targets": "Цели и факт", "events_behind": "События", "reporting_periods": "Факт по отчётным периодам", "monthly": "Вовлечённые по месяцам",
        "new": "Новые", "cumulative": "Нарастающим итогом", "people": "чел.", "undisclosed": "Не указан", "unknown": "Не указано",
        "by_theme": "Предложения по темам", "by_proposal_status": "Предложения по статусу",
        "computed_from": "Рассчитано по", "as_of": "По состоянию на", "head_hash": "SHA-256 последней записи", "engagement": "Мероприятие",
        "female": "Женский", "male": "Мужской", "other": "Другое",
        "government": "Госорганы", "civil_society": "Гражданское общество", "business": "Бизнес", "expert": "Эксперты",
        "academia": "Наука", "culture": "Культура", "media": "СМИ", "citizen": "Горожане",
        "pedestrian_zones": "Пешеходные зоны", "cycle_paths": "Велодорожки", "parks": "Парки", "green_areas": "Зелёные зоны",
        "public_space": "Общественные пространства",
        "alatau": "Алатауский", "almaly": "Алмалинский", "auezov": "Ауэзовский", "bostandyk": "Бостандыкский", "zhetysu": "Жетысуский",
        "medeu": "Медеуский", "nauryzbay": "Наурызбайский", "turksib": "Турксибский", "ineligible": "Не допущено", "questions": "Вопросы",
        "capacity": "Вместимость", "rsvp_deadline": "Срок ответа", "registered": "Зарегистрированы", "engaged": "Вовлечены", "repeat": "Повторно",
    ]
}
