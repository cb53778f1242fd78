import Foundation
import Testing
@testable import Ledger

@Suite struct VerifyAndForgetTests {
    @Test func verifyNamesTheDamagedLineAndExitsOne() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=A")
            let path = dir + "/segment-000000000001.jsonl"
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "Green corridor", with: "Grey corridor")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try ledger(dir, "verify")
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: \(path) line 3: prev does not match the SHA-256 of the line before"))
            #expect(result.stdout.isEmpty)
            let checkpoint = try ledger(dir, "checkpoint")
            #expect(checkpoint.status == 1)
        }
    }

    /// `verify` names the first damage: an id used twice before a line that is no event (or a
    /// line too long to read), and that line when the id's second use comes after it.
    @Test(arguments: [(repeatAt: 4, brokenAt: 7), (repeatAt: 7, brokenAt: 4)])
    func verifyNamesTheEarlierOfARepeatedIDAndABrokenLine(repeatAt: Int, brokenAt: Int) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            for k in 1...6 { try given(dir, "append", "participant.registered", "participant=p-\(k)", "group=citizen", "name=P \(k)") }
            let path = dir + "/segment-000000000001.jsonl"
            var events = try #require(FileManager.default.contents(atPath: path)).split(separator: 0x0A).map { try StoredEvent(line: $0) }
            events[repeatAt].id = events[2].id
            var previous = SHA256.Digest.zero
            var lines: [[UInt8]] = []
            for k in events.indices {
                events[k].prev = previous
                lines.append(events[k].line)
                previous = SHA256.hash(lines[k])
            }
            lines[brokenAt] = Array("not an event".utf8)
            try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: path))
            let result = try ledger(dir, "verify")
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix(repeatAt < brokenAt ? "error: \(path) line \(repeatAt + 1): id '\(events[2].id)' appears twice"
                                                                 : "error: \(path) line \(brokenAt + 1): "), "\(result.stderr)")
            guard repeatAt < brokenAt else { return }
            // A line too long to read has no line number: the repeat before it still comes first.
            lines[brokenAt] = Array(repeating: UInt8(ascii: "x"), count: LineReader.maximumLineBytes + LineReader.chunkBytes + 10)
            try Data(lines.flatMap { $0 + [0x0A] }).write(to: URL(fileURLWithPath: path))
            let beforeLongLine = try ledger(dir, "verify")
            #expect(beforeLongLine.status == 1)
            #expect(beforeLongLine.stderr.hasPrefix("error: \(path) line \(repeatAt + 1): id '\(events[2].id)' appears twice"), "\(beforeLongLine.stderr)")
        }
    }

    @Test func checkpointsProveThatHistoryWasNotRewritten() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let checkpoint = try ledger(dir, "checkpoint")
            #expect(checkpoint.status == 0 && checkpoint.stdout.hasPrefix("ledger-checkpoint/1\nseq: 2\nsha256: "))
            let file = dir + "/../checkpoint-\(UUID().uuidString).txt"
            try checkpoint.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            try given(dir, "append", "participant.registered", "participant=p-1", "group=citizen", "name=A")
            let extends = try ledger(dir, "verify", "--checkpoint", file)
            #expect(extends.status == 0 && extends.stdout.contains("extends checkpoint: seq 2"))
            // Rewrite everything consistently: a new ledger with other content.
            try FileManager.default.removeItem(atPath: dir)
            try given(dir, "init")
            try given(dir, "append", "project.defined", "project=wealmaty", "title=Rewritten", "starts_on=2017-04-01", "ends_on=2020-03-31")
            try given(dir, "append", "project.defined", "project=other", "title=Other", "starts_on=2017-04-01", "ends_on=2020-03-31")
            #expect(try ledger(dir, "verify").status == 0)
            let rewritten = try ledger(dir, "verify", "--checkpoint", file)
            #expect(rewritten.status == 1 && rewritten.stderr.contains("does not match the checkpoint"))
            // A checkpoint of seq 0 stands for the empty ledger, whose hash is 64 zeros: any other
            // is not a checkpoint any ledger could give, and is refused as such.
            try (Checkpoint.header + "\nseq: 0\nsha256: " + String(repeating: "ab", count: 32) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let impossible = try ledger(dir, "verify", "--checkpoint", file)
            #expect(impossible.status == 65 && impossible.stderr.contains("a checkpoint of seq 0 (the empty ledger) must have a 'sha256' of 64 zeros"), "\(impossible.status) \(impossible.stderr)")
            try (Checkpoint.header + "\nseq: 0\nsha256: " + String(repeating: "0", count: 64) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let empty = try ledger(dir, "verify", "--checkpoint", file)
            #expect(empty.status == 0, "\(empty.stderr)")
        }
    }

    @Test func forgetLeavesNoTraceOfThePersonAnywhereInTheDirectory() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p-7", "group=citizen", "name=Сәуле Жұмабаева",
                       "email=saule.zh@example.kz", "phone=+7 701 765 05 10", "handle=@saule_almaty")
            try given(dir, "append", "participant.updated", "participant=p-7", "email=saule.new@example.kz")
            try given(dir, "append", "participant.registered", "participant=p-8", "group=business", "name=Ivan Petrov", "email=ivan@example.ru")
            try given(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=p-7")
            #expect(grep(dir, "Сәуле") && grep(dir, "765 05 10"))
            let result = try ledger(dir, "forget", "p-7")
            #expect(result.status == 0 && result.stdout.contains(#""type":"participant.erased""#))
            for trace in ["Сәуле", "Жұмабаева", "saule", "765 05 10", "@saule_almaty"] {
                #expect(!grep(dir, trace), "\(trace) is still in the directory")
            }
            #expect(grep(dir, "Ivan Petrov"))
            let verify = try ledger(dir, "verify")
            #expect(verify.status == 0 && verify.stdout.contains("ok: 7 events"))
            let again = try ledger(dir, "forget", "p-7")
            #expect(again.status == 0 && again.stdout == result.stdout)
            let refused = try ledger(dir, "append", "rsvp.submitted", "engagement=forum-2", "participant=p-7")
            #expect(refused.status == 65 && refused.stderr.contains("whose data was erased"))
        }
    }

    /// True when `grep -r` finds `text` in any file under `dir`.
    func grep(_ dir: String, _ text: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["grep", "-rqF", "--", text, dir]
        try? process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
