import Foundation
import Testing

/// `ledgerctl backup DEST`: a consistent, incremental, verified copy, taken while writers go on.
@Suite struct BackupTests {
    func lines(_ count: Int, from first: Int) -> String {
        (first..<(first + count)).map { #"{"id":"b-\#($0)","type":"participant.registered","data":{"participant":"b\#($0)","group":"citizen","name":"Name \#($0)"}}"# }
            .joined(separator: "\n") + "\n"
    }

    @Test func aBackupVerifiesAtTheSameHeadAndASecondOneCopiesOnlyWhatIsNew() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/ledger", copy = dir + "/copy"
            try demoLedger(source, segmentSize: "64K")
            try given(source, "import", "-", stdin: lines(600, from: 1))
            let first = try ledger(source, "backup", copy)
            #expect(first.status == 0, "\(first.stderr)")
            let head = try ledger(source, "checkpoint").stdout
            #expect(try ledger(copy, "checkpoint").stdout == head)
            #expect(try ledger(copy, "verify").status == 0)
            // The checkpoint beside the copy is the head it was taken at; the ledger extends it.
            let checkpoint = try String(contentsOfFile: copy + "/backup-checkpoint.txt", encoding: .utf8)
            #expect(checkpoint == head)
            #expect(try ledger(source, "verify", "--checkpoint", copy + "/backup-checkpoint.txt").status == 0)
            // Personal data goes with it, owner-only like the ledger's own.
            #expect(FileManager.default.contents(atPath: copy + "/personal.jsonl") == FileManager.default.contents(atPath: source + "/personal.jsonl"))
            // A second backup after two more events copies just their lines.
            let before = try segmentBytes(source)
            try given(source, "append", "participant.registered", "participant=late1", "group=citizen", "name=Late One")
            try given(source, "append", "participant.registered", "participant=late2", "group=citizen", "name=Late Two")
            let added = try segmentBytes(source) - before
            let second = try ledger(source, "backup", copy)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout.contains("; \(added) bytes of 1 segment(s) copied;"), "\(second.stdout) (expected \(added) bytes)")
            #expect(try ledger(copy, "checkpoint").stdout == (try ledger(source, "checkpoint").stdout))
            #expect(ledgerFiles(copy).filter { $0.key.hasPrefix("segment-") } == ledgerFiles(source).filter { $0.key.hasPrefix("segment-") })
        }
    }

    func segmentBytes(_ dir: String) throws -> Int {
        ledgerFiles(dir).filter { $0.key.hasPrefix("segment-") }.values.reduce(0) { $0 + $1.count }
    }

    @Test func aBackupTakenWhileAnImportRunsHoldsNoPartOfIt() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/ledger"
            try demoLedger(source, segmentSize: "256K")
            let file = dir + "/big.jsonl"
            try lines(30_000, from: 1).write(toFile: file, atomically: false, encoding: .utf8)
            let importer = try Ledgerctl.start(["--dir", source, "--wait", "120", "import", file])
            var heads: Set<Int> = []
            for round in 0..<6 {
                usleep(300_000)
                let copy = dir + "/copy-\(round)"
                let backup = try ledger(source, "--wait", "120", "backup", copy)
                #expect(backup.status == 0, "\(backup.stderr)")
                let verify = try ledger(copy, "verify")
                #expect(verify.status == 0 && verify.stderr.isEmpty, "\(verify.stdout)\(verify.stderr)")
                // All of the import or none of it: seq 2 (the demo) or 30,002.
                let seq = verify.stdout.split(separator: "\n").last.flatMap { $0.split(separator: " ").dropFirst(2).first }.flatMap { Int($0) }
                #expect(seq == 2 || seq == 30_002, "\(verify.stdout)")
                if let seq { heads.insert(seq) }
            }
            #expect(importer.finish().status == 0)
            let last = try ledger(source, "backup", dir + "/copy-0")
            #expect(last.status == 0, "\(last.stderr)")
            #expect(try ledger(dir + "/copy-0", "checkpoint").stdout == (try ledger(source, "checkpoint").stdout))
        }
    }

    @Test func aDestinationThatIsNotABackupOfThisLedgerIsRefusedAndLeftAlone() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/ledger", other = dir + "/other"
            try demoLedger(source)
            try given(other, "init", "--segment-size", "64K")
            try given(other, "append", "project.defined", "project=x", "title=X", "starts_on=2017-01-01", "ends_on=2017-12-31")
            let otherBefore = snapshot(other), sourceBefore = ledgerFiles(source)
            let refused = try ledger(source, "backup", other)
            #expect(refused.status == 65)
            #expect(refused.stderr.contains("holds another ledger"), "\(refused.stderr)")
            #expect(snapshot(other) == otherBefore)
            let itself = try ledger(source, "backup", source)
            #expect(itself.status == 65 && itself.stderr.contains("is the ledger's directory or inside it"), "\(itself.stderr)")
            #expect(ledgerFiles(source) == sourceBefore)
            // A copy whose history differs (a rewritten line) is not overwritten.
            let copy = dir + "/copy"
            try given(source, "backup", copy)
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: copy).first { $0.hasPrefix("segment-") })
            var bytes = try #require(FileManager.default.contents(atPath: copy + "/" + segment))
            bytes[20] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: copy + "/" + segment))
            try given(source, "append", "participant.registered", "participant=n1", "group=citizen", "name=N")
            let copyBefore = snapshot(copy)
            let mismatch = try ledger(source, "backup", copy)
            #expect(mismatch.status == 65 && mismatch.stderr.contains("is not a prefix of this ledger's"), "\(mismatch.stderr)")
            // Refused before anything in it is replaced: its personal data too (it was replaced first).
            #expect(snapshot(copy) == copyBefore)
            // Another ledger of the same settings (the same ledger.json) is refused the same way.
            let foreign = dir + "/foreign"
            try given(foreign, "init")
            try given(foreign, "append", "participant.registered", "participant=f1", "group=citizen", "name=Foreign")
            bytes[20] ^= 0x01 // the copy as the backup wrote it
            try bytes.write(to: URL(fileURLWithPath: copy + "/" + segment))
            let intactCopy = snapshot(copy)
            let foreignBackup = try ledger(foreign, "backup", copy)
            #expect(foreignBackup.status == 65 && foreignBackup.stderr.contains("is not a prefix of this ledger's"), "\(foreignBackup.stderr)")
            #expect(snapshot(copy) == intactCopy)
            #expect(String(decoding: try #require(FileManager.default.contents(atPath: copy + "/personal.jsonl")), as: UTF8.self).contains("Foreign") == false)
        }
    }

    /// A ledger whose chain does not check (a line edited after the last backup) is not copied
    /// at all: the good backup is left as it was, not given the edited lines and then refused.
    @Test func aDamagedLedgerIsNotCopiedOverAGoodBackup() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/ledger", copy = dir + "/copy"
            try demoLedger(source)
            try given(source, "backup", copy)
            for k in 1...3 { try given(source, "append", "participant.registered", "participant=b\(k)", "group=citizen", "name=B \(k)") }
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: source).filter { $0.hasPrefix("segment-") }.sorted().last)
            try HardeningTests.edit(source + "/" + segment) { text in
                var all = text.split(separator: "\n").map(String.init)
                all[all.count - 2] = all[all.count - 2].replacingOccurrences(of: "citizen", with: "business") // the next line's prev no longer matches
                return all.joined(separator: "\n") + "\n"
            }
            let before = snapshot(copy)
            let refused = try ledger(source, "backup", copy)
            #expect(refused.status == 1 && refused.stderr.contains(segment), "\(refused.stderr)")
            #expect(snapshot(copy) == before)
            #expect(try ledger(copy, "verify").status == 0)
        }
    }

    @Test func theNextBackupNoLongerHoldsAPersonForgottenSince() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/ledger", copy = dir + "/copy"
            try demoLedger(source)
            try given(source, "append", "participant.registered", "participant=p9", "group=citizen", "name=Zhanar Forgettable", "email=zhanar@example.kz")
            try given(source, "backup", copy)
            #expect(String(decoding: FileManager.default.contents(atPath: copy + "/personal.jsonl") ?? Data(), as: UTF8.self).contains("Zhanar"))
            // A backup killed before its rename left its copy of the personal data in DEST.
            let leftover = copy + "/personal.jsonl.tmp-00112233445566ff"
            #expect(FileManager.default.createFile(atPath: leftover, contents: FileManager.default.contents(atPath: copy + "/personal.jsonl")))
            try given(source, "forget", "p9")
            try given(source, "backup", copy)
            for (file, bytes) in snapshot(copy) {
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(!text.contains("Zhanar") && !text.contains("zhanar@"), "\(file) still holds the forgotten person")
            }
            #expect(!FileManager.default.fileExists(atPath: leftover))
            #expect(try ledger(copy, "verify").status == 0)
        }
    }

    /// `forget` rewrites only the ledger's own files: a backup under DIR (in `index/`, or any
    /// directory of its own there) would keep people forgotten since, so it is refused, and not made.
    @Test(arguments: ["index", "sub/deeper", "quarantine"])
    func aDestinationInsideTheLedgerIsRefusedAndNotMade(inside: String) throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/ledger"
            try demoLedger(source)
            let existed = FileManager.default.fileExists(atPath: source + "/" + inside)
            let before = snapshot(source)
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: source)
            for destination in [source + "/" + inside, dir + "/ledger/./" + inside, source + "/" + inside + "/.", source + "/nd/../" + inside,
                                dir + "/link/" + inside, dir + "/link/zz/..", source] {
                let result = try ledger(source, "backup", destination)
                #expect(result.status == 65 && result.stderr.contains("is the ledger's directory or inside it"), "\(destination): \(result.status) \(result.stderr)")
            }
            #expect(snapshot(source) == before)
            #expect(FileManager.default.fileExists(atPath: source + "/" + inside) == existed)
            #expect(!FileManager.default.fileExists(atPath: source + "/nd") && !FileManager.default.fileExists(atPath: source + "/zz"))
        }
    }
}
