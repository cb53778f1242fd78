import Foundation
import Testing
@testable import Ledger
@testable import Projections

@Suite struct StandingsProjectionTests {
    func document(_ ledger: HandBuiltLedger, contest: String) throws -> ReportDocument {
        var projection = StandingsProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        return try projection.document(contest: contest, labels: Labels(.en), names: ledger.names, stamp: ledger.stamp)
    }

    /// A quiz of two questions published at 11:00 and 11:10.
    func quiz(prizes: Int) -> HandBuiltLedger {
        var ledger = HandBuiltLedger.forum()
        ledger.add("contest.announced", ["contest": "quiz", "engagement": "forum-2", "kind": "quiz", "title": "Quiz", "prize": "Costa Coffee", "prize_count": prizes])
        ledger.add("quiz.question.published", at: "2017-11-30T11:00:00+06:00", ["contest": "quiz", "question": "q1", "correct": "river"])
        ledger.add("quiz.question.published", at: "2017-11-30T11:10:00+06:00", ["contest": "quiz", "question": "q2", "correct": "8"])
        for id in ["ann", "bob", "cat", "dan"] { ledger.person(id, id.capitalized) }
        return ledger
    }


    @Test func countsTheFirstAnswerOnlyAndBreaksTiesByTimeThenByWhoFinishedFirst() throws {
        var ledger = quiz(prizes: 2)
        func answer(_ who: String, _ question: String, _ answer: String, _ at: String) {
            ledger.add("quiz.answer.submitted", at: at, ["contest": "quiz", "question": question, "participant": who, "answer": answer])
        }
        // ann: wrong first, right later (ignored): 1 correct, 10 s + 20 s.
        answer("ann", "q1", "bus", "2017-11-30T11:00:10+06:00")
        answer("ann", "q1", "river", "2017-11-30T11:00:15+06:00")
        answer("ann", "q2", "8", "2017-11-30T11:10:20+06:00")
        // bob: 2 correct, 30 s + 30 s = 60 s; finished 11:10:30.
        answer("bob", "q1", "river", "2017-11-30T11:00:30+06:00")
        answer("bob", "q2", "8", "2017-11-30T11:10:30+06:00")
        // cat: 2 correct, 50 s + 10 s = 60 s; finished 11:10:10, before bob.
        answer("cat", "q1", "river", "2017-11-30T11:00:50+06:00")
        answer("cat", "q2", "8", "2017-11-30T11:10:10+06:00")
        // dan: 2 correct, 40 s + 40 s = 80 s.
        answer("dan", "q1", "river", "2017-11-30T11:00:40+06:00")
        answer("dan", "q2", "8", "2017-11-30T11:10:40+06:00")
        let rows = try document(ledger, contest: "quiz").rows()
        #expect(rows.map { $0["participant"]! } == ["cat", "bob", "dan", "ann"])
        #expect(rows.map { $0["rank"]! } == ["1", "2", "3", "4"])
        #expect(rows.map { $0["score"]! } == ["2", "2", "2", "1"])
        #expect(rows.map { $0["time_s"]! } == ["60.0", "60.0", "80.0", "30.0"])
        #expect(rows.map { $0["winner"]! } == ["Winner", "Winner", "", ""])
        #expect(rows.last?["ignored_answers"] == "1")
    }

    /// Dates run from year 1 to 9999, so one answer can take 3.2 x 10^14 ms: a person's total
    /// over 29,300 such answers passes `Int64`. It is held at the largest value (the person
    /// still ranks, last on time), as `append` and `verify` accept every one of these events.
    @Test func aTotalTimePastInt64IsHeldAtItsLargestValue() throws {
        var ledger = quiz(prizes: 1)
        let questions = 29_300
        for k in 0..<questions {
            ledger.add("quiz.question.published", at: "0001-01-01T00:00:00Z", ["contest": "quiz", "question": "x\(k)", "correct": "a"])
        }
        for k in 0..<questions {
            ledger.add("quiz.answer.submitted", at: "9999-12-31T23:59:59.999Z", ["contest": "quiz", "question": "x\(k)", "participant": "ann", "answer": "a"])
        }
        ledger.add("quiz.answer.submitted", at: "2017-11-30T11:00:30+06:00", ["contest": "quiz", "question": "q1", "participant": "bob", "answer": "river"])
        let rows = try document(ledger, contest: "quiz").rows()
        #expect(rows.map { $0["participant"]! } == ["ann", "bob"])
        #expect(rows.first?["score"] == "\(questions)")
        #expect(rows.first?["time_s"] == ReportCell.format(Double(Int64.max) / 1000, decimals: 1))
    }

