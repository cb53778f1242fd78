import Foundation
import Testing

/// Long work shows how far it has got on standard error when that is a terminal, and nothing
/// when it is not (scripts and logs get only the result).
@Suite struct ProgressTests {
    /// Runs `ledgerctl ARGUMENTS` under `script`, which gives it a terminal; returns what it wrote there.
    func onTerminal(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([Ledgerctl.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        process.arguments = ["-qec", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aLongImportShowsProgressOnATerminalOnly() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let lines = (1...30_000).map { #"{"type":"participant.registered","data":{"participant":"p\#($0)","group":"citizen","name":"N \#($0)"}}"# }
            let file = dir + "-import.jsonl"
            try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let shown = try onTerminal(["--dir", dir, "import", file])
            // Streamed: the input is checked (a share of its bytes), then the events are written.
            #expect((shown.contains("checking \(file): ") || shown.contains("writing 30000 events: ")) && shown.contains("%"), "\(shown.suffix(300))")
            // The line is cleared before the result is printed.
            #expect(shown.contains("\r\u{1B}[Kimported 30000 events (seq 3-30002)"), "\(shown.suffix(300))")
            // Not a terminal: the result alone.
            let quiet = try ledger(dir, "verify")
            #expect(quiet.status == 0 && quiet.stderr.isEmpty)
        }
    }
}
