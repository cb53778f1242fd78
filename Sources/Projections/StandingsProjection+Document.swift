import Foundation
import Ledger

extension StandingsProjection {
    /// The standings of `contest` (the only one when nil).
    public func document(contest given: String?, labels: Labels, names: PersonalNames, stamp: ReportStamp) throws(ReportError) -> ReportDocument {
        let id = try ReportError.pick(given, from: order, what: "contest", option: "--contest")
        let contest = contests[id]!
        let engagement = attendance.engagements[contest.engagement]
        func name(_ participant: String) -> ReportCell {
            if attendance.erased.contains(participant) { return .text(labels["erased"]) }
            return names.name(of: participant, asOf: stamp.lastSeq).map(ReportCell.text) ?? .text(participant)
        }
        let winnerFlag = { (ranked: Ranked) -> ReportCell in
            .flag(ranked.wins, label: ranked.wins ? (ranked.isTied ? labels["winner"] + " (" + labels["tie"] + ")" : labels["winner"]) : "")
        }
        let subject = "\(contest.title) — \(labels["prize"]): \(contest.prize) × \(contest.prizeCount)"
        if contest.kind == "quiz" {
            return quizDocument(contest, labels: labels, name: name, winner: winnerFlag, subject: subject, stamp: stamp)
        }
        let zone = engagement?.timeZone ?? TimeZone(identifier: "UTC")!
        let deadline = contest.entryDeadlineText.flatMap { Timestamp(deadline: $0, timeZone: zone) }
        let scored = evaluatedEntries(of: contest, language: labels.language)
        let eligible = scored.filter { $0.reasons.isEmpty }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.entry.id < $1.entry.id }
        let scoreOf = Dictionary(scored.map { ($0.entry.id, $0.score) }, uniquingKeysWith: { first, _ in first }) // ids are unique unless a file was edited
        let ranking = StandingsProjection.rank(eligible.map(\.entry.id), prizes: contest.prizeCount) {
            abs(scoreOf[$0]! - scoreOf[$1]!) < 1e-9
        }
        let rankOf = Dictionary(ranking.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = (eligible + scored.filter { !$0.reasons.isEmpty }).map { item -> [ReportCell] in
            let ranked = rankOf[item.entry.id]
            return [ranked.map { .integer($0.rank) } ?? .empty, .text(item.entry.id), name(item.entry.participant),
                    .text(item.entry.platform), .link(item.entry.url), .text(item.entry.postedAt.map { LocalTime.format($0, in: zone) } ?? ""),
                    .flag(item.reasons.isEmpty, label: labels[item.reasons.isEmpty ? "yes" : "no"]),
                    .text(item.reasons.joined(separator: "; ")), .number(item.score, decimals: 2),
                    .flag(item.isComplete, label: item.isComplete ? labels["yes"] : labels["incomplete"]),
                    ranked.map(winnerFlag) ?? .empty]
        }
        let table = ReportTable(columns: [
            ReportColumn(id: "rank", label: labels["rank"], isNumeric: true), ReportColumn(id: "entry", label: labels["entry"]),
            ReportColumn(id: "name", label: labels["name"]), ReportColumn(id: "platform", label: labels["platform"]),
            ReportColumn(id: "url", label: labels["url"]),
            ReportColumn(id: "posted_at", label: labels["posted_at"]), ReportColumn(id: "eligible", label: labels["eligible"]),
            ReportColumn(id: "why_ineligible", label: labels["why_ineligible"]), ReportColumn(id: "score", label: labels["score"], isNumeric: true),
            ReportColumn(id: "complete", label: labels["complete"]), ReportColumn(id: "winner", label: labels["winner"]),
        ], rows: rows)
        var findings: [String] = []
        let criteria = contest.criteria.map { "\($0.name) × \(ReportCell.format($0.weight, decimals: 2))" }.joined(separator: " + ")
        let say = labels.sentences
        findings.append(say.photoScore(criteria: criteria, jurors: contest.jurors.count))
        if let deadline { findings.append(say.entryDeadline(LocalTime.format(deadline, in: zone), zone: zone.identifier)) }
        let top = ranking.filter { $0.rank == 1 }.map(\.key)
        if top.count > 1 { findings.append(say.tieForFirst(top.joined(separator: ", "))) }
        let incomplete = scored.filter { $0.reasons.isEmpty && !$0.isComplete }.map(\.entry.id)
        if !incomplete.isEmpty { findings.append(say.scoresMissing(incomplete.joined(separator: ", "))) }
        for announced in contest.announcedWinners {
            if let item = scored.first(where: { $0.entry.id == announced.entry }), !item.reasons.isEmpty {
                findings.append(say.winnerNotEligible(announced.entry, reasons: item.reasons.joined(separator: "; ")))
            } else if let ranked = rankOf[announced.entry], ranked.wins {
                findings.append(say.winnerMatches(announced.entry, rank: ranked.rank, tied: ranked.isTied))
            } else {
                findings.append(say.winnerDiffers(announced.entry, rank: rankOf[announced.entry]?.rank, first: top.joined(separator: ", ")))
            }
        }
        if contest.announcedWinners.isEmpty { findings.append(say.noWinnerYet) }
        if contest.announcedWinners.count > contest.prizeCount {
            findings.append(say.tooManyWinners(contest.announcedWinners.count, prizes: contest.prizeCount))
        }
        // The jury's work: each juror's score on each criterion, and their weighted sum, per entry.
        let criteriaColumns = contest.criteria.enumerated().map { k, criterion in
            ReportColumn(id: "criterion_\(k + 1)", label: "\(criterion.name) × \(ReportCell.format(criterion.weight, decimals: 2))", isNumeric: true)
        }
        let sheet = ReportTable(columns: [ReportColumn(id: "entry", label: labels["entry"]), ReportColumn(id: "juror", label: labels["juror"])]
                                    + criteriaColumns + [ReportColumn(id: "weighted", label: labels["weighted"], isNumeric: true)],
                                rows: (eligible + scored.filter { !$0.reasons.isEmpty }).flatMap { item in
            contest.jurors.filter { $0 != item.entry.participant }.compactMap { juror -> [ReportCell]? in
                guard let given = contest.scores[item.entry.id]?[juror] else { return nil }
                let cells = contest.criteria.map { criterion in given[criterion.name].map { ReportCell.number($0, decimals: 2) } ?? .empty }
                let weighted = contest.criteria.reduce(0.0) { $0 + $1.weight * (given[$1.name] ?? 0) }
                return [.text(item.entry.id), name(juror)] + cells + [.number(weighted, decimals: 2)]
            }
        })
        return ReportDocument(kind: "standings", title: labels["standings"] + ": " + labels["photo"], subject: subject, stamp: stamp, sections: [
            ReportSection(id: "rows", title: labels["rows"], content: .table(table)),
            ReportSection(id: "scores_chart", title: labels["scores_chart"], content: .chart(ReportChart(
                style: .bars, unit: labels["score"], points: eligible.map { item in
                    let author = name(item.entry.participant).text
                    return (item.entry.id + (author.isEmpty ? "" : " — " + author), item.score)
                }))),
            ReportSection(id: "jury_scores", title: labels["jury_scores"], content: .table(sheet)),
            ReportSection(id: "audit", title: labels["audit"], content: .note(findings.joined(separator: "\n"))),
            ReportSection(id: "totals", title: labels["totals"], content: .facts([
                ReportFact(id: "entries", label: labels["total"], value: .integer(scored.count)),
                ReportFact(id: "eligible", label: labels["eligible"], value: .integer(eligible.count)),
                ReportFact(id: "ineligible", label: labels["ineligible"], value: .integer(scored.count - eligible.count)),
            ])),
        ])
    }

