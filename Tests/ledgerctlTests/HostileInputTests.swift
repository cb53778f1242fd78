import Foundation
import Testing
@testable import Ledger
@testable import ledgerctl

/// Mutated and malformed events, seeded and reproducible: every one is refused with a clear
/// error (or, when a mutation happens to leave a valid event, stored as one well-formed line),
/// and a refusal leaves the event files and the personal data byte for byte as they were.
@Suite struct HostileInputTests {
    static let valid: [String] = [
        #"{"type":"participant.registered","id":"h-1","data":{"participant":"h1","group":"citizen","name":"Әлия","email":"a@example.kz"}}"#,
        #"{"type":"rsvp.submitted","data":{"engagement":"forum-2","participant":"p0","response":"accepted","channel":"phone"}}"#,
        #"{"type":"proposal.submitted","data":{"proposal":"x1","engagement":"forum-2","participant":"p0","theme":"parks","title":"Саябақ","text":"line\nline"}}"#,
        #"{"type":"attendance.checked_in","occurred_at":"2017-11-30T08:50:00+06:00","data":{"engagement":"forum-2","participant":"p0"}}"#,
    ]

    /// One mutation of a valid line, chosen by the generator.
    static func mutate(_ line: String, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = Array(line.utf8)
        switch Int.random(in: 0..<16, using: &generator) {
        case 0: // truncated
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
        case 1: // a byte flipped
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[at] ^= UInt8.random(in: 1...255, using: &generator)
        case 2: // a hostile byte inserted: NUL, invalid UTF-8, an overlong '/', a lone continuation, CR, a raw line feed
            let hostile: [[UInt8]] = [[0], [0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0x80], [0x0D], [0x0A], [0xED, 0xA0, 0x80]]
            bytes.insert(contentsOf: hostile.randomElement(using: &generator)!, at: Int.random(in: 1..<bytes.count, using: &generator))
        case 3: // a byte-order mark
            bytes = [0xEF, 0xBB, 0xBF] + bytes
        case 4: // a duplicate key
            bytes = Array(line.replacingOccurrences(of: #""data":{"#, with: #""data":{"engagement":"forum-2","#).utf8)
        case 5: // wrong types
            let replacements = [(#""forum-2""#, "42"), (#""p0""#, "[]"), (#""accepted""#, "true"), (#""citizen""#, "null"), (#""parks""#, "{}")]
            let (from, to) = replacements.randomElement(using: &generator)!
            bytes = Array(line.replacingOccurrences(of: from, with: to).utf8)
        case 6: // 100,000 levels of nesting
            bytes = Array((#"{"type":"rsvp.submitted","data":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8)
        case 7: // a huge string
            bytes = Array(line.replacingOccurrences(of: "Әлия", with: String(repeating: "Ә", count: 600_000)).utf8)
        case 8: // huge numbers
            bytes = Array(line.replacingOccurrences(of: #""p0""#, with: ["1e999999", String(repeating: "9", count: 400), "-0.0e-99999"].randomElement(using: &generator)!).utf8)
        case 9: // an id that walks out of the directory
            bytes = Array(line.replacingOccurrences(of: #""p0""#, with: #""../../etc/passwd""#).replacingOccurrences(of: #""h-1""#, with: #""a/b""#).utf8)
        case 10: // a line that tries to forge a second stored event
            bytes = Array(line.replacingOccurrences(of: "}}", with: #"}}"# + "\n" + #"{"seq":1,"id":"forged","type":"project.defined","data":{},"prev":"0000000000000000000000000000000000000000000000000000000000000000"}"#).utf8)
        case 11: // control characters and bidi overrides escaped inside text
            bytes = Array(line.replacingOccurrences(of: "Әлия", with: ["A\\u0000B", "A\\u001b[2J", "A\\u202eB", "A\\u0085B", "A\\nB"].randomElement(using: &generator)!).utf8)
        case 12: // an unknown type or field
            bytes = Array(line.replacingOccurrences(of: #""data":{"#, with: #""data":{"mood":"x","#).replacingOccurrences(of: ".submitted", with: ".sent").utf8)
        case 13: // a required field removed
            bytes = Array(line.replacingOccurrences(of: #""participant":"p0""#, with: #""person":"p0""#).replacingOccurrences(of: #""participant":"h1","#, with: "").utf8)
        case 14: // CRLF and trailing garbage
            bytes += [0x0D, 0x0A] + Array("garbage".utf8)
        default: // an offset-less or impossible timestamp
            bytes = Array(line.replacingOccurrences(of: "2017-11-30T08:50:00+06:00", with: ["2017-11-30T08:50:00", "2017-02-30T08:50:00Z", "yesterday"].randomElement(using: &generator)!)
                .replacingOccurrences(of: #""channel":"phone""#, with: #""channel":"pigeon""#).utf8)
        }
        return bytes
    }

    /// The files that hold evidence.
    func evidence(_ dir: String) -> [String: Data] {
        snapshot(dir).filter { $0.key.hasPrefix("segment-") || $0.key == "personal.jsonl" || $0.key == "ledger.json" }
    }

    @Test func tenThousandMutatedEventsThroughTheImportPath() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p0", "group=citizen", "name=Zero")
            let ledger = try Ledger(path: dir)
            ledger.warningHandler = { Issue.record("unexpected warning: \($0)") }
            var generator = SeededGenerator(seed: 42)
            var refused = 0, accepted = 0, written = 0
            var before = evidence(dir)
            for round in 0..<10_000 {
                let bytes = Self.mutate(Self.valid[round % Self.valid.count], using: &generator)
                do {
                    var events: [NewEvent] = []
                    for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                        events.append(try NewEvent(importLine: line))
                    }
                    written += try ledger.importBatch(events, source: "mutation \(round)").written
                    accepted += 1
                    before = evidence(dir)
                } catch let error as LedgerError {
                    refused += 1
                    let code = Tool.exitCode(for: error)
                    #expect(code == .badInput, "mutation \(round): \(code) \(error)")
                    #expect(!"\(error)".contains("\n"), "mutation \(round): a message of more than one line")
                    if round % 50 == 0 || refused < 200 { #expect(evidence(dir) == before, "mutation \(round) changed the ledger") }
                } catch {
                    Issue.record("mutation \(round): \(error)")
                }
            }
            #expect(evidence(dir) == before)
            #expect(refused >= 9_000, "refused \(refused), accepted \(accepted)")
            let report = try Verifier(path: dir).verify()
            #expect(report.damage == nil && report.tornTail == nil)
            #expect(report.events == Int64(3 + written)) // what was accepted is whole, valid events
        }
    }

    @Test func threeHundredMutatedEventsThroughTheBinary() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            try given(dir, "append", "participant.registered", "participant=p0", "group=citizen", "name=Zero")
            var generator = SeededGenerator(seed: 7)
            var before = evidence(dir)
            for round in 0..<300 {
                let bytes = Self.mutate(Self.valid[round % Self.valid.count], using: &generator)
                let file = dir + "/../mutation-\(round)-\(UUID().uuidString)"
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                defer { try? FileManager.default.removeItem(atPath: file) }
                let viaImport = round % 2 == 0
                let result = try Ledgerctl.run(["--dir", dir] + (viaImport ? ["import", file] : ["append", "rsvp.submitted", "--data", "@" + file]))
                #expect(result.exited, "mutation \(round) crashed")
                if result.status == 0 {
                    before = evidence(dir)
                    continue
                }
                #expect([64, 65].contains(result.status), "mutation \(round): exit \(result.status): \(result.stderr)")
                let lines = result.stderr.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].hasPrefix("error: "), "mutation \(round): \(result.stderr)")
                #expect(evidence(dir) == before, "mutation \(round) changed the ledger")
            }
            #expect(try ledger(dir, "verify").status == 0)
        }
    }

    @Test func aDirThatIsAFileOrASymlinkIsRefused() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/real")
            _ = FileManager.default.createFile(atPath: dir + "/file", contents: Data("x".utf8))
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/real")
            let onFile = try ledger(dir + "/file", "append", "participant.registered", "participant=a", "group=citizen", "name=A")
            #expect(onFile.status == 64 && onFile.stderr.contains("not a directory"))
            let initOnLink = try ledger(dir + "/link", "init")
            #expect(initOnLink.status == 64 && initOnLink.stderr.contains("a symbolic link"))
            #expect(try String(contentsOfFile: dir + "/file", encoding: .utf8) == "x")
        }
    }
}
