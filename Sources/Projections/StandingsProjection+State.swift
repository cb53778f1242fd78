import Ledger

/// The standings fold's state, for `SavedFold`: what it keeps of people and engagements
/// (attendance decides eligibility), then each contest, in a fixed order (sets and dictionaries
/// by sorted key).
extension StandingsProjection: SavedFold {
    static let stateVersion: UInt32 = 3

    var stateName: String { Self.stateName("standings", scope: onlyContest) }
    /// A scope's fold when it holds its contest; the whole ledger's only when it holds one
    /// contest, the one case a report is made of it (with several, a report asks which).
    var isWorthSaving: Bool { onlyContest.map { contests[$0] != nil } ?? (order.count == 1) }

    func writeState(to out: inout StateEncoder) {
        out.write(onlyContest)
        out.write(attendance.registered.sorted())
        out.write(attendance.erased.sorted())
        out.write(attendance.engagements.keys.sorted()) { out, id in out.write(attendance.engagements[id]!) }
        out.write(attendance.checkedIn.keys.sorted()) { out, id in
            out.write(id)
            out.write(attendance.checkedIn[id]!.sorted())
        }
        out.write(order)
        out.write(contests.keys.sorted()) { out, id in
            let contest = contests[id]!
            out.write(contest.id)
            out.write(contest.engagement)
            out.write(contest.kind)
            out.write(contest.title)
            out.write(contest.prize)
            out.write(Int64(contest.prizeCount))
            out.write(contest.entryDeadlineText)
            out.write(contest.requiredHashtags)
            out.write(contest.criteria) { out, criterion in
                out.write(criterion.name)
                out.write(criterion.weight)
            }
            out.write(contest.questions.keys.sorted()) { out, question in
                let published = contest.questions[question]!
                out.write(question)
                out.write(published.correct)
                out.write(published.publishedAt)
            }
            out.write(contest.players.keys.sorted()) { out, participant in
                let player = contest.players[participant]!
                out.write(participant)
                out.write(player.firstSeq)
                out.write(Int64(player.ignored))
                out.write(player.answers.keys.sorted()) { out, question in
                    let answer = player.answers[question]!
                    out.write(question)
                    out.write(answer.correct)
                    out.write(answer.milliseconds)
                    out.write(answer.at)
                    out.write(answer.seq)
                }
            }
            out.write(contest.entries) { out, entry in
                out.write(entry.id)
                out.write(entry.participant)
                out.write(entry.platform)
                out.write(entry.url)
                out.write(entry.postedAt)
                out.write(entry.caption)
            }
            out.write(contest.scores.keys.sorted()) { out, entry in
                out.write(entry)
                out.write(contest.scores[entry]!.keys.sorted()) { out, juror in
                    out.write(juror)
                    out.write(contest.scores[entry]![juror]!.keys.sorted()) { out, criterion in
                        out.write(criterion)
                        out.write(contest.scores[entry]![juror]![criterion]!)
                    }
                }
            }
            out.write(contest.jurors)
            out.write(contest.announcedWinners) { out, winner in
                out.write(winner.entry)
                out.write(winner.prize)
            }
        }
    }

    init(decoding input: StateDecoder, scopeOf empty: StandingsProjection) throws(StateDecoder.Malformed) {
        var input = input
        guard try input.optionalString() == empty.onlyContest else { throw StateDecoder.Malformed() }
        self.init(onlyContest: empty.onlyContest)
        attendance.registered = Set(try input.strings())
        attendance.erased = Set(try input.strings())
        for info in try input.array({ input throws(StateDecoder.Malformed) in try input.engagementInfo() }) { attendance.engagements[info.id] = info }
        for (engagement, people) in try input.array({ input throws(StateDecoder.Malformed) in (try input.string(), try input.strings()) }) {
            attendance.checkedIn[engagement] = Set(people)
        }
        guard Set(attendance.checkedIn.keys) == Set(attendance.engagements.keys) else { throw StateDecoder.Malformed() }
        let order = try input.strings()
        var contests: [String: Contest] = [:]
        for contest in try input.array({ input throws(StateDecoder.Malformed) -> Contest in
            var contest = Contest(id: try input.string(), engagement: try input.string(), kind: try input.string(), title: try input.string(),
                                  prize: try input.string(), prizeCount: Int(try input.int64()), entryDeadlineText: try input.optionalString(),
                                  requiredHashtags: try input.strings(),
                                  criteria: try input.array { input throws(StateDecoder.Malformed) in (try input.string(), try input.double()) })
            for (question, correct, publishedAt) in try input.array({ input throws(StateDecoder.Malformed) in
                (try input.string(), try input.string(), try input.optionalTimestamp())
            }) {
                contest.questions[question] = (correct, publishedAt)
            }
            for (participant, player) in try input.array({ input throws(StateDecoder.Malformed) -> (String, Player) in
                let participant = try input.string()
                var player = Player(firstSeq: try input.count())
                player.ignored = Int(try input.count())
                for (question, answer) in try input.array({ input throws(StateDecoder.Malformed) in
                    (try input.string(), (correct: try input.bool(), milliseconds: try input.span(), at: try input.timestamp(), seq: try input.count()))
                }) {
                    player.answers[question] = answer
                }
                return (participant, player)
            }) {
                contest.players[participant] = player
            }
            contest.entries = try input.array { input throws(StateDecoder.Malformed) in
                Entry(id: try input.string(), participant: try input.string(), platform: try input.string(), url: try input.string(),
                      postedAt: try input.optionalTimestamp(), caption: try input.string())
            }
            for (entry, jurors) in try input.array({ input throws(StateDecoder.Malformed) in
                (try input.string(), try input.array { input throws(StateDecoder.Malformed) in
                    (try input.string(), try input.array { input throws(StateDecoder.Malformed) in (try input.string(), try input.double()) })
                })
            }) {
                for (juror, scores) in jurors {
                    for (criterion, score) in scores { contest.scores[entry, default: [:]][juror, default: [:]][criterion] = score }
                }
            }
            contest.jurors = try input.strings()
            contest.announcedWinners = try input.array { input throws(StateDecoder.Malformed) in (try input.string(), try input.optionalString()) }
            return contest
        }) {
            contests[contest.id] = contest
        }
        try input.requireEnd()
        guard Set(order) == Set(contests.keys), order.count == contests.count else { throw StateDecoder.Malformed() }
        self.contests = contests
        self.order = order
    }
}