    /// A photo entry judged: why it is not eligible (empty when it is), its weighted score, and
    /// whether every juror (but the entrant) scored every criterion.
    public struct Scored: Sendable {
        public var entry: Entry
        public var reasons: [String]
        public var score: Double
        public var isComplete: Bool
    }

    /// Every entry of a photo contest, judged by the contest's rules.
    /// - Parameter language: the language of the reasons an entry is not eligible.
    public func evaluatedEntries(of contest: Contest, language: Language = .en) -> [Scored] {
        let zone = attendance.engagements[contest.engagement]?.timeZone ?? TimeZone(identifier: "UTC")!
        let deadline = contest.entryDeadlineText.flatMap { Timestamp(deadline: $0, timeZone: zone) }
        return contest.entries.map { entry -> Scored in
            let reasons = PhotoEntryRule.broken(postedAt: entry.postedAt, deadline: deadline, caption: entry.caption, required: contest.requiredHashtags,
                                                platform: entry.platform, attended: attendance.hasCheckedIn(entry.participant, at: contest.engagement))
                .map { Sentences(language).reason($0, in: zone) }
            let jurors = contest.jurors.filter { $0 != entry.participant } // a juror never scores their own entry
            var total = 0.0
            var isComplete = !jurors.isEmpty
            for criterion in contest.criteria {
                let given = jurors.compactMap { contest.scores[entry.id]?[$0]?[criterion.name] }
                if given.count < jurors.count { isComplete = false }
                if !given.isEmpty { total += criterion.weight * given.reduce(0, +) / Double(given.count) }
            }
            return Scored(entry: entry, reasons: reasons, score: total, isComplete: isComplete)
        }
    }

