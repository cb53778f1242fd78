import Foundation
import Testing
@testable import Ledger
#if canImport(Glibc)
import Glibc
#endif

@Suite struct HardeningTests {
    @Test func createsEveryFileOwnerOnlyWhateverTheUmask() throws {
        try withTemporaryDirectory { dir in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "umask 000 && \"$0\" --dir \"$1\" init --segment-size 1K && for i in 1 2 3 4 5 6; do \"$0\" --dir \"$1\" append project.defined project=p$i title=T starts_on=2017-04-01 ends_on=2020-03-31 >/dev/null; done && \"$0\" --dir \"$1\" append participant.registered participant=a group=citizen name=A >/dev/null",
                                 Ledgerctl.path, dir + "/ledger"]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let enumerator = FileManager.default.enumerator(atPath: dir + "/ledger")
            var checked = 0
            while let relative = enumerator?.nextObject() as? String {
                let mode = try #require(FileManager.default.attributesOfItem(atPath: dir + "/ledger/" + relative)[.posixPermissions] as? Int)
                #expect(mode & 0o077 == 0, "\(relative) has mode \(String(mode, radix: 8))")
                checked += 1
            }
            let top = try #require(FileManager.default.attributesOfItem(atPath: dir + "/ledger")[.posixPermissions] as? Int)
            #expect(top & 0o077 == 0)
            #expect(checked >= 7) // ledger.json, lock, segments, personal.jsonl, index and its files
        }
    }

    /// Ways to damage a ledger of several segments: each named file and line must be reported.
    static let damages: [(name: String, apply: @Sendable (String, [String]) throws -> Void)] = [
        ("flipped byte", { dir, segments in try edit(dir + "/" + segments[0]) { $0.replacingOccurrences(of: "title", with: "titlf") } }),
        ("deleted line", { dir, segments in try edit(dir + "/" + segments[0]) { lines($0, drop: 1) } }),
        ("duplicated line", { dir, segments in try edit(dir + "/" + segments[0]) { text in
            let all = text.split(separator: "\n")
            return (all.prefix(2) + [all[1]] + all.dropFirst(2)).joined(separator: "\n") + "\n"
        } }),
        ("truncated mid-line in the middle", { dir, segments in try edit(dir + "/" + segments[1]) { String($0.dropLast(40)) } }),
        ("segment removed", { dir, segments in try FileManager.default.removeItem(atPath: dir + "/" + segments[1]) }),
        ("not JSON", { dir, segments in try edit(dir + "/" + segments[0]) { "garbage\n" + $0 } }),
        ("an extra empty segment in the middle", { dir, segments in // named for a seq that another segment holds
            let firsts = Set(segments.compactMap { Int($0.dropFirst("segment-".count).prefix { $0.isNumber }) })
            let seq = try #require((2..<firsts.max()!).first { !firsts.contains($0) })
            let name = "segment-" + String(repeating: "0", count: 12 - String(seq).count) + String(seq) + ".jsonl"
            #expect(FileManager.default.createFile(atPath: dir + "/" + name, contents: Data()))
        }),
        ("last segment renamed to .bak", { dir, segments in
            try FileManager.default.moveItem(atPath: dir + "/" + segments[segments.count - 1], toPath: dir + "/" + segments[segments.count - 1] + ".bak")
        }),
    ]
    /// The damages named by file, not by line.
    static let fileDamages: Set = ["an extra empty segment in the middle", "last segment renamed to .bak"]

    static func edit(_ path: String, _ change: (String) -> String) throws {
        try change(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func lines(_ text: String, drop index: Int) -> String {
        var all = text.split(separator: "\n")
        all.remove(at: index)
        return all.joined(separator: "\n") + "\n"
    }

    @Test func everyReadCommandNamesTheDamageInsteadOfReadingPastIt() throws {
        let commands: [[String]] = [["verify"], ["checkpoint"], ["log"], ["log", "--json"], ["report", "attendees"],
                                    ["report", "standings"], ["report", "impact"], ["report", "proposals"], ["report", "impact", "--format", "iati"]]
        var cases = 0
        for damage in Self.damages {
            try withTemporaryDirectory { dir in
                try demoLedger(dir, segmentSize: "1K")
                try given(dir, "append", "contest.announced", "contest=quiz", "engagement=forum-2", "kind=quiz", "title=Quiz", "prize=Coffee")
                for k in 1...8 { try given(dir, "append", "participant.registered", "participant=p\(k)", "group=academia", "name=N \(k)") }
                try given(dir, "append", "proposal.submitted", "proposal=pr", "engagement=forum-2", "participant=p1", "theme=parks", "title=Shade")
                let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
                try damage.apply(dir, segments)
                for command in commands {
                    let result = try Ledgerctl.run(["--dir", dir] + command)
                    cases += 1
                    #expect(result.exited, "\(damage.name), \(command): crashed")
                    #expect(result.status == 1, "\(damage.name), \(command): exit \(result.status)")
                    #expect(result.stderr.hasPrefix("error: \(dir)/segment-") && (result.stderr.contains(" line ") || Self.fileDamages.contains(damage.name)),
                            "\(damage.name), \(command): \(result.stderr)")
                    #expect(result.stderr.split(separator: "\n").count == 1)
                    // Damage found in the directory's files, before any line is read, says nothing of the chain.
                    #expect(!Self.fileDamages.contains(damage.name) || !result.stderr.contains("intact up to"), "\(damage.name), \(command): \(result.stderr)")
                }
            }
        }
        #expect(cases == Self.damages.count * commands.count)
    }

    /// A line's `batch` holds numbers read from the file: at the edges of `Int64` they are
    /// damage that every reader names (in the middle of the ledger) or a batch that never ended
    /// (on the last line, which `verify` names), never a sum that overflows and stops the process.
    @Test(arguments: [#"{"first": 1,"count":9223372036854775807}"#, #"{"first":1,"count": 9223372036854775806}"#,
                      #"{"first": 9223372036854775807,"count":2}"#, #"{"first": 1,"count":-9223372036854775808}"#])
    func batchNumbersAtTheEdgesOfInt64AreDamageNotACrash(batch: String) throws {
        for onLastLine in [false, true] {
            try withTemporaryDirectory { dir in
                try demoLedger(dir)
                let people = (1...3).map { #"{"type":"participant.registered","data":{"participant":"b\#($0)","group":"academia","name":"B"}}"# }
                try given(dir, "import", "-", stdin: people.joined(separator: "\n") + "\n")
                if !onLastLine { try given(dir, "append", "participant.registered", "participant=after", "group=academia", "name=A") }
                let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("segment-") })
                var lineNumber = 0
                try Self.edit(dir + "/" + segment) { text in
                    var all = text.split(separator: "\n").map(String.init)
                    lineNumber = all.lastIndex { $0.contains(#""batch":"#) }! + 1
                    all[lineNumber - 1] = all[lineNumber - 1].replacing(#/"batch":\{[^}]*\}/#, with: #""batch":"# + batch)
                    return all.joined(separator: "\n") + "\n"
                }
                for command in [["verify"], ["log"], ["log", "--json"], ["report", "impact"], ["report", "attendees"], ["checkpoint"]] {
                    let result = try Ledgerctl.run(["--dir", dir] + command)
                    #expect(result.exited, "\(batch), last line \(onLastLine), \(command): crashed")
                    if !onLastLine || command == ["verify"] {
                        #expect(result.status == 1, "\(batch), last line \(onLastLine), \(command): exit \(result.status)")
                        #expect(result.stderr.contains("\(segment) line \(lineNumber)"), "\(batch), \(command): \(result.stderr)")
                    }
                }
            }
        }
    }

    /// The last line's `batch` is what tells a writer that an import died part way, and what
    /// it moves to `quarantine/`. An edit that gives the last line a batch it never had must not
    /// make the next writer move the ledger before it away (with the personal data): the writer
    /// refuses and changes nothing, and readers name the line instead of showing an empty ledger.
    @Test func aLastLineThatClaimsABatchItIsNotInMovesNothing() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "import", "-", stdin: (1...3).map { #"{"type":"participant.registered","data":{"participant":"b\#($0)","group":"academia","name":"B"}}"# }
                .joined(separator: "\n") + "\n")
            try given(dir, "append", "participant.registered", "participant=last", "group=academia", "name=L")
            let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
            let segment = try #require(segments.last)
            var lastLine = 0, lastSeq = 0
            try Self.edit(dir + "/" + segment) { text in
                var all = text.split(separator: "\n").map(String.init)
                lastLine = all.count
                lastSeq = Int(all[all.count - 1].split(separator: ",")[0].dropFirst(7))!
                // Claims: an import that started at seq 1 (or at the earlier import's first line) and did not finish.
                all[all.count - 1] = all[all.count - 1].replacingOccurrences(of: #","data":"#, with: #","batch":{"first":1,"count":\#(lastSeq + 5)},"data":"#)
                return all.joined(separator: "\n") + "\n"
            }
            let before = snapshot(dir).filter { !$0.key.hasPrefix("index/") }
            for write in [["append", "participant.registered", "participant=next", "group=academia", "name=N"], ["import", "-"], ["repair"]] {
                let result = try Ledgerctl.run(["--dir", dir] + write, stdin: #"{"type":"participant.registered","data":{"participant":"x","group":"academia","name":"X"}}"# + "\n")
                #expect(result.exited, "\(write): crashed")
                if write != ["repair"] {
                    #expect(result.status == 1 && result.stderr.contains("claims an unfinished import batch from seq 1"), "\(write): \(result.stderr)")
                }
                #expect(snapshot(dir).filter { !$0.key.hasPrefix("index/") && $0.key != "lock" } == before.filter { $0.key != "lock" }, "\(write) changed the ledger")
                #expect(!FileManager.default.fileExists(atPath: dir + "/quarantine"))
            }
            for read in [["verify"], ["log"], ["report", "impact"], ["report", "attendees"], ["report", "proposals"]] {
                let result = try Ledgerctl.run(["--dir", dir] + read)
                #expect(result.status == 1 && result.stderr.contains("\(segment) line \(lastLine)"), "\(read): \(result.stderr)")
            }
        }
    }

    /// Rewrites the lines of `seqs` in the ledger at `dir` with `change`, then links every later
    /// line to the one before again, as someone with the files and a SHA-256 tool could: the
    /// ledger still verifies, and only its values are unusual.
    static func rewriteAndRelink(_ dir: String, seqs: Set<Int>, _ change: (String) -> String) throws {
        let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
        var previous: SHA256.Digest?
        for segment in segments {
            let path = dir + "/" + segment
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            for k in lines.indices {
                let seq = Int(lines[k].dropFirst(7).prefix { $0.isNumber })!
                if seqs.contains(seq) { lines[k] = change(lines[k]) }
                if let previous { lines[k] = lines[k].replacing(#/"prev":"[0-9a-f]{64}"/#, with: #""prev":"# + "\"" + previous.hex + "\"") }
                previous = SHA256.hash(Array(lines[k].utf8))
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        }
    }

    /// Numbers in events are doubles (the catalog bounds what `append` takes, not what a file
    /// holds): amounts, targets, weights and scores at the edges of `Double` and `Int64`, and an
    /// entry id used twice, are written in every report and format, never a trap.
    @Test(arguments: [
        ("budget", [1], #""budget_eur":430000"#, #""budget_eur":1e300"#),
        ("target", [7], #""baseline":0"#, #""baseline":1e20"#),
        ("target", [7], #""target":300"#, #""target":-9223372036854775808"#),
        ("weights", [445], #""idea":0.6"#, #""idea":1e300"#),
        ("weights", [445], #""creativity":0.4"#, #""creativity":-1e17"#),
        ("score", [1166, 1167], #""score":[0-9.]+"#, #""score":-1e300"#),
        ("entry", [637], #""entry":"e02""#, #""entry":"e01""#),
        ("period", [7], #""period_start":"2017-04-01""#, #""period_start":"2018-04-01""#), // after its period_end
    ])
    func editedValuesAtTheEdgesAreWrittenNotTrapped(what: String, seqs: [Int], pattern: String, value: String) throws {
        try withTemporaryDirectory { top in
            let dir = top + "/events" // the shipped demo: a published project, contests, scores
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            let regex = try Regex(pattern)
            try Self.rewriteAndRelink(dir, seqs: Set(seqs)) { $0.replacing(regex, with: value) }
            #expect(try Ledgerctl.run(["--dir", dir, "verify"]).status == 0)
            var commands: [[String]] = ["table", "json", "csv", "md", "html", "iati"].map { ["report", "impact", "--format", $0] }
            commands += [["report", "impact", "--period", "year"], ["report", "impact", "--period", "month", "--format", "html"]]
            commands += ["table", "json", "html"].map { ["report", "standings", "--contest", "photo-2", "--format", $0] }
            commands += [["report", "standings", "--contest", "quiz-2"], ["report", "attendees", "--engagement", "forum-2"], ["report", "proposals"]]
            for command in commands {
                let result = try Ledgerctl.run(["--dir", dir] + command)
                #expect(result.exited && result.status == 0, "\(what) \(value), \(command): exit \(result.status) \(result.stderr.prefix(300))")
                if command.contains("iati") { // IATI's values are xsd:decimal: all digits, never an exponent
                    #expect(!result.stdout.contains("e+") && !result.stdout.contains("e-"), "\(what) \(value): \(command)")
                }
            }
        }
    }

    /// The last line decides where a writer's next line goes and which personal records it
    /// keeps: a last line whose seq was edited (it no longer follows the line before) stops every
    /// writer before it trims anything, and `repair --apply` then moves that line alone.
    @Test func aLastLineThatDoesNotFollowTheOneBeforeStopsWritersBeforeTheyTrim() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=z1", "group=citizen", "name=Zed")
            try given(dir, "append", "participant.updated", "participant=z1", "name=Zed Two")
            try given(dir, "append", "participant.updated", "participant=z1", "district=medeu")
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted().last)
            var lastSeq = 0
            try Self.edit(dir + "/" + segment) { text in
                var all = text.split(separator: "\n").map(String.init)
                lastSeq = Int(all[all.count - 1].dropFirst(7).prefix { $0.isNumber })!
                all[all.count - 1] = all[all.count - 1].replacingOccurrences(of: #"{"seq":\#(lastSeq),"#, with: #"{"seq":3,"#)
                return all.joined(separator: "\n") + "\n"
            }
            let before = snapshot(dir).filter { $0.key.hasPrefix("segment-") || $0.key == "personal.jsonl" }
            for write in [["append", "participant.updated", "participant=z1", "district=almaly"], ["import", "-"], ["forget", "z1"]] {
                let result = try Ledgerctl.run(["--dir", dir] + write, stdin: #"{"type":"participant.updated","data":{"participant":"z1","district":"almaly"}}"# + "\n")
                #expect(result.status == 1 && result.stderr.contains("does not follow the line before it"), "\(write): \(result.stderr)")
                #expect(snapshot(dir).filter { $0.key.hasPrefix("segment-") || $0.key == "personal.jsonl" } == before, "\(write) changed the ledger")
            }
            #expect(try Ledgerctl.run(["--dir", dir, "repair", "--apply"]).status == 0)
            let next = try Ledgerctl.run(["--dir", dir, "append", "participant.updated", "participant=z1", "district=almaly"])
            #expect(next.status == 0 && next.stdout.hasPrefix(#"{"seq":\#(lastSeq),"#), "\(next.stdout)\(next.stderr)")
            #expect(String(decoding: try #require(FileManager.default.contents(atPath: dir + "/personal.jsonl")), as: UTF8.self).contains("Zed Two"))
        }
    }

    /// Writers check where one segment meets the next before they trust the index: a segment
    /// removed, emptied or renamed (the index still up to date with the ledger as it was) stops
    /// `append`, `import` and `forget` with the file named and nothing changed, where before
    /// they appended after it.
    @Test(arguments: ["first removed", "first emptied", "middle removed", "middle renamed", "last renamed",
                      "last renamed to .bak", "middle removed, torn tail"])
    func aSegmentRemovedOrRenamedStopsWriters(change: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir, segmentSize: "2K")
            let people = (1...20).map { #"{"type":"participant.registered","data":{"participant":"s\#($0)","group":"citizen","name":"Person \#($0)"}}"# }
            try given(dir, "import", "-", stdin: people.joined(separator: "\n") + "\n")
            try given(dir, "append", "participant.updated", "participant=s1", "district=medeu") // the index is up to date
            let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
            try #require(segments.count >= 4)
            let files = FileManager.default
            switch change {
            case "first removed": try files.removeItem(atPath: dir + "/" + segments[0])
            case "first emptied": #expect(truncate(dir + "/" + segments[0], 0) == 0)
            case "middle removed": try files.removeItem(atPath: dir + "/" + segments[1])
            case "middle renamed", "last renamed":
                let old = change == "last renamed" ? segments[segments.count - 1] : segments[1]
                let seq = Int(old.dropFirst("segment-".count).prefix { $0.isNumber })!
                let new = "segment-" + String(repeating: "0", count: 12 - String(seq + 1).count) + String(seq + 1) + ".jsonl"
                try files.moveItem(atPath: dir + "/" + old, toPath: dir + "/" + new)
            case "last renamed to .bak": // a stray file: readers name it too
                try files.moveItem(atPath: dir + "/" + segments[segments.count - 1], toPath: dir + "/" + segments[segments.count - 1] + ".bak")
                for read in [["report", "impact"], ["log"], ["repair"]] {
                    let result = try Ledgerctl.run(["--dir", dir] + read)
                    #expect(result.status == 1 && result.stderr.contains(".bak: a file named like a segment"), "\(read): \(result.status) \(result.stderr)")
                }
            case "middle removed, torn tail": // crash recovery moves nothing either: the joins are checked first
                try files.removeItem(atPath: dir + "/" + segments[1])
                let handle = try #require(FileHandle(forWritingAtPath: dir + "/" + segments[segments.count - 1]))
                handle.seekToEndOfFile()
                handle.write(Data(#"{"seq":99"#.utf8))
                try handle.close()
            default: Issue.record("no such change")
            }
            let before = ledgerFiles(dir)
            for write in [["append", "participant.updated", "participant=s2", "district=almaly"], ["import", "-"], ["forget", "s3"]] {
                let result = try Ledgerctl.run(["--dir", dir] + write, stdin: #"{"type":"participant.updated","data":{"participant":"s2","district":"almaly"}}"# + "\n")
                #expect(result.status == 1 && result.stderr.contains("segment-") && (result.stderr.contains("nothing was written") || result.stderr.contains("a file named like a segment")), "\(change), \(write): \(result.status) \(result.stderr)")
                #expect(ledgerFiles(dir) == before, "\(change): \(write) changed the ledger")
                #expect(!files.fileExists(atPath: dir + "/quarantine"), "\(change): \(write) moved lines to quarantine/")
            }
            #expect(try ledger(dir, "verify").status == 1, "\(change): verify passed")
        }
    }

    /// Crash recovery may pass over one kind of broken join only: a repair of an unfinished
    /// import that died half way, with the ledger's last line still claiming that import. A
    /// removed segment that began at an import's first line, with a torn tail at the end, stops
    /// the writer before recovery moves the tail.
    @Test func aRemovedSegmentThatBeganAnImportIsNotTakenForARepairLeftHalfDone() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init", "--segment-size", "2K")
            try given(dir, "append", "participant.registered", "participant=a1", "group=citizen", "name=N1")
            try given(dir, "append", "project.defined", "project=p", "title=T", "starts_on=2020-01-01", "ends_on=2021-01-01",
                      "description=" + String(repeating: "d", count: 3000)) // fills segment 2: the import starts segment 3
            let people = (1...30).map { #"{"type":"participant.registered","data":{"participant":"s\#($0)","group":"citizen","name":"P \#($0)"}}"# }
            try given(dir, "import", "-", stdin: people.joined(separator: "\n") + "\n")
            try given(dir, "append", "participant.registered", "participant=a7", "group=citizen", "name=N7")
            let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
            try #require(segments.contains("segment-000000000003.jsonl") && segments.count >= 4, "\(segments)")
            let handle = try #require(FileHandle(forWritingAtPath: dir + "/" + segments[segments.count - 1]))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"seq":99,"id":"torn"#.utf8))
            try handle.close()
            try FileManager.default.removeItem(atPath: dir + "/segment-000000000003.jsonl")
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=zz", "group=citizen", "name=Z")
            #expect(result.status == 1 && result.stderr.contains("does not follow the last line of segment-000000000002.jsonl"), "\(result.stderr)")
            #expect(ledgerFiles(dir) == before && !FileManager.default.fileExists(atPath: dir + "/quarantine"))
        }
    }

    /// A saved state stands for the events before it only while the ledger still starts at its
    /// first segment: with that segment removed or emptied, reports name the damage as a replay
    /// from the first event does, rather than the figures of events no longer there.
    @Test(arguments: [true, false])
    func aReportFromASavedStateNamesAFirstSegmentRemovedOrEmptied(removed: Bool) throws {
        try withTemporaryDirectory { top in
            let dir = top + "/events" // the shipped demo: two segments, and enough events that reports save their state
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
            try #require(segments.count >= 2)
            let reports = [["report", "impact"], ["report", "proposals"], ["report", "attendees", "--engagement", "forum-1"]]
            for report in reports { #expect(try Ledgerctl.run(["--dir", dir] + report).status == 0) } // each saves its state
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/index").filter { $0.hasSuffix(".state") }.count >= 3)
            if removed {
                try FileManager.default.removeItem(atPath: dir + "/" + segments[0])
            } else {
                try Data().write(to: URL(fileURLWithPath: dir + "/" + segments[0]))
            }
            for report in reports {
                let result = try Ledgerctl.run(["--dir", dir] + report)
                #expect(result.exited && result.status == 1 && result.stderr.hasPrefix("error: "), "\(report): \(result.status) \(result.stderr)")
            }
        }
    }

    /// Replay folds a chunk's lines while another core hashes them and checks the links after:
    /// with an edited line early in a chunk and garbage later in it, reports still name the
    /// first damage (the broken link after the edit), as `verify` does.
    @Test func reportsNameTheFirstDamageWhenAChunkHasTwo() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            for k in 1...12 { try given(dir, "append", "participant.registered", "participant=p\(k)", "group=academia", "name=N \(k)") }
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("segment-") })
            try Self.edit(dir + "/" + segment) { text in
                var all = text.split(separator: "\n").map(String.init)
                all[2] = all[2].replacingOccurrences(of: "\"academia\"", with: "\"business\"") // still a valid line
                all[8] = "garbage"
                return all.joined(separator: "\n") + "\n"
            }
            for command in [["verify"], ["report", "impact"], ["report", "attendees"], ["log"]] {
                let result = try Ledgerctl.run(["--dir", dir] + command)
                #expect(result.status == 1, "\(command)")
                #expect(result.stderr.contains("\(segment) line 4"), "\(command): \(result.stderr)")
            }
        }
    }

    /// A repeated member name nested inside `data` (writers never write one) is damage for every
    /// reader, also on the last line, where no later link would show the edit.
    @Test func aNestedRepeatedMemberNameIsDamageEvenOnTheLastLine() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "contest.announced", "contest=photo-2", "engagement=forum-2", "kind=photo", "title=Photo", "prize=Tablet",
                      #"criteria:={"idea":0.6,"creativity":0.4}"#)
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasPrefix("segment-") })
            try Self.edit(dir + "/" + segment) { $0.replacingOccurrences(of: #""creativity":0.4"#, with: #""idea":0.4"#) }
            for command in [["verify"], ["report", "standings"], ["log"]] {
                let result = try Ledgerctl.run(["--dir", dir] + command)
                #expect(result.status == 1, "\(command): \(result.stdout)")
                #expect(result.stderr.contains("\(segment) line 3") && result.stderr.contains("duplicate member name"), "\(command): \(result.stderr)")
            }
        }
    }

    @Test func readersAndWritersAndForgetAtTheSameTime() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir, segmentSize: "8K")
            for k in 1...20 { try given(dir, "append", "participant.registered", "participant=f\(k)", "group=media", "name=Forget Me \(k)") }
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 7) { worker in
                for k in 1...40 {
                    let arguments: [String]
                    switch worker {
                    case 0, 1, 2:
                        arguments = ["append", "participant.registered", "participant=w\(worker)-\(k)", "group=citizen", "name=Writer \(k)", "--id", "w\(worker)-\(k)"]
                    case 3:
                        arguments = k % 2 == 0 ? ["log", "--json"] : ["verify"]
                    case 4:
                        arguments = ["report", "attendees", "--format", "json"]
                    case 5:
                        arguments = k <= 20 ? ["forget", "f\(k)"] : ["report", "impact", "--format", "csv"]
                    default:
                        arguments = ["import", "-"]
                    }
                    let stdin = worker == 6 ? (1...5).map { #"{"type":"participant.registered","id":"i\#(k)-\#($0)","data":{"participant":"i\#(k)-\#($0)","group":"expert","name":"Import"}}"# }.joined(separator: "\n") : nil
                    let result = try? Ledgerctl.run(["--dir", dir, "--wait", "60"] + arguments, stdin: stdin)
                    if result?.status != 0 || result?.stderr.isEmpty == false {
                        failures.add("\(arguments.prefix(2)): \(result?.status ?? -1) \(result?.stderr ?? "")")
                    }
                    if worker == 3, k % 2 == 0, let output = result?.stdout {
                        for line in output.split(separator: "\n") where !line.hasSuffix("\"}") {
                            failures.add("log --json printed half a line: \(line.suffix(40))")
                        }
                    }
                }
            }
            #expect(failures.all.isEmpty, "\(failures.all.prefix(5))")
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.contains("ok: \(2 + 20 + 120 + 200 + 20) events"), "\(verify.stdout)")
            let personal = try String(contentsOfFile: dir + "/personal.jsonl", encoding: .utf8)
            #expect(!personal.contains("Forget Me"))
        }
    }
}
