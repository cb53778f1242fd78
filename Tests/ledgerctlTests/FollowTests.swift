import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ledgerctl log --follow`: a catch-up subscription through the binary.
@Suite struct FollowTests {
    /// The seqs of the JSON lines in `text`.
    static func seqs(_ text: String) throws -> [Int] {
        try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["seq"] as? Int)
        }
    }

    /// Waits (without judging how long it took) until the follower has printed seq `head`;
    /// gives up after a minute so that a broken follower fails the test instead of hanging it.
    static func waitUntil(_ follower: Ledgerctl.Running, printed head: Int) throws {
        for _ in 0..<1200 {
            let text = (try? String(contentsOfFile: follower.scratch + ".out", encoding: .utf8)) ?? ""
            if text.contains("{\"seq\":\(head),") { return }
            usleep(50_000)
        }
    }

    @Test func followersSeeEveryEventOnceInOrderWhileWritersAppendAndImport() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let fromStart = try Ledgerctl.start(["--dir", dir, "log", "--follow", "--json"])
            let resumed = try Ledgerctl.start(["--dir", dir, "log", "--follow", "--json", "--since", "1"])
            let onlyRSVPs = try Ledgerctl.start(["--dir", dir, "log", "--follow", "--json", "--type", "rsvp.submitted"])
            // Four writers at once: two append, one imports JSON Lines, one imports CSV.
            let failures = NSLock()
            nonisolated(unsafe) var failed: [String] = []
            DispatchQueue.concurrentPerform(iterations: 4) { writer in
                for round in 0..<6 {
                    let result: RunResult?
                    switch writer {
                    case 0, 1:
                        result = try? ledger(dir, "--wait", "60", "append", "participant.registered", "participant=w\(writer)-\(round)", "group=citizen", "name=W")
                    case 2:
                        let lines = (0..<10).map { #"{"type":"participant.registered","data":{"participant":"j\#(round)-\#($0)","group":"media","name":"J"}}"# }
                        result = try? ledger(dir, "--wait", "60", "import", stdin: lines.joined(separator: "\n"))
                    default:
                        let rows = (0..<10).map { "c\(round)-\($0),business,C" }
                        result = try? ledger(dir, "--wait", "60", "import", "--csv", "-", "--type", "participant.registered",
                                             stdin: "participant,group,name\n" + rows.joined(separator: "\n") + "\n")
                    }
                    if result?.status != 0 {
                        failures.lock()
                        failed.append("writer \(writer) round \(round): \(result?.stderr ?? "did not run")")
                        failures.unlock()
                    }
                }
            }
            #expect(failed.isEmpty, "\(failed)")
            try given(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=w0-0", "--id", "last")
            let head = 2 + 12 + 60 + 60 + 1
            for follower in [fromStart, resumed, onlyRSVPs] { try Self.waitUntil(follower, printed: head) }
            for follower in [fromStart, resumed, onlyRSVPs] { kill(follower.process.processIdentifier, SIGTERM) }
            let all = fromStart.finish(), after1 = resumed.finish(), rsvps = onlyRSVPs.finish()
            for result in [all, after1, rsvps] {
                #expect(result.exited && result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
            }
            #expect(try Self.seqs(all.stdout) == Array(1...head))
            #expect(try Self.seqs(after1.stdout) == Array(2...head))
            #expect(try Self.seqs(rsvps.stdout) == [head])
            // What the followers printed is the ledger's own lines, byte for byte.
            #expect(all.stdout == (try ledger(dir, "log", "--json").stdout))
        }
    }

    @Test func endsCleanlyOnSIGINTAndOnAClosedPipe() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let follower = try Ledgerctl.start(["--dir", dir, "log", "--follow"])
            try Self.waitUntilTable(follower)
            kill(follower.process.processIdentifier, SIGINT)
            let result = follower.finish()
            #expect(result.exited && result.status == 0)
            #expect(result.stdout.hasPrefix("SEQ  OCCURRED AT") && result.stdout.contains("engagement.scheduled"))
            // The reader of the pipe goes away after one line: the follower ends by itself.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "timeout 60 \"$0\" --dir \"$1\" log --follow --json | head -n 1 > /dev/null; echo \"rc=${PIPESTATUS[0]}\"",
                                 Ledgerctl.path, dir]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(output == "rc=0\n")
        }
    }

    static func waitUntilTable(_ follower: Ledgerctl.Running) throws {
        for _ in 0..<1200 {
            if ((try? String(contentsOfFile: follower.scratch + ".out", encoding: .utf8)) ?? "").contains("engagement.scheduled") { return }
            usleep(50_000)
        }
    }

    @Test func stopsAtDamageNamingIt() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=A")
            let path = dir + "/segment-000000000001.jsonl"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "Green corridor", with: "Grey corridor").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try ledger(dir, "log", "--follow", "--json")
            #expect(result.status == 1)
            #expect(result.stderr.contains("segment-000000000001.jsonl line 3") && result.stderr.contains("prev does not match"))
            // A read that finds damage prints none of what it read: line 2 was altered, which only line 3's prev shows.
            #expect(result.stdout.isEmpty)
        }
    }

    /// On a ledger large enough that output is written while the read goes on, JSON lines are
    /// written only once the chain vouches for them (the next line carries their SHA-256): an
    /// edited line, and everything after it, never reaches the output, with or without --follow.
    @Test(arguments: [["log", "--json"], ["log", "--follow", "--json"]])
    func anEditedLineNeverReachesTheOutputOfALongRead(command: [String]) throws {
        try withTemporaryDirectory { top in
            let dir = top + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            let path = dir + "/segment-000000000001.jsonl"
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            try #require(lines.count > 600)
            var edited = lines
            edited[599] = edited[599].replacingOccurrences(of: #""occurred_at":"2017"#, with: #""occurred_at":"2019"#) // seq 600
            try #require(edited[599] != lines[599])
            try (edited.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try Ledgerctl.run(["--dir", dir] + command)
            #expect(result.status == 1 && result.stderr.contains("line 601") && result.stderr.contains("prev does not match"), "\(result.stderr)")
            let shown = result.stdout.split(separator: "\n").map(String.init)
            #expect(!shown.isEmpty, "nothing was written while the read went on: the case does not test holding back")
            #expect(shown.count <= 599 && shown == Array(lines.prefix(shown.count)), "\(shown.count) lines, not a prefix of the good ones")
        }
    }

    /// `--limit N` reads one line past the last one it shows, whose `prev` vouches for it: an
    /// edited N-th line is damage, not output (before, it was printed with exit 0).
    @Test(arguments: [["log", "--json", "--limit", "5"], ["log", "--limit", "5"], ["log", "--json", "--since", "4", "--limit", "1"]])
    func anEditedLastLineOfALimitedReadIsNotShown(command: [String]) throws {
        try withTemporaryDirectory { top in
            let dir = top + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            try HardeningTests.edit(dir + "/segment-000000000001.jsonl") { text in
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let edited = lines[4].replacingOccurrences(of: "JSC Almaty Development Cent", with: "EVIL Almaty Development Cen") // seq 5
                #expect(edited != lines[4])
                lines[4] = edited
                return lines.joined(separator: "\n")
            }
            let result = try Ledgerctl.run(["--dir", dir] + command)
            #expect(result.status == 1 && result.stderr.contains("line 6") && !result.stdout.contains("EVIL"), "\(command): \(result.status) \(result.stdout.suffix(200)) \(result.stderr)")
            let intact = try Ledgerctl.run(["--dir", ReadmeTests.repository + "/events", "log", "--json", "--limit", "5"])
            #expect(intact.status == 0 && intact.stdout.split(separator: "\n").count == 5)
        }
    }

    /// The line after a read's end (the first line of an import that never finished) vouches
    /// for the last line read: an edit of the line just before such an import is damage to
    /// readers, and writers do not move the import away (which would leave the edit unseen).
    @Test func anEditedLineJustBeforeAnUnfinishedImportIsDamageAndStaysInSight() throws {
        try withTemporaryDirectory { top in
            let dir = top + "/events"
            try FileManager.default.copyItem(atPath: ReadmeTests.repository + "/events", toPath: dir)
            try? FileManager.default.removeItem(atPath: dir + "/index")
            let path = dir + "/segment-000000000720.jsonl"
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            // The first line of the demo's last import: its batch begins at its own seq.
            let batchStart = try #require(lines.lastIndex { line in
                guard let seq = line.split(separator: ",").first?.split(separator: ":").last else { return false }
                return line.contains(#""batch":{"first":\#(seq),"#)
            })
            try #require(batchStart > 0 && lines.count > batchStart + 3)
            lines = Array(lines.prefix(batchStart + 3)) // the import cut short: it never finished
            lines[batchStart - 1] = lines[batchStart - 1].replacingOccurrences(of: #""prev":"#, with: #""prev" :"#)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            for read in [["log", "--json"], ["log"], ["report", "impact", "--fresh"], ["report", "proposals", "--fresh"]] {
                let result = try Ledgerctl.run(["--dir", dir] + read)
                #expect(result.status == 1 && result.stderr.contains("line \(batchStart + 1)"), "\(read): \(result.status) \(result.stderr)")
            }
            let before = ledgerFiles(dir)
            let append = try Ledgerctl.run(["--dir", dir, "append", "participant.updated", "participant=p0001", "group=citizen"])
            #expect(append.status == 1 && append.stderr.contains("does not follow the line before it"), "\(append.stderr)")
            #expect(ledgerFiles(dir) == before && !FileManager.default.fileExists(atPath: dir + "/quarantine"))
            #expect(try Ledgerctl.run(["--dir", dir, "verify"]).status == 1)
        }
    }

    @Test func refusesLimitWithFollow() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let result = try ledger(dir, "log", "--follow", "--limit", "3")
            #expect(result.status == 64 && result.stderr.contains("--follow goes on without end; it does not take --limit"))
        }
    }
}
