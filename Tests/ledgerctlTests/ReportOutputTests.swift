import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where a report or a listing goes: the format from `--output`'s extension, `--as-of` in the
/// refusals, tables whole unless a terminal needs them cut.
@Suite struct ReportOutputTests {
    @Test(arguments: [("forum.html", "<!DOCTYPE html>"), ("forum.json", "{"), ("forum.csv", "ID,Name,"), ("forum.md", "# "), ("forum.txt", "Attendees")])
    func theOutputFileExtensionPicksTheFormat(name: String, start: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            let result = try ledger(dir + "/l", "report", "attendees", "--output", dir + "/" + name)
            #expect(result.status == 0 && result.stdout.isEmpty)
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            #expect(text.hasPrefix(start), "\(name): \(text.prefix(40))")
        }
    }

    /// A report names people, and `forget` rewrites only the ledger's own files: a report file
    /// inside the ledger's directory would keep a forgotten person's name, so none is written there.
    @Test func aReportIsNotWrittenInsideTheLedgersDirectory() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/l")
            let before = snapshot(dir + "/l")
            for output in [dir + "/l/att.csv", dir + "/l/index/att.csv", dir + "/link/att.csv", dir + "/l/new/../att.csv"] {
                let result = try ledger(dir + "/l", "report", "attendees", "--output", output)
                #expect(result.status == 64 && result.stderr.contains("is in the ledger's directory"), "\(output): \(result.status) \(result.stderr)")
            }
            #expect(snapshot(dir + "/l") == before)
            #expect(try ledger(dir + "/l", "report", "attendees", "--output", dir + "/link/../att.csv").status == 0) // beside it, not in it
            #expect(FileManager.default.fileExists(atPath: dir + "/att.csv"))
        }
    }

    /// The ledger's directory is recognised by the directory the file is made in, not by its
    /// path: a bind mount of it (or a link swapped between the check and the write) is refused.
    @Test(.enabled(if: getuid() == 0, "a bind mount needs root"))
    func aReportIsNotWrittenIntoABindMountOfTheLedger() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            try FileManager.default.createDirectory(atPath: dir + "/mounted", withIntermediateDirectories: false)
            let mount = Process()
            mount.executableURL = URL(fileURLWithPath: "/bin/mount")
            mount.arguments = ["--bind", dir + "/l", dir + "/mounted"]
            mount.standardError = FileHandle.nullDevice
            try mount.run()
            mount.waitUntilExit()
            try #require(mount.terminationStatus == 0, "mount --bind failed: no CAP_SYS_ADMIN here")
            defer {
                let umount = Process()
                umount.executableURL = URL(fileURLWithPath: "/bin/umount")
                umount.arguments = [dir + "/mounted"]
                try? umount.run()
                umount.waitUntilExit()
            }
            let before = snapshot(dir + "/l")
            let result = try ledger(dir + "/l", "report", "attendees", "--output", dir + "/mounted/att.csv")
            #expect(result.status == 64 && result.stderr.contains("is in the ledger's directory"), "\(result.status) \(result.stderr)")
            #expect(snapshot(dir + "/l") == before)
        }
    }

    /// `--output` makes a new file and renames it over the name: a dangling link pointing into
    /// the ledger, a second name of a segment, or an existing file readable by others is
    /// replaced, never written through (before, each was opened and written in place).
    @Test func theOutputReplacesWhatStoodThereAndNeverWritesThroughIt() throws {
        try withTemporaryDirectory { dir in
            let ledgerDir = dir + "/l"
            try demoLedger(ledgerDir)
            try FileManager.default.createSymbolicLink(atPath: dir + "/dangling.csv", withDestinationPath: ledgerDir + "/leak.csv")
            let segment = try #require(try FileSafetyTests.segments(ledgerDir).first)
            try FileManager.default.linkItem(atPath: ledgerDir + "/" + segment, toPath: dir + "/second-name.csv")
            #expect(FileManager.default.createFile(atPath: dir + "/open.csv", contents: Data("old\n".utf8), attributes: [.posixPermissions: 0o644]))
            let before = snapshot(ledgerDir)
            for output in ["dangling.csv", "second-name.csv", "open.csv"] {
                let result = try ledger(ledgerDir, "report", "attendees", "--format", "csv", "--output", dir + "/" + output)
                #expect(result.status == 0, "\(output): \(result.stderr)")
                var info = stat()
                #expect(lstat(dir + "/" + output, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_mode & 0o777 == 0o600 && info.st_nlink == 1, "\(output)")
                #expect(try String(contentsOfFile: dir + "/" + output, encoding: .utf8).hasPrefix("ID,Name,"), "\(output)")
            }
            #expect(snapshot(ledgerDir) == before, "a file in the ledger was written or made")
            #expect(try ledger(ledgerDir, "verify").status == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }.isEmpty)
        }
    }

    @Test func formatWinsOverTheExtensionAndXMLMeansIATIForImpact() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l", isPublished: true) // IATI needs the reporting organisation
            #expect(try ledger(dir + "/l", "report", "attendees", "--output", dir + "/a.html", "--format", "csv").status == 0)
            #expect(try String(contentsOfFile: dir + "/a.html", encoding: .utf8).hasPrefix("ID,Name,"))
            #expect(try ledger(dir + "/l", "report", "impact", "--output", dir + "/results.xml").status == 0)
            #expect(try String(contentsOfFile: dir + "/results.xml", encoding: .utf8).hasPrefix("<?xml"))
            #expect(try ledger(dir + "/l", "report", "attendees", "--output", dir + "/a.report").status == 0)
            #expect(try String(contentsOfFile: dir + "/a.report", encoding: .utf8).hasPrefix("Attendees")) // no known extension: a table
        }
    }

    @Test func refusalsOfAnAsOfReportSayAsOfWhen() throws {
        try withTemporaryDirectory { dir in
            try given(dir, "init")
            try given(dir, "append", "project.defined", "--occurred-at", "2018-01-05T10:00:00+06:00", "project=p", "title=T",
                      "starts_on=2017-04-01", "ends_on=2020-03-31")
            let before = ledgerFiles(dir)
            let byTime = try ledger(dir, "report", "impact", "--as-of", "2017-12-31T23:59:59+06:00")
            #expect(byTime.status == 65)
            #expect(byTime.stderr == "error: the ledger has no project as of 2017-12-31T23:59:59+06:00\n")
            let bySeq = try ledger(dir, "report", "impact", "--as-of", "1", "--project", "q")
            #expect(bySeq.stderr == "error: no project 'q' in the ledger as of seq 1 (there are: p)\n")
            let now = try ledger(dir, "report", "impact", "--project", "q")
            #expect(now.stderr == "error: no project 'q' in the ledger (there are: p)\n")
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func logTablesAreWholeUnlessATerminalNeedsThemCut() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            let title = String(repeating: "Green corridor ", count: 10) + "END"
            try given(dir + "/l", "append", "engagement.scheduled", "--occurred-at", "2017-11-02T10:00:00+06:00", "engagement=forum-3", "project=wealmaty",
                      "title=\(title)", "starts_at=2018-03-01T09:00:00+06:00", "ends_at=2018-03-01T13:00:00+06:00", "time_zone=Asia/Almaty")
            // To a file (the runner's stdout): every cell whole.
            let piped = try ledger(dir + "/l", "log")
            #expect(piped.stdout.contains("END") && !piped.stdout.contains("…"))
            // On a terminal (script(1) gives one): cut to fit, unless --wide.
            let onTerminal = try Self.onTerminal([Ledgerctl.path, "--dir", dir + "/l", "log"])
            #expect(onTerminal.contains("…") && !onTerminal.contains("END"))
            let wide = try Self.onTerminal([Ledgerctl.path, "--dir", dir + "/l", "log", "--wide"])
            #expect(wide.contains("END") && !wide.contains("…"))
        }
    }

    @Test func reportTablesAreWholeUnlessATerminalNeedsThemCut() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir + "/l")
            let title = String(repeating: "Green corridor ", count: 10) + "END"
            try given(dir + "/l", "append", "engagement.scheduled", "--occurred-at", "2017-11-02T10:00:00+06:00", "engagement=forum-3", "project=wealmaty",
                      "title=\(title)", "starts_at=2018-03-01T09:00:00+06:00", "ends_at=2018-03-01T13:00:00+06:00", "time_zone=Asia/Almaty")
            let piped = try ledger(dir + "/l", "report", "impact")
            #expect(piped.stdout.contains("END") && piped.stdout.contains("people who took at least one action (RSVP, check-in, quiz answer"))
            #expect(!piped.stdout.contains("…"))
            let onTerminal = try Self.onTerminal([Ledgerctl.path, "--dir", dir + "/l", "report", "impact"])
            #expect(onTerminal.contains("…") && !onTerminal.contains("END"))
            let wide = try Self.onTerminal([Ledgerctl.path, "--dir", dir + "/l", "report", "impact", "--wide"])
            #expect(wide.contains("END") && !wide.contains("…"))
        }
    }

    /// Runs `command` with a pseudo-terminal as its standard output, through script(1).
    static func onTerminal(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command.map { "'\($0)'" }.joined(separator: " "), "/dev/null"]
        let scratch = NSTemporaryDirectory() + "ledgerctl-tty-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: scratch, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        process.standardOutput = FileHandle(forWritingAtPath: scratch)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        return try String(contentsOfFile: scratch, encoding: .utf8)
    }
}
