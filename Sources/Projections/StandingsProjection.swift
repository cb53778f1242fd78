import Foundation
import Ledger

/// Contest standings: the quiz (first answer counts; score, then total response time, then who
/// finished first) and the photo contest (eligibility, weighted jury scores, ties, the announced
/// winner checked against the jury's ranking).
public struct StandingsProjection: Sendable {
    public struct Contest: Sendable {
        public var id: String
        public var engagement: String
        public var kind: String
        public var title: String
        public var prize: String
        public var prizeCount: Int
        public var entryDeadlineText: String?
        public var requiredHashtags: [String]
        public var criteria: [(name: String, weight: Double)]
        /// Quiz: questions by id: correct answer and publication time.
        public var questions: [String: (correct: String, publishedAt: Timestamp?)] = [:]
        /// Quiz: each player's first answer per question, and how many later answers were ignored.
        public var players: [String: Player] = [:]
        /// Photo: entries in the order they were submitted.
        public var entries: [Entry] = []
        /// Photo: the latest score of each (entry, juror, criterion).
        public var scores: [String: [String: [String: Double]]] = [:] // entry -> juror -> criterion -> score
        public var jurors: [String] = []
        public var announcedWinners: [(entry: String, prize: String?)] = []
    }

    public struct Player: Sendable {
        /// The first answer to each question (by when it was given, then by seq): correct or not,
        /// the response time in whole milliseconds (sums stay exact, so ties are real ties), when.
        public var answers: [String: (correct: Bool, milliseconds: Int64, at: Timestamp, seq: Int64)] = [:]
        public var ignored = 0
        public var firstSeq: Int64
    }

    public struct Entry: Sendable {
        public var id: String
        public var participant: String
        public var platform: String
        public var url: String
        public var postedAt: Timestamp?
        public var caption: String
    }

    /// What the standings need of people and engagements (names of the erased, entry rules).
    public internal(set) var attendance = Attendance()

    /// Of people and engagements, what the standings need: who is registered (a check-in counts
    /// only for a registered person, as in the attendee list) and who was erased, each
    /// engagement as scheduled and who checked in there. A fold of one contest keeps every
    /// engagement's check-ins, since its contest may be announced after them; it is still far less
    /// than the attendee fold's profiles and answers.
    public struct Attendance: Sendable {
        var registered: Set<String> = []
        public internal(set) var erased: Set<String> = []
        public internal(set) var engagements: [String: EngagementInfo] = [:]
        var checkedIn: [String: Set<String>] = [:]

        /// True when `participant` checked in at `engagement` (as the attendee list has it).
        public func hasCheckedIn(_ participant: String, at engagement: String) -> Bool {
            checkedIn[engagement]?.contains(participant) ?? false
        }

        mutating func apply(_ event: ReplayedEvent) {
            let data = event.data
            switch event.typeName {
            case .participantRegistered:
                if let id = data["participant"]?.stringValue {
                    registered.insert(id)
                    erased.remove(id) // registered again: a new profile
                }
            case .participantErased:
                if let id = data["participant"]?.stringValue, registered.contains(id) { erased.insert(id) }
            case .engagementScheduled:
                if let info = EngagementInfo(event) {
                    engagements[info.id] = info
                    checkedIn[info.id] = [] // scheduled again: its list starts over, as the attendee list's does
                }
            case .attendanceCheckedIn:
                if let engagement = data["engagement"]?.stringValue, engagements[engagement] != nil,
                   let participant = data["participant"]?.stringValue, registered.contains(participant),
                   event.occurred != nil {
                    checkedIn[engagement]!.insert(participant)
                }
            default:
                break
            }
        }
    }
    public internal(set) var contests: [String: Contest] = [:]
    public internal(set) var order: [String] = []
    /// When set, only this contest's questions, answers, entries and scores are kept (the
    /// standings of one contest need not fold every other's); every contest is still known by id.
    public let onlyContest: String?

    public init(onlyContest: String? = nil) {
        self.onlyContest = onlyContest
    }

    /// Everyone the standings may name: players, entrants and jurors.
    public var peopleShown: Set<String> {
        contests.values.reduce(into: Set<String>()) { people, contest in
            people.formUnion(contest.players.keys)
            people.formUnion(contest.entries.map(\.participant))
            people.formUnion(contest.jurors)
        }
    }

    /// Folds in one event.
    public mutating func apply(_ event: ReplayedEvent) {
        attendance.apply(event)
        let data = event.data
        let occurred = event.occurred
        if event.is(.contestAnnounced), let id = data["contest"]?.stringValue {
            contests[id] = Contest(
                id: id, engagement: data["engagement"]?.stringValue ?? "", kind: data["kind"]?.stringValue ?? "quiz",
                title: data["title"]?.stringValue ?? id, prize: data["prize"]?.stringValue ?? "",
                prizeCount: Int(data["prize_count"]?.integerValue ?? 1), entryDeadlineText: data["entry_deadline"]?.stringValue,
                requiredHashtags: data["required_hashtags"]?.arrayElements?.compactMap(\.stringValue) ?? [],
                criteria: (data["criteria"]?.objectMembers ?? []).map { ($0.key, $0.value.doubleValue ?? 0) })
            order.append(id)
            return
        }
        guard let id = data["contest"]?.stringValue, onlyContest == nil || id == onlyContest, contests[id] != nil else { return }
        // Mutated in place: copying a contest out and back would copy its tables on every event.
        contests[id]!.apply(event, at: occurred)
    }
}

