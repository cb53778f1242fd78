import Foundation
import Testing

/// `ledgerctl repair`: says what it would move to `quarantine/` and changes nothing, unless
/// given `--apply`; it never moves a line that comes before the damage.
@Suite struct RepairCommandTests {
    /// A complete line at the end of the ledger that is not an event of it.
    enum Garble: String, CaseIterable, Sendable {
        case zeroFilledPage
        case forgedLine

        var bytes: Data {
            switch self {
            case .zeroFilledPage: Data(repeating: 0, count: 4096) + Data("\n".utf8)
            case .forgedLine: Data((#"{"seq":999,"garbage":true}"# + "\n").utf8)
            }
        }
    }

    @Test func aHealthyLedgerNeedsNothing() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            let before = snapshot(dir)
            let result = try ledger(dir, "repair")
            #expect(result.exited && result.status == 0, "\(result.status): \(result.stderr)")
            #expect(result.stdout.lowercased().contains("nothing"), "\(result.stdout)")
            #expect(snapshot(dir) == before)
            let apply = try ledger(dir, "repair", "--apply")
            #expect(apply.exited && apply.status == 0, "\(apply.status): \(apply.stderr)")
            #expect(snapshot(dir) == before)
        }
    }

    @Test(arguments: Garble.allCases)
    func aGarbledLastLineStopsWritersUntilRepairMovesIt(garble: Garble) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p1", "group=citizen", "name=Aigerim Seitkali")
            let segment = try #require(try FileSafetyTests.segments(dir).last)
            let pristine = try #require(FileManager.default.contents(atPath: dir + "/" + segment))
            try FileSafetyTests.appendBytes(garble.bytes, to: dir + "/" + segment)

            let damaged = ledgerFiles(dir)
            let append = try ledger(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Bolat Nurlanov")
            #expect(append.exited && append.status == 1, "\(append.status): \(append.stderr)")
            #expect(append.stderr.contains("ledgerctl repair"), "\(append.stderr)")
            #expect(ledgerFiles(dir) == damaged)

            let before = snapshot(dir)
            let dryRun = try ledger(dir, "repair")
            #expect(dryRun.exited && dryRun.status == 0, "\(dryRun.status): \(dryRun.stderr)")
            #expect(dryRun.stdout.contains(segment) && dryRun.stdout.contains(String(pristine.count)),
                    "should name \(segment) from byte \(pristine.count): \(dryRun.stdout)")
            #expect(snapshot(dir) == before, "a dry run changed the ledger")

