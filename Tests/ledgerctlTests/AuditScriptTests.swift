import Foundation
import Testing
@testable import Ledger

/// The auditor's independent check (Scripts/audit_chain.py, python3 only) agrees with `verify`.
@Suite struct AuditScriptTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func audit(_ arguments: [String]) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.repository + "/Scripts/audit_chain.py"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self), exited: true)
    }

    @Test func agreesWithVerifyOnAnIntactAndATamperedLedger() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir, segmentSize: "1K")
            for k in 1...12 {
                try given(dir, "append", "participant.registered", "participant=p-\(k)", "group=academia", "name=Тест \(k)")
            }
            let verify = try ledger(dir, "verify")
            let script = try audit([dir])
            #expect(script.status == 0, "\(script.stderr)")
            #expect(script.stdout == verify.stdout)

            let checkpoint = dir + "/../checkpoint-\(UUID().uuidString)"
            try ledger(dir, "checkpoint").stdout.write(toFile: checkpoint, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: checkpoint) }
            #expect(try audit([dir, "--checkpoint", checkpoint]).status == 0)

            let segments = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("segment-") }.sorted()
            let path = dir + "/" + segments[2]
            var bytes = try #require(FileManager.default.contents(atPath: path))
            let at = try #require(bytes.firstIndex(of: UInt8(ascii: "T")))
            bytes[at] = UInt8(ascii: "X")
            try bytes.write(to: URL(fileURLWithPath: path))
            let tampered = try audit([dir])
            #expect(tampered.status == 1)
            #expect(tampered.stderr.contains("FAIL: \(path) line"))
            #expect(try ledger(dir, "verify").status == 1)
        }
    }

    /// `verify --checkpoint` and the script read a checkpoint alike, and agree on what it proves:
    /// a field given twice, a seq with a sign or a leading zero, and a checkpoint of a line of an
    /// import that never finished (the ledger ends before it) are refused by both.
    @Test func agreesWithVerifyOnCheckpointsThatProveNothing() throws {
        try withTemporaryDirectory { top in
            let dir = top + "/ledger"
            try demoLedger(dir)
            let people = (1...5).map { #"{"type":"participant.registered","data":{"participant":"b\#($0)","group":"academia","name":"B \#($0)"}}"# }
            try given(dir, "import", "-", stdin: people.joined(separator: "\n") + "\n") // seq 3-7, one batch
            let head = try ledger(dir, "checkpoint").stdout
            let sha = try #require(head.split(separator: "\n").first { $0.hasPrefix("sha256: ") }).dropFirst("sha256: ".count)
            let file = top + "/checkpoint.txt"
            func bothRefuse(_ text: String, _ why: String) throws {
                try text.write(toFile: file, atomically: true, encoding: .utf8)
                let verify = try ledger(dir, "verify", "--checkpoint", file)
                let script = try audit([dir, "--checkpoint", file])
                #expect(verify.status != 0 && script.status != 0, "\(why): verify \(verify.status) \(verify.stdout)\(verify.stderr); script \(script.status) \(script.stdout)")
            }
            try bothRefuse("ledger-checkpoint/1\nseq: 7\nsha256: \(sha)\nseq: 0\nsha256: \(String(repeating: "0", count: 64))\n", "a field given twice")
            try bothRefuse("ledger-checkpoint/1\nseq: +7\nsha256: \(sha)\n", "a signed seq")
            try bothRefuse("ledger-checkpoint/1\nseq: 07\nsha256: \(sha)\n", "a leading zero")
            try head.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try ledger(dir, "verify", "--checkpoint", file).status == 0 && (try audit([dir, "--checkpoint", file])).status == 0)
            // Line ends and white space as a mail client or Windows may leave them: read alike.
            func bothAccept(_ text: String, _ why: String) throws {
                try text.write(toFile: file, atomically: true, encoding: .utf8)
                let verify = try ledger(dir, "verify", "--checkpoint", file)
                let script = try audit([dir, "--checkpoint", file])
                #expect(verify.status == 0 && script.status == 0, "\(why): verify \(verify.status) \(verify.stderr); script \(script.status) \(script.stderr)")
            }
            try bothAccept(head.replacingOccurrences(of: "\n", with: "\r\n"), "CRLF")
            try bothAccept(head.replacingOccurrences(of: "\n", with: "\r"), "CR")
            try bothAccept("\n\t" + head.replacingOccurrences(of: ": ", with: " :\t ") + "\n\n", "blank lines and tabs")
            try bothRefuse(head + "garbage\n", "a line that is not 'name: value'")
            try bothRefuse(head + "ledger-checkpoint/1\n", "the header twice")
            try bothRefuse(head.replacingOccurrences(of: "sha256: ", with: "sha256: \u{A0}"), "a no-break space before the hash")
            try bothRefuse(head + String(repeating: "\n", count: 4096), "more than 4096 bytes")
            try Data(Array(head.utf8) + Array("note: ".utf8) + [0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: file))
            #expect(try ledger(dir, "verify", "--checkpoint", file).status != 0 && (try audit([dir, "--checkpoint", file])).status != 0, "not UTF-8")
            // The import's last two lines lost: the batch from seq 3 never finished, and the ledger ends at seq 2.
            let segment = try #require(try FileSafetyTests.segments(dir).last)
            let lines = try String(contentsOfFile: dir + "/" + segment, encoding: .utf8).split(separator: "\n").map(String.init)
            try (lines.prefix(5).joined(separator: "\n") + "\n").write(toFile: dir + "/" + segment, atomically: true, encoding: .utf8)
            let fifth = SHA256.hash(Array(lines[4].utf8)).hex
            try bothRefuse("ledger-checkpoint/1\nseq: 5\nsha256: \(fifth)\n", "a line of an unfinished import")
            let verify = try ledger(dir, "verify", "--checkpoint", file)
            #expect(verify.stderr.contains("before the checkpoint's seq"), "\(verify.stderr)")
        }
    }
}