extension StandingsProjection.Contest {
    mutating func apply(_ event: ReplayedEvent, at occurred: Timestamp?) {
        let data = event.data
        switch event.typeName {
        case .quizQuestionPublished:
            if let question = data["question"]?.stringValue {
                self.questions[question] = (data["correct"]?.stringValue ?? "", occurred)
            }
        case .quizAnswerSubmitted:
            guard let question = data["question"]?.stringValue, let participant = data["participant"]?.stringValue,
                  let published = self.questions[question], let at = occurred else { return }
            var player = self.players[participant] ?? StandingsProjection.Player(firstSeq: event.seq)
            let milliseconds = published.publishedAt.map { at.millisecondsSinceEpoch - $0.millisecondsSinceEpoch } ?? 0
            let answer = (correct: data["answer"]?.stringValue == published.correct, milliseconds: max(0, milliseconds), at: at, seq: event.seq)
            if let first = player.answers[question] {
                player.ignored += 1
                if at < first.at { player.answers[question] = answer } // recorded later, given earlier: it was the first
            } else {
                player.answers[question] = answer
            }
            self.players[participant] = player
        case .photoEntrySubmitted:
            guard let entry = data["entry"]?.stringValue, let participant = data["participant"]?.stringValue else { return }
            self.entries.append(StandingsProjection.Entry(id: entry, participant: participant, platform: data["platform"]?.stringValue ?? "",
                                         url: data["url"]?.stringValue ?? "", postedAt: data["posted_at"]?.stringValue.flatMap { Timestamp(rfc3339: $0) },
                                         caption: data["caption"]?.stringValue ?? ""))
        case .juryScoreRecorded:
            guard let entry = data["entry"]?.stringValue, let juror = data["juror"]?.stringValue,
                  let criterion = data["criterion"]?.stringValue, let score = data["score"]?.doubleValue else { return }
            self.scores[entry, default: [:]][juror, default: [:]][criterion] = score
            if !self.jurors.contains(juror) { self.jurors.append(juror) }
        case .contestWinnerAnnounced:
            if let entry = data["entry"]?.stringValue { self.announcedWinners.append((entry, data["prize"]?.stringValue)) }
        default:
            return
        }
    }
}

// MARK: - Hashtags

extension StandingsProjection {
    /// The hashtag tokens of a caption: `#` and then letters, marks, digits, `_` or `-` (a
    /// trailing `-` dropped), normalised (NFC) and case-folded, so `#WEALMATY` matches `#WeAlmaty`.
    public static func hashtags(in caption: String) -> Set<String> {
        var tags = Set<String>()
        var current: String?
        func finish() {
            if var tag = current {
                while tag.hasSuffix("-") { tag.removeLast() }
                if tag.count > 1 { tags.insert(normalisedHashtag(tag)) }
            }
            current = nil
        }
        func take(_ character: Character) {
            if character == "#" {
                finish()
                current = "#"
            } else if current != nil, character.isLetter || character.isNumber || character == "_" || character == "-"
                        || character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .spacingMark }) {
                current!.append(character)
            } else {
                finish()
            }
        }
        if isComposedByItsRange(caption) {
            // Already NFC, and each scalar is a character of its own (CR LF aside, which ends a tag either way).
            for scalar in caption.unicodeScalars {
                // ASCII and Cyrillic without Unicode's tables. ASCII's letters and digits are the
                // only ones in it, and it has no marks; every scalar of U+0400-U+04FF is a letter
                // but U+0482 (a sign) and U+0483-U+0489 (marks, which this branch never holds).
                switch scalar {
                case "#": take("#")
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-", "\u{400}"..."\u{481}", "\u{48A}"..."\u{4FF}":
                    if current != nil { current!.unicodeScalars.append(scalar) } else { finish() }
                case _ where scalar.isASCII, "\u{482}": finish()
                default: take(Character(scalar))
                }
            }
        } else {
            for character in caption.precomposedStringWithCanonicalMapping { take(character) }
        }
        finish()
        return tags
    }

    /// A hashtag in the form captions are compared in.
    public static func normalisedHashtag(_ tag: String) -> String {
        (isComposedByItsRange(tag) ? tag : tag.precomposedStringWithCanonicalMapping).lowercased()
    }

    /// True when `text` is in NFC because of what its scalars are: U+0000-U+02FF (Latin, IPA,
    /// modifier letters) and Cyrillic U+0400-U+04FF but its combining marks U+0483-U+0489, none
    /// of which NFC changes or composes with its neighbour, and none of which extends a character
    /// (only CR LF make one of two); read from the UTF-8 bytes. False says nothing (such text is
    /// normalised and broken into characters the long way).
    static func isComposedByItsRange(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                guard i + 1 < bytes.count, (0xC2...0xCB).contains(b) || ((0xD0...0xD3).contains(b) && !(b == 0xD2 && (0x83...0x89).contains(bytes[i + 1]))) else {
                    return false
                }
                i += 2
            }
            return true
        } ?? false
    }
}

// MARK: - Ranking

extension StandingsProjection {
    /// One line of a ranking.
    struct Ranked {
        var key: String
        var rank: Int
        var isTied: Bool
        var wins: Bool
    }

    /// Ranks items already sorted best first; `same` says when two are level. Items level with
    /// the last prize place all win, and are shown as tied.
    static func rank(_ keys: [String], prizes: Int, same: (String, String) -> Bool) -> [Ranked] {
        var out: [Ranked] = []
        for (k, key) in keys.enumerated() {
            let rank = k > 0 && same(keys[k - 1], key) ? out[k - 1].rank : k + 1
            out.append(Ranked(key: key, rank: rank, isTied: false, wins: rank <= prizes))
        }
        for k in out.indices {
            out[k].isTied = out.contains { $0.key != out[k].key && $0.rank == out[k].rank }
        }
        return out
    }
}
