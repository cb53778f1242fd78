import Foundation
import Testing

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
}