    /// A saved state is trusted when the line it was saved at is in place, but its numbers could
    /// be any: a count past the events folded, or an instant outside the years 0001-9999, makes it
    /// malformed (the report then folds from the first event), never a sum that overflows later.
    @Test func aStateWhoseNumbersNoEventsCouldMakeIsRefused() throws {
        var ledger = quiz(prizes: 1)
        ledger.add("quiz.answer.submitted", at: "2017-11-30T11:00:30+06:00", ["contest": "quiz", "question": "q1", "participant": "ann", "answer": "bus"])
        ledger.add("quiz.answer.submitted", at: "2017-11-30T11:00:40+06:00", ["contest": "quiz", "question": "q1", "participant": "ann", "answer": "river"])
        var projection = StandingsProjection()
        for event in ledger.events { projection.apply(ReplayedEvent(event)) }
        let folded = Int64(ledger.events.count)
        func decodes(_ state: StandingsProjection) -> Bool {
            (try? StandingsProjection(decoding: StateDecoder(bytes: state.encodedState, countLimit: folded), scopeOf: StandingsProjection())) != nil
        }
        #expect(decodes(projection))
        var counted = projection
        counted.contests["quiz"]!.players["ann"]!.ignored = Int(folded) + 1
        var published = projection
        published.contests["quiz"]!.questions["q1"]!.publishedAt = Timestamp(millisecondsSinceEpoch: .min)
        var answered = projection
        answered.contests["quiz"]!.players["ann"]!.answers["q1"]!.milliseconds = .max
        for forged in [counted, published, answered] { #expect(!decodes(forged)) }
    }

    /// Hashtags read ASCII and Cyrillic without Unicode's tables: each such character ends a tag
    /// or belongs to it exactly as its Unicode properties say.
    @Test func hashtagsTakeASCIIAndCyrillicAsUnicodeSays() {
        for value in Array(0x21...0x7E) + Array(0x400...0x482) + Array(0x48A...0x4FF) where value != 0x23 {
            let character = Character(Unicode.Scalar(value)!)
            let belongs = character.isLetter || character.isNumber || character == "_" || character == "-"
            let tags = StandingsProjection.hashtags(in: "#a\(character)b")
            #expect(tags.count == 1 && tags.first!.count == (belongs ? 4 : 2), "U+\(String(value, radix: 16)): \(tags)")
        }
    }

    @Test func showsATieForTheLastPrizeAsATie() throws {
        var ledger = quiz(prizes: 1)
        for who in ["ann", "bob"] {
            ledger.add("quiz.answer.submitted", at: "2017-11-30T11:00:30+06:00", ["contest": "quiz", "question": "q1", "participant": who, "answer": "river"])
        }
        let rows = try document(ledger, contest: "quiz").rows()
        #expect(rows.map { $0["rank"]! } == ["1", "1"])
        #expect(rows.map { $0["winner"]! } == ["Winner (tie)", "Winner (tie)"])
    }

    /// The photo contest of the seed: deadline 28 November 23:59 Almaty time, two hashtags, two criteria.
    func photo() -> HandBuiltLedger {
        var ledger = HandBuiltLedger.forum()
        ledger.add("contest.announced", ["contest": "photo", "engagement": "forum-2", "kind": "photo", "title": "Most active Almaty resident",
                                         "prize": "a tablet", "prize_count": 1, "entry_deadline": "2017-11-28T23:59",
                                         "required_hashtags": ["#WeAlmaty", "#МенWeAlmatyіс-шарасынабарамын"],
                                         "criteria": ["idea": 0.6, "creativity": 0.4] as KeyValuePairs<String, Double>, "score_min": 1, "score_max": 10])
        return ledger
    }


    @Test func judgesEligibilityAndSaysWhy() throws {
        var ledger = photo()
        let tags = "#WeAlmaty #МенWeAlmatyіс-шарасынабарамын"
        let entries: [(String, String, String, String)] = [
            ("on-time", "instagram", "2017-11-28T23:59:00+06:00", "River walk \(tags)"),
            ("late", "instagram", "2017-11-29T00:01:00+06:00", "Late \(tags)"),
            ("late-utc", "facebook", "2017-11-28T18:00:00Z", "Late in UTC \(tags)"),
            ("shouting", "facebook", "2017-11-20T10:00:00+06:00", "#WEALMATY, #менwealmatyіс-шарасынабарамын!"),
            ("missing", "instagram", "2017-11-20T10:00:00+06:00", "Only #WeAlmaty and #WeAlmatyFan"),
            ("prefix", "instagram", "2017-11-20T10:00:00+06:00", "#WeAlmatys #МенWeAlmatyіс-шарасынабарамын"),
            ("vk", "other", "2017-11-20T10:00:00+06:00", "VK \(tags)"),
            ("absent", "instagram", "2017-11-20T10:00:00+06:00", "Did not come \(tags)"),
        ]
        for (k, entry) in entries.enumerated() {
            ledger.person(entry.0, "Person \(k)")
            if entry.0 != "absent" { ledger.add("attendance.checked_in", at: "2017-11-30T08:50:00+06:00", ["engagement": "forum-2", "participant": entry.0]) }
            ledger.add("photo.entry.submitted", at: entry.2, ["contest": "photo", "entry": entry.0, "participant": entry.0, "platform": entry.1,
                                                              "url": "https://example.org/\(entry.0)", "posted_at": entry.2, "caption": entry.3])
        }
        let rows = Dictionary(uniqueKeysWithValues: try document(ledger, contest: "photo").rows().map { ($0["entry"]!, $0) })
        #expect(rows["on-time"]?["eligible"] == "yes")
        #expect(rows["shouting"]?["eligible"] == "yes")
        #expect(rows["late"]?["why_ineligible"] == "posted 2017-11-29 00:01, after the deadline 2017-11-28 23:59")
        #expect(rows["late-utc"]?["why_ineligible"] == "posted 2017-11-29 00:00, after the deadline 2017-11-28 23:59")
        #expect(rows["missing"]?["why_ineligible"] == "no #МенWeAlmatyіс-шарасынабарамын")
        #expect(rows["prefix"]?["why_ineligible"] == "no #WeAlmaty")
        #expect(rows["vk"]?["why_ineligible"] == "posted on other, not Facebook or Instagram")
        #expect(rows["absent"]?["why_ineligible"] == "the author did not attend the forum")
    }

    @Test func matchesHashtagsCaseInsensitivelyAndUnicodeNormalised() {
        let decomposed = "#Cafe\u{301}Almaty" // e + combining acute
        #expect(StandingsProjection.hashtags(in: "Photo \(decomposed)!").contains(StandingsProjection.normalisedHashtag("#CAFÉALMATY")))
        #expect(StandingsProjection.hashtags(in: "#a-b- and #c_d.") == ["#a-b", "#c_d"])
    }

    /// Text whose bytes say it is in NFC is: every scalar of those ranges alone, after a letter,
    /// and in random runs, is left as it is by NFC; and marks or other scripts are not said to be.
    @Test func textCalledComposedByItsRangeIsInNFC() {
        let scalars = (Array(0x01...0x2FF) + Array(0x400...0x482) + Array(0x48A...0x4FF)).compactMap(Unicode.Scalar.init)
        func isNFC(_ text: String) -> Bool { Array(text.precomposedStringWithCanonicalMapping.utf8) == Array(text.utf8) }
        for scalar in scalars {
            for text in [String(scalar), "a" + String(scalar), "\u{418}" + String(scalar), String(scalar) + "\u{301}"] where StandingsProjection.isComposedByItsRange(text) {
                #expect(isNFC(text), "U+\(String(scalar.value, radix: 16))")
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 1...8, using: &generator)).map { _ in scalars.randomElement(using: &generator)! }))
            #expect(StandingsProjection.isComposedByItsRange(text))
            #expect(isNFC(text))
        }
        for text in ["e\u{301}", "\u{483}", "\u{489}", "\u{300}", "\u{374}", "\u{212B}", "阿", "\u{1F600}"] {
            #expect(!StandingsProjection.isComposedByItsRange(text))
        }
        // Such text has one character a scalar, CR LF aside; and its hashtags are those read character by character.
        let pieces = ["#", "#", "-", "_", " ", "\r\n", "\n", "a", "Z", "7", "²", "½", "ß", "Ә", "ә", "і", "Қ", "ʰ", "˅", "\u{AD}", ".", "!"]
        for _ in 0..<3_000 {
            let caption = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(StandingsProjection.isComposedByItsRange(caption))
            #expect(caption.count == caption.unicodeScalars.count - caption.components(separatedBy: "\r\n").count + 1)
            var slow = Set<String>(), current: String?
            func finish() {
                if var tag = current {
                    while tag.hasSuffix("-") { tag.removeLast() }
                    if tag.count > 1 { slow.insert(tag.lowercased()) }
                }
                current = nil
            }
            for character in caption {
                if character == "#" { finish(); current = "#" } else if current != nil, character.isLetter || character.isNumber || character == "_" || character == "-" { current!.append(character) } else { finish() }
            }
            finish()
            #expect(StandingsProjection.hashtags(in: caption) == slow, "\(caption.debugDescription)")
        }
    }

    @Test func scoresByWeightedMeansLeavesOutAJurorsOwnEntryAndFlagsWhatIsMissing() throws {
        var ledger = photo()
        let tags = "#WeAlmaty #МенWeAlmatyіс-шарасынабарамын"
        for who in ["x", "y", "z", "juror-entrant"] {
            ledger.person(who, who)
            ledger.add("attendance.checked_in", at: "2017-11-30T08:50:00+06:00", ["engagement": "forum-2", "participant": who])
            ledger.add("photo.entry.submitted", at: "2017-11-20T10:00:00+06:00", ["contest": "photo", "entry": "e-\(who)", "participant": who,
                                                                                  "platform": "instagram", "url": "https://example.org/\(who)",
                                                                                  "posted_at": "2017-11-20T10:00:00+06:00", "caption": tags])
        }
        func score(_ entry: String, _ juror: String, _ criterion: String, _ value: Double) {
            ledger.add("jury.score.recorded", ["contest": "photo", "entry": entry, "juror": juror, "criterion": criterion, "score": value])
        }
        // x: idea (8, 6) -> 7, creativity (5, 9) -> 7: 0.6 * 7 + 0.4 * 7 = 7.00
        score("e-x", "j1", "idea", 8); score("e-x", "juror-entrant", "idea", 6)
        score("e-x", "j1", "creativity", 5); score("e-x", "juror-entrant", "creativity", 9)
        // y: the same 7.00, a tie with x for the prize
        score("e-y", "j1", "idea", 7); score("e-y", "juror-entrant", "idea", 7)
        score("e-y", "j1", "creativity", 7); score("e-y", "juror-entrant", "creativity", 7)
        // the juror's own entry: their 10s are left out; j1 alone: 0.6 * 4 + 0.4 * 5 = 4.40
        score("e-juror-entrant", "j1", "idea", 4); score("e-juror-entrant", "juror-entrant", "idea", 10)
        score("e-juror-entrant", "j1", "creativity", 5); score("e-juror-entrant", "juror-entrant", "creativity", 10)
        // z: j1 gave only idea 9; the second juror nothing: incomplete, 0.6 * 9 = 5.40
        score("e-z", "j1", "idea", 9)
        ledger.add("contest.winner.announced", ["contest": "photo", "entry": "e-z", "prize": "a tablet"])
        let document = try document(ledger, contest: "photo")
        let rows = Dictionary(uniqueKeysWithValues: document.rows().map { ($0["entry"]!, $0) })
        #expect(rows["e-x"]?["score"] == "7.00" && rows["e-y"]?["score"] == "7.00")
        #expect(rows["e-x"]?["rank"] == "1" && rows["e-y"]?["rank"] == "1")
        #expect(rows["e-x"]?["winner"] == "Winner (tie)")
        #expect(rows["e-juror-entrant"]?["score"] == "4.40" && rows["e-juror-entrant"]?["complete"] == "yes")
        #expect(rows["e-z"]?["score"] == "5.40" && rows["e-z"]?["complete"] == "incomplete")
        let audit = document.note("audit")
        #expect(audit.contains("tie for first place: e-x, e-y"))
        #expect(audit.contains("Scores missing for: e-z"))
        #expect(audit.contains("AUDIT FINDING: the announced winner e-z is ranked 3; the jury's ranking puts e-x, e-y first."))
    }
}
