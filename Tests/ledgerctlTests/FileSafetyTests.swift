import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Links planted in the ledger's directory are never followed, nothing outside it is created,
/// truncated or written, and a lock file removed under a writer lets no second writer in.
@Suite struct FileSafetyTests {
    // MARK: - Symbolic links

    @Test(arguments: ["index/keys", "index/offsets"])
    func anAppendNeverWritesThroughALinkPlantedInTheIndex(file: String) throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            let victim = try Self.victim(in: outside)
            try Self.plantLink(at: dir + "/" + file, to: victim.path)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            #expect(result.exited)
            #expect(FileManager.default.contents(atPath: victim.path) == victim.bytes, "\(file): the outside file was written")
            if result.status == 0 {
                #expect(try ledger(dir, "verify").status == 0)
            } else {
                #expect(result.status == 1, "\(file): \(result.stderr)")
                #expect(result.stderr.contains(file) && result.stderr.contains("symbolic link"), "\(file): \(result.stderr)")
                #expect(ledgerFiles(dir) == before)
            }
        }
    }

    /// A named pipe planted where the ledger keeps a file would block a reader that opened it
    /// for good: it is opened without blocking and refused for not being a regular file.
    @Test(arguments: ["personal.jsonl", "index/keys", "segment-000000000001.jsonl"])
    func aNamedPipePlantedInTheLedgerIsRefusedNotWaitedOn(file: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            try given(dir, "verify")
            try? FileManager.default.removeItem(atPath: dir + "/" + file)
            #expect(mkfifo(dir + "/" + file, 0o600) == 0)
            let before = ledgerFiles(dir)
            let writer = try Ledgerctl.start(["--dir", dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Second"])
            var waited = 0
            while writer.process.isRunning && waited < 200 { usleep(50_000); waited += 1 }
            if writer.process.isRunning { writer.kill() }
            let result = writer.finish()
            #expect(result.exited, "\(file): the writer hung on the pipe and was killed")
            #expect(result.status == 1, "\(file): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(file) && result.stderr.contains("is not a regular file"), "\(file): \(result.stderr)")
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func forgetDoesNotUseATemporaryNamePlantedAsALink() throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            let name = "Zhanar Forgettable"
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=\(name)", "email=zhanar@example.kz")
            let victim = try Self.victim(in: outside)
            try Self.plantLink(at: dir + "/personal.jsonl.tmp", to: victim.path)
            let result = try ledger(dir, "forget", "p1")
            #expect(result.exited && result.status == 0, "\(result.stderr)")
            #expect(FileManager.default.contents(atPath: victim.path) == victim.bytes, "personal data was written outside the ledger")
            #expect(Self.fileType(dir + "/personal.jsonl") == S_IFREG)
            for (file, bytes) in snapshot(dir) {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(name), "\(file) still holds the forgotten name")
            }
        }
    }

    /// `forget` removes the copies of the store that a rewrite dying before its rename leaves
    /// (they hold the data of people erased since), and nothing else that merely shares the
    /// start of their name: a user's file, a directory of that name (which made every later
    /// `forget` fail once the store was rewritten).
    @Test func forgetRemovesOnlyTheCopiesARewriteLeaves() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let name = "Zhanar Forgettable"
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=\(name)")
            try given(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Second Person")
            let leftovers = [dir + "/personal.jsonl.tmp-0123456789abcdef", dir + "/personal.jsonl.tmp"] // the second: the first versions' name
            for leftover in leftovers {
                #expect(FileManager.default.createFile(atPath: leftover, contents: FileManager.default.contents(atPath: dir + "/personal.jsonl")))
            }
            let kept = ["personal.jsonl.tmp-notes", "personal.jsonl.tmp-0123456789ABCDEF", "personal.jsonl.tmp-0123456789abcdef0", "personal.jsonl.tmp-"]
            for file in kept { #expect(FileManager.default.createFile(atPath: dir + "/" + file, contents: Data("not the ledger's: \(file)\n".utf8))) }
            let directory = dir + "/personal.jsonl.tmp-fedcba9876543210"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            for who in ["p1", "p2"] {
                let result = try ledger(dir, "forget", who)
                #expect(result.exited && result.status == 0, "forget \(who): \(result.status) \(result.stderr)")
            }
            for leftover in leftovers {
                #expect(!FileManager.default.fileExists(atPath: leftover), "\(leftover): the copy a rewrite left, with the erased name, is still there")
            }
            for file in kept {
                #expect(FileManager.default.contents(atPath: dir + "/" + file) == Data("not the ledger's: \(file)\n".utf8), "\(file) was changed or removed")
            }
            #expect(Self.fileType(directory) == S_IFDIR)
            #expect(try ledger(dir, "verify").status == 0)
            for (file, bytes) in snapshot(dir) where !kept.contains(file) {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(name), "\(file) still holds the forgotten name")
            }
        }
    }

    @Test func anAppendRefusesASegmentThatIsALink() throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            let victim = try Self.victim(in: outside, bytes: Data(#"{"seq":999999999999,"outside":"no final line feed""#.utf8))
            let segment = "segment-999999999999.jsonl"
            try Self.plantLink(at: dir + "/" + segment, to: victim.path)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            #expect(result.exited && result.status == 1, "\(result.status): \(result.stderr)")
            #expect(result.stderr.contains("symbolic link") && result.stderr.contains(segment), "\(result.stderr)")
            #expect(FileManager.default.contents(atPath: victim.path) == victim.bytes, "the outside file was changed")
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func crashRecoveryDoesNotMoveATornTailIntoALinkedQuarantine() throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            let elsewhere = outside + "/quarantine-elsewhere"
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false)
            try Self.plantLink(at: dir + "/quarantine", to: elsewhere)
            let segment = try #require(try Self.segments(dir).last)
            try Self.appendBytes(Data(#"{"seq":3,"id":"torn-by-a-cra"#.utf8), to: dir + "/" + segment)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            #expect(result.exited)
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty, "recovery wrote outside the ledger")
            if result.status != 0 {
                #expect(result.status == 1, "\(result.stderr)")
                #expect(result.stderr.contains("quarantine") && result.stderr.contains("symbolic link"), "\(result.stderr)")
                #expect(ledgerFiles(dir) == before)
            }
        }
    }

    /// The impact report saves its state only past 1,000 events, so the ledger has more.
    @Test func theImpactReportDoesNotWriteThroughALinkedSavedState() throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            let lines = (1...1_100).map { #"{"type":"participant.registered","data":{"participant":"i\#($0)","group":"citizen","name":"Imported \#($0)"}}"# }
            try given(dir, "import", "-", stdin: lines.joined(separator: "\n") + "\n")
            for k in 1...3 { try given(dir, "append", "participant.registered", "participant=p\(k)", "group=media", "name=Late \(k)") }
            let expected = try ledger(dir, "report", "impact", "--fresh")
            try #require(expected.status == 0, "\(expected.stderr)")
            let state = dir + "/index/impact.state"
            try #require(FileManager.default.fileExists(atPath: state), "the report saved no state: the test would prove nothing")
            let victim = try Self.victim(in: outside)
            try Self.plantLink(at: state, to: victim.path)
            let result = try ledger(dir, "report", "impact")
            #expect(result.exited && result.status == 0, "\(result.stderr)")
            #expect(result.stdout == expected.stdout)
            #expect(FileManager.default.contents(atPath: victim.path) == victim.bytes, "the saved state was written outside the ledger")
        }
    }

    // MARK: - Hard links

    @Test func anAppendRefusesASegmentWithAHardLinkElsewhere() throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            let segment = try #require(try Self.segments(dir).last)
            let copy = outside + "/copy"
            try #require(link(dir + "/" + segment, copy) == 0)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            #expect(result.exited && result.status == 1, "\(result.status): \(result.stderr)")
            #expect(result.stderr.contains("hard link") && result.stderr.contains(segment), "\(result.stderr)")
            #expect(FileManager.default.contents(atPath: copy) == before[segment])
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func anAppendRefusesPersonalDataWithAHardLinkElsewhere() throws {
        try withLedgerAndOutside { dir, outside in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            let copy = outside + "/copy"
            try #require(link(dir + "/personal.jsonl", copy) == 0)
            let before = ledgerFiles(dir)
            let result = try ledger(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Bolat Nurlanov")
            #expect(result.exited && result.status == 1, "\(result.status): \(result.stderr)")
            #expect(result.stderr.contains("hard link") && result.stderr.contains("personal.jsonl"), "\(result.stderr)")
            #expect(FileManager.default.contents(atPath: copy) == before["personal.jsonl"])
            #expect(ledgerFiles(dir) == before)
        }
    }

    // MARK: - The lock

    /// `rm DIR/lock` while an import holds it: a writer that comes after still waits for the
    /// import, so the chain stays whole and every seq is there once.
    @Test func aRemovedLockFileLetsNoSecondWriterIn() throws {
        let count = 40_000
        let lines = (1...count).map { #"{"type":"participant.registered","data":{"participant":"p-\#($0)","group":"citizen","name":"P \#($0)"}}"# }
        let batch = lines.joined(separator: "\n") + "\n"
        var contested = 0
        for round in 1...3 {
            try withTemporaryDirectory { root in
                let dir = root + "/ledger"
                try demoLedger(dir)
                let file = root + "/batch.jsonl"
                try batch.write(toFile: file, atomically: false, encoding: .utf8)
                let importer = try Ledgerctl.start(["--dir", dir, "import", file])
                let holds = Self.waitUntilHoldingAFileLock(importer.process.processIdentifier, seconds: 60)
                usleep(300_000)
                guard holds, importer.process.isRunning else {
                    _ = importer.finish() // the import was over before the lock could be removed: no contest
                    return
                }
                try FileManager.default.removeItem(atPath: dir + "/lock")
                if importer.process.isRunning { contested += 1 }
                let late = try ledger(dir, "--wait", "60", "append", "participant.registered", "participant=late", "group=citizen", "name=Late Comer")
                let imported = importer.finish()
                #expect(imported.exited && imported.status == 0, "round \(round), import: \(imported.stderr)")
                #expect(late.exited && late.status == 0, "round \(round), append: \(late.stderr)")
                let verify = try ledger(dir, "verify")
                #expect(verify.status == 0, "round \(round): \(verify.stderr)")
                let log = try ledger(dir, "log", "--json").stdout.split(separator: "\n")
                #expect(log.count == 2 + count + 1, "round \(round)")
                for (k, line) in log.enumerated() where !line.hasPrefix("{\"seq\":\(k + 1),") {
                    Issue.record("round \(round): line \(k + 1) is \(line.prefix(30))")
                    break
                }
                #expect(log.contains { $0.contains(#""participant":"late""#) }, "round \(round)")
            }
        }
        #expect(contested >= 1, "the import never still held the lock when it was removed: make it larger")
    }

    // MARK: - Helpers

    /// A file outside the ledger with bytes of its own, which nothing may change.
    static func victim(in outside: String, bytes: Data = Data("the victim's own bytes\n".utf8)) throws -> (path: String, bytes: Data) {
        let path = outside + "/victim"
        try bytes.write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    /// Replaces whatever is at `path` with a symbolic link to `target`.
    static func plantLink(at path: String, to target: String) throws {
        if Self.fileType(path) != nil { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    /// The type bits of `path` itself (a link is not followed), or nil when nothing is there.
    static func fileType(_ path: String) -> mode_t? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }

    /// The segment files of the ledger in `dir`, in order.
    static func segments(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
    }

    /// Appends `bytes` to the file at `path`.
    static func appendBytes(_ bytes: Data, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
    }

    /// Waits until process `pid` holds a `flock` (as `/proc/locks` shows); true once it does.
    /// Without `/proc/locks`, waits a while and hopes.
    static func waitUntilHoldingAFileLock(_ pid: Int32, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else {
                usleep(1_500_000)
                return true
            }
            let holds = locks.split(separator: "\n").contains { line in
                let fields = line.split(separator: " ")
                return fields.count > 4 && fields[1] == "FLOCK" && fields[4] == "\(pid)"
            }
            if holds { return true }
            usleep(20_000)
        }
        return false
    }
}

/// Runs `body` with a ledger directory (`ROOT/ledger`, not yet created) and an existing
/// directory outside it (`ROOT/outside`) on the same file system.
func withLedgerAndOutside<T>(_ body: (_ dir: String, _ outside: String) throws -> T) throws -> T {
    try withTemporaryDirectory { root in
        try FileManager.default.createDirectory(atPath: root + "/outside", withIntermediateDirectories: false)
        return try body(root + "/ledger", root + "/outside")
    }
}
