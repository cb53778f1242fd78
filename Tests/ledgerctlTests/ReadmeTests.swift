import Foundation
import Testing

/// The README's usage section, run as printed: every `sh` block of "## Using it", top to
/// bottom, in a new directory that holds a copy of the demo ledger (for the `--dir events`
/// examples) and of the auditor's script. Only the build lines are left out: the test puts the
/// binary it built on PATH.
@Suite struct ReadmeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The shell examples of the README's section `heading`, in order, without the build lines.
    static func shellExamples(under heading: String) throws -> String {
        let readme = try String(contentsOfFile: repository + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "\n\(heading)\n") else { return "" }
        let section = readme[start.upperBound...].components(separatedBy: "\n## ").first ?? ""
        var script: [String] = []
        var inBlock = false
        for line in section.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                inBlock = line == "```sh" ? true : false
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("swift ") || line.hasPrefix("export PATH=") { continue }
            script.append(line)
        }
        return script.joined(separator: "\n")
    }

    @Test func theUsageSectionRunsAsPrinted() throws {
        let examples = try Self.shellExamples(under: "## Using it")
        #expect(examples.contains("ledgerctl init") && examples.contains("ledgerctl report"))
        try withTemporaryDirectory { dir in
            let files = FileManager.default
            try files.copyItem(atPath: Self.repository + "/events", toPath: dir + "/events")
            try files.createDirectory(atPath: dir + "/Scripts", withIntermediateDirectories: true)
            try files.copyItem(atPath: Self.repository + "/Scripts/audit_chain.py", toPath: dir + "/Scripts/audit_chain.py")
            try files.copyItem(atPath: Self.repository + "/Scripts/audit_impact.py", toPath: dir + "/Scripts/audit_impact.py")
            let demoBefore = ledgerFiles(dir + "/events")
            try ("set -euo pipefail\n" + examples + "\n").write(toFile: dir + "/readme.sh", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [dir + "/readme.sh"]
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "LEDGER_DIR")
            environment.removeValue(forKey: "SOURCE_DATE_EPOCH")
            environment["PATH"] = URL(fileURLWithPath: Ledgerctl.path).deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["TMPDIR"] = dir
            environment["HOME"] = dir
            process.environment = environment
            // Files, not pipes: a pipe left unread while the other is drained would stall the examples.
            _ = files.createFile(atPath: dir + "/readme.out", contents: nil)
            _ = files.createFile(atPath: dir + "/readme.err", contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: dir + "/readme.out")
            process.standardError = FileHandle(forWritingAtPath: dir + "/readme.err")
            try process.run()
            process.waitUntilExit()
            let outputText = try String(contentsOfFile: dir + "/readme.out", encoding: .utf8)
            let errorText = try String(contentsOfFile: dir + "/readme.err", encoding: .utf8)
            #expect(process.terminationStatus == 0, "README examples failed: \(errorText)")
            #expect(!errorText.contains("error:"), "\(errorText)")
            // What the examples made: the new ledger, a report file by extension, the IATI file.
            #expect(outputText.contains("imported 2 events"))
            #expect(outputText.contains("ok: ") && outputText.contains("chain intact"))
            let html = try String(contentsOfFile: dir + "/forum-2.html", encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("Әлия Нұрланқызы"))
            #expect(try String(contentsOfFile: dir + "/results.xml", encoding: .utf8).contains("<result"))
            #expect(files.fileExists(atPath: dir + "/wealmaty/ledger.json"))
            #expect(ledgerFiles(dir + "/events") == demoBefore) // the demo is only read
        }
    }
}
