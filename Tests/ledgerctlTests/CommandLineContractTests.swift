import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct CommandLineContractTests {
    @Test func initIsANoOpOnAnExistingLedger() throws {
        try withTemporaryDirectory { dir in
            let first = try ledger(dir + "/l", "init")
            #expect(first.status == 0 && first.stdout.contains("initialised"))
            try given(dir + "/l", "append", "project.defined", "project=p", "title=T", "starts_on=2017-04-01", "ends_on=2020-03-31")
            let before = snapshot(dir)
            let again = try ledger(dir + "/l", "init")
            #expect(again.status == 0 && again.stdout.contains("already a ledger"))
            #expect(snapshot(dir) == before)
        }
    }

    @Test func appendPrintsTheStoredLineAndTakesFieldPairs() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=0042", "group=citizen", "name=Әлия Нұрланқызы",
                                    "organization=Жасыл Алматы", "district=medeu", "--id", "desk-0042", "--occurred-at", "2017-11-30T09:05:00+06:00",
                                    "--actor", "registration-desk")
            #expect(result.status == 0 && result.stderr.isEmpty)
            let stored = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(stored["seq"] as? Int == 3)
            #expect(stored["id"] as? String == "desk-0042")
            #expect(stored["occurred_at"] as? String == "2017-11-30T09:05:00+06:00")
            #expect(stored["actor"] as? String == "registration-desk")
            let data = try #require(stored["data"] as? [String: Any])
            #expect(data["participant"] as? String == "0042") // FIELD=VALUE stays a string
            #expect(data["name"] == nil) // personal data is kept out of the event
            let segment = try String(contentsOfFile: dir + "/segment-000000000001.jsonl", encoding: .utf8)
            #expect(segment.hasSuffix(result.stdout))
        }
    }

    @Test func appendReadsDataFromAFileAndFromStandardInput() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let file = dir + "/person.json"
            try #"{"participant":"p-1","group":"business","name":"John Smith"}"#.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try ledger(dir, "append", "participant.registered", "--data", "@" + file).status == 0)
            let piped = try ledger(dir, "append", "rsvp.submitted", "--data", "-", "response=tentative",
                                   stdin: #"{"engagement":"forum-2","participant":"p-1"}"#)
            #expect(piped.status == 0 && piped.stdout.contains(#""response":"tentative""#))
        }
    }

    @Test func anIdempotentRetryExitsZeroAndPrintsTheStoredEvent() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let arguments = ["append", "participant.registered", "participant=p-1", "group=media", "name=Dana", "--id", "retry-1"]
            let first = try Ledgerctl.run(["--dir", dir] + arguments)
            let before = snapshot(dir)
            let second = try Ledgerctl.run(["--dir", dir] + arguments)
            #expect(first.status == 0 && second.status == 0)
            #expect(second.stdout == first.stdout)
            #expect(snapshot(dir) == before)
            let conflict = try ledger(dir, "append", "participant.registered", "participant=p-1", "group=expert", "name=Dana", "--id", "retry-1")
            #expect(conflict.status == 65)
            #expect(conflict.stderr == "error: id 'retry-1' is already in the ledger with other content (seq 3 has other data); use a new id\n")
            #expect(snapshot(dir) == before)
        }
    }

    @Test(arguments: [
        (["append", "rsvp.submitted", "engagement=forum-2", "participant=nobody"], Int32(65),
         "error: rsvp.submitted: field 'participant' names participant 'nobody', which the ledger has not seen\n"),
        (["append", "rsvp.submitted", "engagement=forum-2", "participant:=7"], Int32(65),
         "error: rsvp.submitted: field 'participant' must be a string, not a number\n"),
        (["append", "rsvp.submitted", "--data", "{\"engagement\":"], Int32(65),
         "error: rsvp.submitted: --data is not valid JSON: unexpected end of input at byte 15\n"),
        (["append", "rsvp.submitted", "capacity:=[1"], Int32(65),
         "error: rsvp.submitted: field 'capacity' is given with := but is not valid JSON (unterminated array at byte 3); use = for a string\n"),
        (["append", "party.started"], Int32(65), "error: unknown event type 'party.started'; 'ledgerctl types' lists the catalog\n"),
        (["append"], Int32(64), "error: append needs an event type, such as 'append rsvp.submitted'; see 'ledgerctl help append'\n"),
        (["append", "rsvp.submitted", "--colour"], Int32(64), "error: unknown option '--colour'; see 'ledgerctl help append'\n"),
        (["frobnicate"], Int32(64), "error: unknown command 'frobnicate'; see 'ledgerctl help'\n"),
        (["log", "--limit", "many"], Int32(64), "error: --limit takes a count, such as 20; see 'ledgerctl help log'\n"),
        (["forget", "nobody"], Int32(65), "error: no participant 'nobody' in the ledger\n"),
    ])
    func refusesBadCallsWithOneErrorLineAndChangesNothing(arguments: [String], status: Int32, message: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = snapshot(dir)
            let result = try Ledgerctl.run(["--dir", dir] + arguments)
            #expect(result.status == status)
            #expect(result.stderr == message)
            #expect(result.stdout.isEmpty)
            #expect(snapshot(dir) == before)
        }
    }

    @Test func refusesADirectoryThatIsNotALedger() throws {
        try withTemporaryDirectory { dir in
            _ = FileManager.default.createFile(atPath: dir + "/file", contents: Data("x".utf8))
            let onFile = try ledger(dir + "/file", "log")
            #expect(onFile.status == 64 && onFile.stderr.hasPrefix("error: \(dir)/file is not a ledger (not a directory)"))
            let missing = try ledger(dir + "/missing", "append", "project.defined", "project=p")
            #expect(missing.status == 64 && missing.stderr.contains("run 'ledgerctl --dir \(dir)/missing init'"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/missing"))
        }
    }

    @Test func usesLedgerDirWhenNoDirIsGiven() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let result = try Ledgerctl.run(["log", "--json"], environment: ["LEDGER_DIR": dir])
            #expect(result.status == 0 && result.stdout.split(separator: "\n").count == 2)
        }
    }

    @Test func typesListsTheCatalogWithPersonalFieldsMarked() throws {
        let result = try Ledgerctl.run(["types"])
        #expect(result.status == 0)
        for expected in ["participant.registered", "name* (P)", "email (P)", "rsvp.submitted", "response", "accepted|declined|tentative",
                         "indicator.target.set", "participant.erased", "project.organisation.added", "role*", "1|2|3|4",
                         "reporting_org_ref", "iati_identifier"] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        let json = try Ledgerctl.run(["types", "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((parsed["types"] as? [Any])?.count == 19)
    }

    @Test func printsHelpAndVersion() throws {
        let help = try Ledgerctl.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("usage: ledgerctl [--dir DIR]"))
        let version = try Ledgerctl.run(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("ledgerctl "))
        #expect(try Ledgerctl.run([]).status == 64)
    }
}