            let apply = try ledger(dir, "repair", "--apply")
            #expect(apply.exited && apply.status == 0, "\(apply.status): \(apply.stderr)")
            let quarantined = Self.quarantined(dir)
            #expect(quarantined.values.contains(garble.bytes), "quarantine/ holds \(quarantined.mapValues(\.count))")
            #expect(FileManager.default.contents(atPath: dir + "/" + segment) == pristine)
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0, "\(verify.stderr)")
            let next = try ledger(dir, "append", "participant.registered", "participant=p2", "group=citizen", "name=Bolat Nurlanov")
            #expect(next.status == 0, "\(next.stderr)")
            #expect(next.stdout.hasPrefix(#"{"seq":4,"#), "\(next.stdout)")
        }
    }

    /// An edited line in the middle: a dry run changes nothing and names where the chain
    /// stops; `--apply` never moves a line before the edited one.
    /// Damage inside an import batch cuts the batch short, and a batch is all or nothing: the
    /// dry run says the batch's good lines go too, from its first, and `--apply` moves exactly
    /// that (one move, the ledger ending just before the batch), nothing more than it said.
    @Test func damageInsideAnImportBatchMovesTheBatchFromItsFirstLineAsTheDryRunSays() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let people = (1...6).map { #"{"type":"participant.registered","data":{"participant":"b\#($0)","group":"academia","name":"B \#($0)"}}"# }
            try given(dir, "import", "-", stdin: people.joined(separator: "\n") + "\n") // seq 3-8, one batch
            try given(dir, "append", "participant.registered", "participant=after", "group=academia", "name=A")
            let segment = try #require(try FileSafetyTests.segments(dir).last)
            try HardeningTests.edit(dir + "/" + segment) { text in
                var all = text.split(separator: "\n").map(String.init)
                all[5] = String(all[5].dropLast(2)) + " }" // seq 6, inside the batch: not JSON any more
                return all.joined(separator: "\n") + "\n"
            }
            let dryRun = try ledger(dir, "repair")
            #expect(dryRun.status == 0 && dryRun.stdout.contains("after seq 2") && dryRun.stdout.contains("the import batch from seq 3 goes with it"),
                    "\(dryRun.stdout)")
            let apply = try ledger(dir, "repair", "--apply")
            #expect(apply.status == 0 && apply.stdout.contains("after seq 2"), "\(apply.stdout)")
            #expect(apply.stderr.components(separatedBy: "warning:").count == 3, "one move and the personal records: \(apply.stderr)") // no second cut
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.contains("ok: 2 events"), "\(verify.stdout)")
            // The personal data of the seven moved registrations is deleted, as the dry run said, and named as such.
            #expect(dryRun.stdout.contains("would delete the personal-data records of 7 of those event(s), not move them"), "\(dryRun.stdout)")
            #expect(apply.stdout.contains("deleted the personal-data records of 7 of those event(s)"), "\(apply.stdout)")
            #expect(apply.stderr.contains("of the events moved to quarantine/") && !apply.stderr.contains("did not complete"), "\(apply.stderr)")
            let personal = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/personal.jsonl")), as: UTF8.self)
            #expect(!personal.contains("B 1") && !personal.contains(#""name":"A""#), "\(personal)")
        }
    }

    /// A last line left claiming an import batch it is not part of would stop the writer that
    /// runs after the move: the plan judges batches as readers do and cuts before such a line, and
    /// `--apply` moves, and deletes, exactly what the dry run said. What that writer needs (a
    /// personal-data store with one name) is checked before anything moves.
    @Test func theCutNeverLeavesAFalseBatchClaimAndNothingMovesWhenTheWriterAfterWouldStop() throws {
        try withTemporaryDirectory { top in
            let dir = top + "/ledger"
            try demoLedger(dir)
            for who in ["a", "b", "c"] { try given(dir, "append", "participant.registered", "participant=pp\(who)", "group=citizen", "name=Person \(who)") }
            let segment = try #require(try FileSafetyTests.segments(dir).last)
            try HardeningTests.edit(dir + "/" + segment) { text in
                var all = text.split(separator: "\n").map(String.init)
                all[all.count - 2] = all[all.count - 2].replacingOccurrences(of: #","data":"#, with: #","batch":{"first":3,"count":3},"data":"#) // seq 4, as if seq 3-5 were one import
                return all.joined(separator: "\n") + "\n"
            }
            // A second name for the store: the writer after the move would refuse it, so nothing moves.
            try FileManager.default.linkItem(atPath: dir + "/personal.jsonl", toPath: top + "/personal-link")
            let before = ledgerFiles(dir)
            let refused = try ledger(dir, "repair", "--apply")
            #expect(refused.status == 1 && refused.stderr.contains("hard links"), "\(refused.status) \(refused.stderr)")
            #expect(ledgerFiles(dir) == before && !FileManager.default.fileExists(atPath: dir + "/quarantine"))
            try FileManager.default.removeItem(atPath: top + "/personal-link")
            let dryRun = try ledger(dir, "repair")
            #expect(dryRun.stdout.contains("claims an import batch from seq 3 that does not start there")
                    && dryRun.stdout.contains("(2 complete line(s))") && dryRun.stdout.contains("of 2 of those event(s)"), "\(dryRun.stdout) \(dryRun.stderr)")
            let apply = try ledger(dir, "repair", "--apply")
            #expect(apply.status == 0 && apply.stdout.contains("(2 complete line(s))") && apply.stdout.contains("of 2 of those event(s)"), "\(apply.status) \(apply.stdout) \(apply.stderr)")
            #expect(try ledger(dir, "verify").status == 0)
            let personal = String(decoding: try #require(FileManager.default.contents(atPath: dir + "/personal.jsonl")), as: UTF8.self)
            #expect(personal.contains("Person a") && !personal.contains("Person b") && !personal.contains("Person c"))
        }
    }

    /// The segment that becomes the last one is checked before anything moves (a second hard
    /// link to it would stop the writer after the move), and an empty segment in the middle is
    /// where the damage starts, as readers and writers judge it: the dry run and `--apply` agree.
    @Test func aSecondLinkToTheNewLastSegmentMovesNothingAndAnEmptyMiddleSegmentIsDamage() throws {
        try withTemporaryDirectory { top in
            let dir = top + "/ledger"
            try given(dir, "init", "--segment-size", "2K")
            for k in 1...20 { try given(dir, "append", "participant.registered", "participant=a\(k)", "group=citizen", "name=N\(k)", "email=a\(k)@x.kz") }
            let segments = try FileSafetyTests.segments(dir)
            try #require(segments.count >= 3, "\(segments)")
            try HardeningTests.edit(dir + "/" + segments[segments.count - 1]) { "{" + $0 } // its first line garbled: the whole segment moves
            try FileManager.default.linkItem(atPath: dir + "/" + segments[segments.count - 2], toPath: top + "/second-name")
            let before = snapshot(dir)
            let refused = try ledger(dir, "repair", "--apply")
            #expect(refused.status == 1 && refused.stderr.contains(segments[segments.count - 2]) && refused.stderr.contains("hard links"), "\(refused.stderr)")
            #expect(snapshot(dir) == before, "a refused repair changed the ledger or its index")
            try FileManager.default.removeItem(atPath: top + "/second-name")
            #expect(truncate(dir + "/" + segments[1], 0) == 0)
            let dryRun = try ledger(dir, "repair")
            #expect(dryRun.status == 0 && dryRun.stdout.contains("\(segments[1]) is empty, before the last segment"), "\(dryRun.stdout)")
            let apply = try ledger(dir, "repair", "--apply")
            #expect(apply.status == 0, "\(apply.stderr)")
            let said = { (text: String) in text.split(separator: "\n").first.map { $0.split(separator: ":", maxSplits: 2).dropFirst().joined(separator: ":") } }
            #expect(said(dryRun.stdout) == said(apply.stdout), "\(dryRun.stdout)\n\(apply.stdout)")
            #expect(try ledger(dir, "verify").status == 0)
        }
    }

    @Test func repairNeverMovesTheLinesBeforeDamageInTheMiddle() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir, segmentSize: "1K")
            for k in 1...6 { try given(dir, "append", "participant.registered", "participant=p\(k)", "group=academia", "name=N \(k)") }
            let segments = try FileSafetyTests.segments(dir)
            try #require(segments.count >= 3, "\(segments)")
            // The second line of the second segment (seq 4); the chain breaks at the line after it, in the same segment.
            let damagedSegment = segments[1]
            let path = dir + "/" + damagedSegment
            let original = try String(contentsOfFile: path, encoding: .utf8)
            var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try #require(lines.count >= 4, "the second segment should hold three lines: \(lines.count - 1)")
            lines[1] = lines[1].replacingOccurrences(of: #""academia""#, with: #""business""#)
            try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
            let keptPrefix = Data((lines[0] + "\n").utf8)
            // The edited line's own link still checks, so the chain stops after it.
            let lastGood = Data((lines[0] + "\n" + lines[1] + "\n").utf8)
            let damagedBytes = Data(lines.joined(separator: "\n").utf8)
            let laterBytes = segments.dropFirst(2).map { FileManager.default.contents(atPath: dir + "/" + $0) ?? Data() }
            let movable = damagedBytes.dropFirst(lastGood.count) + laterBytes.reduce(Data(), +)

            let before = snapshot(dir)
            let dryRun = try ledger(dir, "repair")
            #expect(dryRun.exited)
            #expect(snapshot(dir) == before, "a dry run changed the ledger")
            #expect((dryRun.stdout + dryRun.stderr).contains(damagedSegment) && (dryRun.stdout + dryRun.stderr).contains(String(lastGood.count)),
                    "should name \(damagedSegment) from byte \(lastGood.count): \(dryRun.stdout)\(dryRun.stderr)")

            let apply = try ledger(dir, "repair", "--apply")
            #expect(apply.exited)
            let after = snapshot(dir)
            #expect(after[segments[0]] == before[segments[0]], "the first segment, before the damage, was changed")
            let damagedAfter = try #require(after[damagedSegment], "the segment that starts before the damage is gone")
            #expect(damagedAfter.starts(with: keptPrefix), "the line before the damaged one was moved or changed")
            if apply.status == 0 {
                #expect(try ledger(dir, "verify").status == 0)
                let moved = Self.quarantined(dir).sorted { $0.key < $1.key }.map(\.value).reduce(Data(), +)
                #expect(moved == movable, "quarantine/ should hold everything after the last line whose chain checks")
            } else {
                #expect(after == before, "a refused repair changed the ledger")
            }
        }
    }

    /// The files in `DIR/quarantine/` and their bytes.
    static func quarantined(_ dir: String) -> [String: Data] {
        snapshot(dir).filter { $0.key.hasPrefix("quarantine/") }
    }
}
