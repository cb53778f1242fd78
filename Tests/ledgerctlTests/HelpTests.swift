import Foundation
import Testing

/// Help where people look: per-command usage, "did you mean", the argument at fault, completions.
@Suite struct HelpTests {
    @Test(arguments: [["help", "report"], ["report", "--help"], ["report", "-h"], ["--help", "report"]])
    func printsTheUsageOfOneCommand(arguments: [String]) throws {
        let result = try Ledgerctl.run(arguments)
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("usage: ledgerctl [--dir DIR] report KIND"))
        // The values each option takes, and an example.
        for expected in ["attendees, standings, impact,", "table, json, csv, md, html, iati", "en, kk, ru", "pedestrian_zones,",
                         "cycle_paths", "under_review", "implemented", "example", "ledgerctl --dir events report impact"] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        #expect(!result.stdout.contains("commands:")) // not the global usage
    }

    @Test func everyCommandHasItsOwnHelpWithAnExample() throws {
        for command in ["init", "append", "import", "log", "verify", "checkpoint", "types", "forget", "repair", "report", "completions", "help"] {
            let result = try Ledgerctl.run([command, "--help"])
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.hasPrefix("usage: ledgerctl [--dir DIR] \(command)"), "\(command)")
            #expect(result.stdout.contains("\n  ledgerctl "), "\(command) has no example")
        }
        let append = try Ledgerctl.run(["help", "append"])
        #expect(append.stdout.contains("rsvp.submitted") && append.stdout.contains("--occurred-at TIME"))
        let log = try Ledgerctl.run(["log", "-h"])
        #expect(log.stdout.contains("--type T") && log.stdout.contains("proposal.status.changed"))
    }

    @Test func theGlobalHelpStaysAndNamesTheNewWays() throws {
        let result = try Ledgerctl.run(["help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("usage: ledgerctl [--dir DIR]") && result.stdout.contains("commands:"))
        #expect(result.stdout.contains("help [COMMAND], COMMAND --help") && result.stdout.contains("completions bash|zsh|fish"))
    }

    @Test(arguments: [
        (["reprot", "impact"], "error: unknown command 'reprot' (did you mean 'report'?); see 'ledgerctl help'\n"),
        (["help", "improt"], "error: unknown command 'improt' (did you mean 'import'?); see 'ledgerctl help'\n"),
        (["report", "impact", "-f", "json"], "error: unknown option '-f' (did you mean '--format'?); see 'ledgerctl help report'\n"),
        (["report", "impact", "--fromat", "json"], "error: unknown option '--fromat' (did you mean '--format'?); see 'ledgerctl help report'\n"),
        (["report", "impact", "--format", "jsn"],
         "error: --format takes table, json, csv, md, html, iati, not 'jsn' (did you mean 'json'?); see 'ledgerctl help report'\n"),
        (["report", "atendees"],
         "error: unknown report 'atendees' (did you mean 'attendees'?); report takes one of: attendees, standings, impact, proposals; see 'ledgerctl help report'\n"),
        (["report", "proposals", "--theme", "park"],
         "error: --theme takes pedestrian_zones, cycle_paths, parks, green_areas, public_space, other, not 'park' (did you mean 'parks'?); see 'ledgerctl help report'\n"),
        (["report", "proposals", "--status", "acepted"],
         "error: --status takes submitted, under_review, accepted, declined, implemented, not 'acepted' (did you mean 'accepted'?); see 'ledgerctl help report'\n"),
        (["report", "attendees", "--lang", "kz"], "error: --lang takes en, kk, ru, not 'kz' (did you mean 'kk'?); see 'ledgerctl help report'\n"),
        (["log", "--folow"], "error: unknown option '--folow' (did you mean '--follow'?); see 'ledgerctl help log'\n"),
        (["log", "--colour"], "error: unknown option '--colour'; see 'ledgerctl help log'\n"),
        (["log", "--sinse", "3"], "error: unknown option '--sinse' (did you mean '--since'?); see 'ledgerctl help log'\n"),
        (["completions", "fsh"], "error: completions takes bash, zsh, fish, not 'fsh' (did you mean 'fish'?); see 'ledgerctl help completions'\n"),
    ])
    func namesTheArgumentAtFaultAndSuggestTheNearest(arguments: [String], message: String) throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let result = try Ledgerctl.run(["--dir", dir] + arguments)
            #expect(result.status == 64)
            #expect(result.stderr == message)
            #expect(result.stdout.isEmpty)
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func suggestsTheNearestEventType() throws {
        try withTemporaryDirectory { dir in
            try demoLedger(dir)
            let before = ledgerFiles(dir)
            let append = try ledger(dir, "append", "rsvp.submited", "engagement=forum-2")
            #expect(append.status == 65)
            #expect(append.stderr == "error: unknown event type 'rsvp.submited' (did you mean 'rsvp.submitted'?); 'ledgerctl types' lists the catalog\n")
            let log = try ledger(dir, "log", "--type", "atendance.checked_in")
            #expect(log.status == 65 && log.stderr.contains("(did you mean 'attendance.checked_in'?)"))
            #expect(ledgerFiles(dir) == before)
        }
    }

    @Test func bashCompletionOffersCommandsOptionsAndValues() throws {
        try withTemporaryDirectory { dir in
            let script = try Ledgerctl.run(["completions", "bash"])
            #expect(script.status == 0)
            try script.stdout.write(toFile: dir + "/ledgerctl.bash", atomically: true, encoding: .utf8)
            func complete(_ words: [String]) throws -> String {
                let quoted = words.map { "'\($0)'" }.joined(separator: " ")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/bash")
                process.arguments = ["-c", "source \"$0\"; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _ledgerctl; echo \"${COMPREPLY[*]}\"",
                                     dir + "/ledgerctl.bash"]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return output.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try complete(["ledgerctl", "rep"]) == "repair report")
            #expect(try complete(["ledgerctl", "--dir", "events", "report", "i"]) == "impact")
            #expect(try complete(["ledgerctl", "report", "impact", "--format", "j"]) == "json")
            #expect(try complete(["ledgerctl", "report", "proposals", "--theme", "cy"]) == "cycle_paths")
            #expect(try complete(["ledgerctl", "log", "--type", "rsvp.s"]) == "rsvp.submitted")
            #expect(try complete(["ledgerctl", "log", "--si"]) == "--since")
        }
    }

    @Test func zshAndFishScriptsCoverEveryCommand() throws {
        let zsh = try Ledgerctl.run(["completions", "zsh"])
        let fish = try Ledgerctl.run(["completions", "fish"])
        #expect(zsh.status == 0 && zsh.stdout.hasPrefix("#compdef ledgerctl"))
        #expect(fish.status == 0)
        for command in ["init", "append", "import", "log", "verify", "report", "completions"] {
            #expect(zsh.stdout.contains("        \(command)) compadd -- "), "\(command)")
            #expect(fish.stdout.contains("-n __fish_use_subcommand -a \(command) "), "\(command)")
        }
        #expect(fish.stdout.contains("complete -c ledgerctl -n '__fish_seen_subcommand_from report' -l format -x -a 'table json csv md html iati'"))
        #expect(zsh.stdout.contains("--lang) compadd -- en kk ru; return ;;"))
    }
}