    private func quizDocument(_ contest: Contest, labels: Labels, name: (String) -> ReportCell, winner: (Ranked) -> ReportCell,
                              subject: String, stamp: ReportStamp) -> ReportDocument {
        struct Line { var participant: String; var score: Int; var milliseconds: Int64; var finished: Int64; var ignored: Int }
        let lines = contest.players.map { participant, player in
            Line(participant: participant, score: player.answers.values.filter(\.correct).count,
                 milliseconds: player.answers.values.reduce(0) { $0.adding(saturating: $1.milliseconds) },
                 finished: player.answers.values.map(\.at.millisecondsSinceEpoch).max() ?? 0, ignored: player.ignored)
        }.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.milliseconds != b.milliseconds { return a.milliseconds < b.milliseconds }
            if a.finished != b.finished { return a.finished < b.finished }
            return a.participant < b.participant
        }
        let byID = Dictionary(lines.map { ($0.participant, $0) }, uniquingKeysWith: { first, _ in first })
        let ranking = StandingsProjection.rank(lines.map(\.participant), prizes: contest.prizeCount) { a, b in
            let x = byID[a]!, y = byID[b]!
            return x.score == y.score && x.milliseconds == y.milliseconds && x.finished == y.finished
        }
        let table = ReportTable(columns: [
            ReportColumn(id: "rank", label: labels["rank"], isNumeric: true), ReportColumn(id: "participant", label: "ID"),
            ReportColumn(id: "name", label: labels["name"]), ReportColumn(id: "score", label: labels["correct"], isNumeric: true),
            ReportColumn(id: "time_s", label: labels["time_s"], isNumeric: true),
            ReportColumn(id: "ignored_answers", label: labels["ignored_answers"], isNumeric: true), ReportColumn(id: "winner", label: labels["winner"]),
        ], rows: zip(lines, ranking).map { line, ranked in
            [.integer(ranked.rank), .text(line.participant), name(line.participant), .integer(line.score),
             .number(Double(line.milliseconds) / 1000, decimals: 1), .integer(line.ignored), winner(ranked)]
        })
        let ignored = lines.reduce(0) { $0 + $1.ignored }
        let most = max(lines.map(\.score).max() ?? 0, contest.questions.count)
        let distribution = lines.isEmpty ? [] : (0...most).reversed().map { k in
            (String(k), Double(lines.filter { $0.score == k }.count))
        }
        return ReportDocument(kind: "standings", title: labels["standings"] + ": " + labels["quiz"], subject: subject, stamp: stamp, sections: [
            ReportSection(id: "rows", title: labels["rows"], content: .table(table)),
            ReportSection(id: "scores_chart", title: labels["score_distribution"] + " (" + labels["correct"] + ")", content: .chart(ReportChart(
                style: .bars, unit: labels["players"], points: distribution))),
            ReportSection(id: "totals", title: labels["totals"], content: .facts([
                ReportFact(id: "players", label: labels["total"], value: .integer(lines.count)),
                ReportFact(id: "questions", label: labels["questions"], value: .integer(contest.questions.count)),
                ReportFact(id: "ignored_answers", label: labels["ignored_answers"], value: .integer(ignored),
                           definition: labels.sentences.ignoredAnswersDefinition),
            ])),
            ReportSection(id: "rules", title: labels["audit"], content: .note(
                labels.sentences.quizRules(prizes: contest.prizeCount))),
        ])
    }
}