/// What the review of the command line found, kept fixed.
@Suite struct CommandLineRobustnessTests {
    @Test func refusesInvalidUTF8InTheArgumentsThemselves() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = snapshot(dir)
            // Build the argument from raw bytes: a\xffb.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\"$0\" --dir \"$1\" append participant.registered participant=p1 group=citizen name=\"$(printf 'a\\377b')\" 2>&1; echo \"rc=$?\"",
                                 Ledgerctl.path, dir]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(output.contains("error: argument 7 is not valid UTF-8; nothing was written"))
            #expect(output.contains("rc=65"))
            #expect(snapshot(dir) == before)
        }
    }

    @Test func aFullOutputIsAnIOErrorNotACrash() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\"$0\" --dir \"$1\" log --json > /dev/full; echo \"rc=$?\"", Ledgerctl.path, dir]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(output.hasPrefix("error: write standard output: No space left on device"))
            #expect(output.hasSuffix("rc=74\n"))
        }
    }

    @Test func aRefusalThatNeedsNoLedgerTouchesNoFileAndDoesNotWaitForTheLock() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            let before = snapshot(dir)
            #expect(before.keys.sorted() == ["ledger.json", "lock"])
            let bogus = try ledger(dir, "--wait", "0.2", "append", "bogus.type", "a=b")
            #expect(bogus.status == 65 && snapshot(dir) == before)
            let held = open(dir + "/lock", O_RDWR)
            defer { close(held) }
            #expect(lockFile(held) == 0)
            let whileBusy = try ledger(dir, "--wait", "0.2", "append", "project.defined", "project=p")
            #expect(whileBusy.status == 65 && whileBusy.stderr.contains("field 'title' is required"))
        }
    }

    @Test func logDoesNotShowAnImportThatHasNotFinished() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "import", "-", stdin: """
            {"type":"participant.registered","data":{"participant":"a","group":"citizen","name":"A"}}
            {"type":"participant.registered","data":{"participant":"b","group":"citizen","name":"B"}}
            {"type":"participant.registered","data":{"participant":"c","group":"citizen","name":"C"}}
            """)
            let path = dir + "/segment-000000000001.jsonl"
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            lines.removeLast() // the batch's last line never made it
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let log = try ledger(dir, "log", "--json")
            #expect(log.stdout.split(separator: "\n").count == 2)
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.contains("head: seq 2 "))
        }
    }

    @Test func refusesMisplacedAndRepeatedOptions() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let misplaced = try ledger(dir, "--actor", "me", "append", "project.defined")
            #expect(misplaced.status == 64 && misplaced.stderr.contains("'--actor' is not an option of ledgerctl itself"))
            let twice = try ledger(dir, "append", "project.defined", "--id", "a", "--id", "b")
            #expect(twice.status == 64 && twice.stderr.contains("--id is given twice"))
            let typo = try ledger(dir, "log", "--type", "rsvp.submited")
            #expect(typo.status == 65 && typo.stderr.contains("unknown event type 'rsvp.submited'"))
            let bare = try Ledgerctl.run([])
            #expect(bare.status == 64 && bare.stdout.isEmpty && bare.stderr.contains("usage:"))
        }
    }

    @Test func storesTheDefaultResponseSoThatAnExplicitRetryMatches() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=A")
            let first = try ledger(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=p1", "--id", "r1")
            #expect(first.stdout.contains(#""response":"accepted""#))
            let retry = try ledger(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=p1", "response=accepted", "--id", "r1")
            #expect(retry.status == 0 && retry.stdout == first.stdout)
        }
    }
}

@_silgen_name("flock")
private func flockCall(_ fd: Int32, _ operation: Int32) -> Int32
private func lockFile(_ fd: Int32) -> Int32 { flockCall(fd, LOCK_EX | LOCK_NB) }
