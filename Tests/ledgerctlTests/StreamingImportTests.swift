import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `import` streams its input and its writes: memory does not grow with the input, and the
/// import stays all or nothing, whatever stops it.
@Suite struct StreamingImportTests {
    /// `count` import lines: people registered, each followed by an RSVP that refers to them
    /// (a reference within the batch), with ids so that the file can be imported again.
    static func lines(_ count: Int, prefix: String = "s") -> String {
        var text = ""
        text.reserveCapacity(count * 200)
        for k in 0..<count {
            let person = "\(prefix)\(k / 2)"
            if k % 2 == 0 {
                text += #"{"id":"\#(prefix)-r\#(k)","type":"participant.registered","data":{"participant":"\#(person)","group":"citizen","name":"Әлия Сәрсенова \#(k)","email":"p\#(k)@example.kz"}}"# + "\n"
            } else {
                text += #"{"id":"\#(prefix)-v\#(k)","type":"rsvp.submitted","data":{"engagement":"forum-2","participant":"\#(person)"}}"# + "\n"
            }
        }
        return text
    }

    /// Writes `text` to a file next to `dir`; returns its path.
    func inputFile(_ dir: String, _ text: String) throws -> String {
        let file = dir + "-input-" + UUID().uuidString + ".jsonl"
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    /// Runs `ledgerctl ARGUMENTS` with `file` piped into its standard input (not a regular file).
    func piped(_ file: String, _ arguments: [String], memoryLimit: Int? = nil) throws -> RunResult {
        var script = #"cat "$1" | "#
        if let memoryLimit { script += "prlimit --data=\(memoryLimit) -- " }
        script += #""$0" "${@:2}""#
        return try Ledgerctl.run([file] + arguments, launcher: ["/bin/bash", "-c", script])
    }

    @Test func aLargeImportFromAFileOrAPipeStaysWithinAMemoryLimit() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let count = 40_000
            let file = try inputFile(dir, Self.lines(count))
            defer { try? FileManager.default.removeItem(atPath: file) }
            // 64 MB of heap for 40,000 events: an import that held them all (some 3 KB each) is refused.
            let limit = 64 << 20
            let fromFile = try Ledgerctl.run(["--dir", dir, "import", file], launcher: ["/usr/bin/prlimit", "--data=\(limit)", "--"])
            #expect(fromFile.status == 0, "\(fromFile.stderr.prefix(400))")
            #expect(fromFile.stdout == "imported \(count) events (seq 3-\(count + 2))\n")
            // The same events again, through a pipe: all already present, checked one by one.
            let again = try piped(file, ["--dir", dir, "import", "-"], memoryLimit: limit)
            #expect(again.status == 0, "\(again.stderr.prefix(400))")
            #expect(again.stdout == "imported 0 events; \(count) already present\n")
            let verify = try ledger(dir, "verify")
            #expect(verify.stdout.hasPrefix("ok: \(count + 2) events"), "\(verify.stdout)\(verify.stderr)")
        }
    }

    @Test func runningOutOfMemoryIsAnErrorAndLeavesNoPartOfTheImport() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let file = try inputFile(dir, Self.lines(40_000))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let before = ledgerFiles(dir)
            // Too little for the program to run its import: the runtime's abort becomes error: and 74.
            let starved = try Ledgerctl.run(["--dir", dir, "import", file], launcher: ["/usr/bin/prlimit", "--data=\(12 << 20)", "--"])
            #expect(starved.exited && starved.status == 74, "\(starved.status) \(starved.stderr.prefix(600))")
            #expect(starved.stderr.contains("error: out of memory"), "\(starved.stderr.prefix(600))")
            #expect(!starved.stderr.contains("Backtrac") && !starved.stderr.contains("crashed"), "\(starved.stderr.prefix(600))")
            // Nothing of it is in the ledger, once the next writer has cleaned up after it.
            try given(dir, "append", "participant.registered", "participant=after", "group=citizen", "name=After")
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 3 events"), "\(verify.stdout)\(verify.stderr)")
            #expect(ledgerFiles(dir)["segment-000000000001.jsonl"]?.starts(with: before["segment-000000000001.jsonl"] ?? Data()) == true)
            let retry = try ledger(dir, "import", file)
            #expect(retry.status == 0 && retry.stdout == "imported 40000 events (seq 4-40003)\n", "\(retry.stderr)")
        }
    }

    @Test func aRefusedLineAfterTheIndexGrewLeavesTheLedgerAndItsKeysAsTheyWere() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=One")
            // Enough events to grow the index (keys and ids of 6,000 events) before the bad last line.
            let good = Self.lines(6_000)
            let file = try inputFile(dir, good + #"{"type":"rsvp.submitted","data":{"engagement":"forum-2","participant":"nobody"}}"# + "\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let before = ledgerFiles(dir)
            let refused = try ledger(dir, "import", file)
            #expect(refused.status == 65)
            #expect(refused.stderr == "error: \(file) line 6001: rsvp.submitted: field 'participant' names participant 'nobody', which the ledger has not seen; nothing was imported\n")
            #expect(ledgerFiles(dir) == before)
            // The index was not thrown away: it still covers the ledger (seq 3), its state word 0.
            let keys = try #require(FileManager.default.contents(atPath: dir + "/index/keys"))
            #expect(keys.count > 88 && keys[24] == 3 && keys[25..<32].allSatisfy { $0 == 0 } && keys[72..<80].allSatisfy { $0 == 0 })
            // None of the refused batch's people or ids is known to the next writers.
            let person = try ledger(dir, "append", "participant.registered", "--id", "s-r0", "participant=s0", "group=citizen", "name=Someone else")
            #expect(person.status == 0, "\(person.stderr)")
            #expect(person.stderr.isEmpty, "\(person.stderr)")
            // The people of the demo still are: a second registration is refused.
            let twice = try ledger(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Again")
            #expect(twice.status == 65, "\(twice.stderr)")
            // The corrected batch: s0 is now registered with other content under s-r0, so that line conflicts.
            let goodFile = try inputFile(dir, good)
            defer { try? FileManager.default.removeItem(atPath: goodFile) }
            let conflict = try ledger(dir, "import", goodFile)
            #expect(conflict.status == 65 && conflict.stderr.contains("line 1: id 's-r0' is already in the ledger with other content"), "\(conflict.stderr)")
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 4 events"), "\(verify.stdout)")
        }
    }

    @Test func anImportKilledWhileCheckingLeavesNoKeyBehind() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=One")
            let before = ledgerFiles(dir)
            // A pipe that stays open: the import checks what it was given, then waits for more.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Ledgerctl.path)
            process.arguments = ["--dir", dir, "import", "-"]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data(Self.lines(3_000).utf8))
            // Wait until its keys are in the index, marked provisional in the header.
            var marked = false
            for _ in 0..<600 where !marked {
                if let keys = FileManager.default.contents(atPath: dir + "/index/keys"), keys.count >= 80, keys[72] == 1 { marked = true } else { usleep(50_000) }
            }
            #expect(marked, "the import never marked the index provisional")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
            #expect(ledgerFiles(dir) == before)
            // The next writer sees the mark, rebuilds the index, and knows nobody of the killed import.
            let person = try ledger(dir, "append", "participant.registered", "--id", "s-r0", "participant=s0", "group=citizen", "name=Someone")
            #expect(person.status == 0, "\(person.stderr)")
            #expect(person.stderr.contains("was left by an import that did not finish; rebuilding the index from the events"), "\(person.stderr)")
            let twice = try ledger(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=Again")
            #expect(twice.status == 65, "\(twice.stderr)")
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.hasPrefix("ok: 4 events"), "\(verify.stdout)")
        }
    }

    @Test func aPipedImportIsReadAgainWhenTheIndexIsRebuiltMidway() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let file = try inputFile(dir, Self.lines(4_000))
            defer { try? FileManager.default.removeItem(atPath: file) }
            // Zero every slot of the index, its header intact: the first lookup that meets one finds the damage.
            var keys = try #require(FileManager.default.contents(atPath: dir + "/index/keys"))
            keys.replaceSubrange(88..<keys.count, with: Data(count: keys.count - 88))
            try keys.write(to: URL(fileURLWithPath: dir + "/index/keys"))
            let result = try piped(file, ["--dir", dir, "import", "-"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "imported 4000 events (seq 3-4002)\n")
            #expect(result.stderr.contains("rebuilding the index from the events"), "\(result.stderr)")
            let again = try piped(file, ["--dir", dir, "import", "-"])
            #expect(again.stdout == "imported 0 events; 4000 already present\n", "\(again.stderr)")
        }
    }

    @Test func aRetriedImportWithOtherPersonalDataIsAConflict() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let text = Self.lines(3_000)
            let file = try inputFile(dir, text)
            defer { try? FileManager.default.removeItem(atPath: file) }
            try given(dir, "import", file)
            let before = ledgerFiles(dir)
            // One person's e-mail changed, far into the personal-data store.
            let changed = try inputFile(dir, text.replacingOccurrences(of: "p2222@example.kz", with: "other@example.kz"))
            defer { try? FileManager.default.removeItem(atPath: changed) }
            let result = try ledger(dir, "import", changed)
            #expect(result.status == 65)
            #expect(result.stderr.contains("line 2223: id 's-r2222' is already in the ledger with other content (seq 2225 has other personal data)"), "\(result.stderr)")
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func aRepeatWithinOneImportIsJudgedAsARepeatAcrossImports() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let full = #"{"id":"r-1","type":"participant.registered","occurred_at":"2017-11-01T10:00:00+06:00","actor":"desk","data":{"participant":"q1","group":"citizen","name":"Q One"}}"#
            let bare = #"{"id":"r-1","type":"participant.registered","data":{"participant":"q1","group":"citizen","name":"Q One"}}"#
            // What the repeat leaves out is not compared, within one import as across two.
            let within = try ledger(dir, "import", "-", stdin: full + "\n" + bare + "\n")
            #expect(within.status == 0 && within.stdout == "imported 1 event (seq 3-3); 1 already present\n", "\(within.stdout)\(within.stderr)")
            let across = try ledger(dir, "import", "-", stdin: bare + "\n")
            #expect(across.status == 0 && across.stdout == "imported 0 events; 1 already present\n", "\(across.stdout)\(across.stderr)")
            // What it gives must match.
            let other = full.replacingOccurrences(of: "desk", with: "door")
            let before = ledgerFiles(dir)
            let conflict = try ledger(dir, "import", "-", stdin: full.replacingOccurrences(of: "r-1", with: "r-2").replacingOccurrences(of: "q1", with: "q2") + "\n"
                                          + other.replacingOccurrences(of: "r-1", with: "r-2").replacingOccurrences(of: "q1", with: "q2") + "\n")
            #expect(conflict.status == 65 && conflict.stderr.contains("line 2: id 'r-2'"), "\(conflict.stderr)")
            #expect(ledgerFiles(dir) == before)
        }
    }

    /// A pipe is read in line (a file is read ahead on another thread): a refused line ends the
    /// import at once, without waiting for the writer of the pipe to send more or to close it.
    @Test func aBadLineOnAnOpenPipeIsRefusedWithoutWaitingForTheRestOfThePipe() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Ledgerctl.path)
            process.arguments = ["--dir", dir, "import", "-"]
            let input = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data((Self.lines(2, prefix: "pipe") + "not json\n").utf8)) // and the pipe stays open
            var waited = 0
            while process.isRunning && waited < 400 { usleep(50_000); waited += 1 } // up to 20 s: liveness, not speed
            let endedOnItsOwn = !process.isRunning
            if process.isRunning { process.terminate() }
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(endedOnItsOwn, "the import waited for more of the pipe")
            #expect(process.terminationStatus != 0 && stderr.contains("line 3"), "\(process.terminationStatus): \(stderr)")
            #expect(ledgerFiles(dir) == before)
        }
    }
}
