import Ledger
import Projections

/// One command's arguments and options, declared once: its help text, the shell completions
/// and the check of what it was given (unknown options, enumerated values) all read it, so
/// they cannot drift apart.
struct CommandSpec: Sendable {
    /// One `--option`: its value's placeholder (nil for a flag), the values it accepts when they
    /// are a fixed list, and what it does.
    struct Option: Sendable {
        var name: String
        var value: String?
        var values: [String] = []
        var summary: String
    }

    /// One positional argument: its placeholder, the values it accepts when they are a fixed
    /// list, and what it is.
    struct Argument: Sendable {
        var name: String
        var values: [String] = []
        var summary: String
    }

    var name: String
    /// What follows the command's name in the usage line.
    var synopsis: String
    var summary: String
    var arguments: [Argument] = []
    var options: [Option] = []
    var examples: [String]

    /// The option named `name`, if the command has it.
    func option(_ name: String) -> Option? { options.first { $0.name == name } }
}

extension CommandSpec {
    static let eventTypes = EventCatalog.version1.types.filter { !$0.isInternal }.map(\.name)
    static let reportKinds = ["attendees", "standings", "impact", "proposals"]
    static let formats = ReportFormat.allCases.map(\.rawValue) + ["iati"]
    static let languages = Language.allCases.map(\.rawValue)
    static let shells = ["bash", "zsh", "fish"]
    static let encodings = ["utf-8", "windows-1251"]

    /// Every command, in the order the global help lists them.
    static let all: [CommandSpec] = [
        CommandSpec(name: "init", synopsis: "[--segment-size SIZE]",
                    summary: "make DIR an empty ledger (a no-op on an existing one)",
                    options: [Option(name: "--segment-size", value: "SIZE", summary: "bytes per segment file, 1K to 1T, such as 16M (the default) or 64K")],
                    examples: ["ledgerctl --dir forum init"]),
        CommandSpec(name: "append", synopsis: "TYPE [FIELD=VALUE | FIELD:=JSON ...] [OPTIONS]",
                    summary: "append one event; print it, as stored, as one JSON line",
                    arguments: [Argument(name: "TYPE", values: eventTypes, summary: "the event's type ('ledgerctl types' lists each one's fields)"),
                                Argument(name: "FIELD=VALUE", summary: "a field as a string (participant=0042 stays \"0042\")"),
                                Argument(name: "FIELD:=JSON", summary: "a field as a raw JSON value (capacity:=400, partners:='[\"KBTU\"]')")],
                    options: [Option(name: "--data", value: "JSON|@FILE|-", summary: "the data as one JSON object: given, read from FILE, or from standard input"),
                              Option(name: "--id", value: "ID", summary: "the event's id: a retry with the same id and content changes nothing"),
                              Option(name: "--occurred-at", value: "TIME", summary: "when it happened, with an offset (2017-11-30T09:05:00+06:00); else now"),
                              Option(name: "--actor", value: "NAME", summary: "who or what recorded it (a desk, a script)")],
                    examples: ["ledgerctl --dir forum append rsvp.submitted engagement=forum-2 participant=0042 --occurred-at 2017-11-28T10:00:00+06:00"]),
        CommandSpec(name: "import", synopsis: "[FILE | -] | --csv FILE|- --type TYPE [--id-column COL] [--map COL=FIELD ...] [--delimiter C] [--encoding E]",
                    summary: "append JSON Lines {\"type\",\"data\",\"id\"?,\"occurred_at\"?,\"actor\"?}, or the rows of a spreadsheet saved as CSV (one event of TYPE a row; the header row names the fields), as one unit: all or nothing; print a one-line summary",
                    arguments: [Argument(name: "FILE", summary: "the JSON Lines file, or - (the default) for standard input")],
                    options: [Option(name: "--csv", value: "FILE|-", summary: "read a CSV file (RFC 4180; a UTF-8 byte-order mark and CRLF are fine); empty cells are absent fields; numbers become numbers, lists are written as JSON"),
                              Option(name: "--type", value: "TYPE", values: eventTypes, summary: "with --csv: the event type of every row"),
                              Option(name: "--id-column", value: "COL", summary: "with --csv: the column holding each row's event id, so that importing the sheet again appends only new rows"),
                              Option(name: "--map", value: "COL=FIELD", summary: "with --csv: column COL fills FIELD (repeatable); a column named occurred_at or actor fills the event's own"),
                              Option(name: "--delimiter", value: "C", values: [",", ";", "tab"], summary: "with --csv: the cell separator; else detected from the header row"),
                              Option(name: "--encoding", value: "E", values: encodings, summary: "with --csv: the file's encoding; default utf-8 (windows-1251: older Russian Excel)")],
                    examples: ["ledgerctl --dir forum import rsvps.jsonl",
                               "ledgerctl --dir forum import --csv rsvps.csv --type rsvp.submitted --id-column ID --map 'Participant=participant'"]),
        CommandSpec(name: "log", synopsis: "[--type T] [--since SEQ] [--limit N | --follow] [--json] [--wide]",
                    summary: "list events after SEQ (a table, or the stored lines)",
                    options: [Option(name: "--type", value: "T", values: eventTypes, summary: "only events of type T; a T ending in '.' matches a prefix (--type rsvp.)"),
                              Option(name: "--since", value: "SEQ", summary: "only events after seq SEQ (default 0: all)"),
                              Option(name: "--limit", value: "N", summary: "at most N events"),
                              Option(name: "--json", summary: "print the stored JSON lines instead of a table"),
                              Option(name: "--wide", summary: "on a terminal, show every cell whole (a file or a pipe always gets them whole)"),
                              Option(name: "--follow", summary: "after what is committed, wait and print each new event once, in order, until SIGINT, SIGTERM or a closed pipe; resume with --since the last seq printed")],
                    examples: ["ledgerctl --dir events log --type rsvp. --limit 5",
                               "ledgerctl --dir forum log --follow --since 120 --type attendance.checked_in --json"]),
        CommandSpec(name: "verify", synopsis: "[--checkpoint FILE]",
                    summary: "check the whole ledger; print its head (seq, hash)",
                    options: [Option(name: "--checkpoint", value: "FILE", summary: "also check that the ledger extends this checkpoint (from 'ledgerctl checkpoint')")],
                    examples: ["ledgerctl --dir events verify --checkpoint head.txt"]),
        CommandSpec(name: "checkpoint", synopsis: "",
                    summary: "print a checkpoint of the head (keep it elsewhere)",
                    examples: ["ledgerctl --dir events checkpoint > head.txt"]),
        CommandSpec(name: "types", synopsis: "[--json]",
                    summary: "the event catalog: types, fields, required (*), personal (P)",
                    options: [Option(name: "--json", summary: "the catalog as one JSON object")],
                    examples: ["ledgerctl types"]),
        CommandSpec(name: "forget", synopsis: "PARTICIPANT",
                    summary: "erase a person's personal data; append participant.erased",
                    arguments: [Argument(name: "PARTICIPANT", summary: "the participant id, as registered")],
                    examples: ["ledgerctl --dir forum forget 0042"]),
        CommandSpec(name: "backup", synopsis: "DEST",
                    summary: "copy the ledger to DEST while writers go on: to the committed end, only what DEST lacks, flushed, verified, with a checkpoint of its head in DEST",
                    arguments: [Argument(name: "DEST", summary: "a directory of its own (made if missing), or an earlier backup of this ledger")],
                    examples: ["ledgerctl --dir events backup /mnt/usb/wealmaty-ledger"]),
        CommandSpec(name: "repair", synopsis: "[--apply]",
                    summary: "show (or move to DIR/quarantine/) everything after the last line whose chain checks: for a garbled last line after a power cut",
                    options: [Option(name: "--apply", summary: "move it (without --apply, only show what would move)")],
                    examples: ["ledgerctl --dir forum repair"]),
        CommandSpec(name: "report", synopsis: "KIND [OPTIONS]",
                    summary: "replay the events into a report, stamped with the seq range and head hash it was computed from",
                    arguments: [Argument(name: "KIND", values: reportKinds, summary: "which report")],
                    options: [Option(name: "--format", value: "FORMAT", values: formats, summary: "the output format (iati: impact only); default table"),
                              Option(name: "--as-of", value: "SEQ|TIME", summary: "only the events up to seq SEQ, or up to a date-time with an offset"),
                              Option(name: "--lang", value: "LANG", values: languages, summary: "the labels' language; default en"),
                              Option(name: "--output", value: "FILE", summary: "write to FILE (owner-only); its extension (.html, .json, .csv, .md, .txt, .xml for iati) picks the format unless --format is given"),
                              Option(name: "--engagement", value: "E", summary: "attendees, impact, proposals: one engagement"),
                              Option(name: "--contest", value: "C", summary: "standings: one contest"),
                              Option(name: "--project", value: "P", summary: "impact: one project"),
                              Option(name: "--theme", value: "THEME", values: EventCatalog.themes, summary: "proposals: one theme"),
                              Option(name: "--status", value: "STATUS", values: ProposalsProjection.statuses, summary: "proposals: one status"),
                              Option(name: "--fresh", summary: "impact: fold from the first event, not from the saved state in DIR/index/"),
                              Option(name: "--wide", summary: "table: on a terminal, show every cell whole (a file or a pipe always gets them whole)"),
                              Option(name: "--period", value: "PERIOD", values: ReportingPeriod.allCases.map(\.rawValue),
                                     summary: "impact: each indicator's actual per project, project year, quarter or month (from the project's start)")],
                    examples: ["ledgerctl --dir events report impact --format html --output impact.html",
                               "ledgerctl --dir events report impact --period year",
                               "ledgerctl --dir events report proposals --theme cycle_paths --lang ru"]),
        CommandSpec(name: "completions", synopsis: "SHELL",
                    summary: "print a completion script for the shell",
                    arguments: [Argument(name: "SHELL", values: shells, summary: "the shell")],
                    examples: ["ledgerctl completions bash > /etc/bash_completion.d/ledgerctl"]),
        CommandSpec(name: "help", synopsis: "[COMMAND]",
                    summary: "the global usage, or one command's",
                    arguments: [Argument(name: "COMMAND", summary: "a command: init, append, import, log, ...")],
                    examples: ["ledgerctl help report"]),
    ]

    /// The command named `name`.
    static func named(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// Every command's name.
    static var names: [String] { all.map(\.name) }

    /// The options every command takes: given before or after the command.
    static let globalOptions = [Option(name: "--dir", value: "DIR", summary: "the ledger's directory (else $LEDGER_DIR, else ./events)"),
                                Option(name: "--wait", value: "SECONDS", summary: "how long a writer waits for the lock (else $LEDGER_LOCK_TIMEOUT, else 10)"),
                                Option(name: "--help", summary: "this help (also -h)")]
}

// MARK: - Help text

extension CommandSpec {
    /// The command's usage: synopsis, summary, arguments and options with the values they
    /// take, and examples.
    var help: String {
        var lines = ["usage: ledgerctl [--dir DIR] \(name)" + (synopsis.isEmpty ? "" : " \(synopsis)"), ""]
        lines += Self.wrapped(summary, width: 78, indent: "")
        let argumentRows = arguments.map { ($0.name, $0.summary, $0.values) }
        let optionRows = options.map { ($0.name + ($0.value.map { " \($0)" } ?? ""), $0.summary, $0.values) }
            + Self.globalOptions.map { ($0.name + ($0.value.map { " \($0)" } ?? ""), $0.summary, [String]()) }
        let column = min(24, (argumentRows + optionRows).map(\.0.count).max().map { $0 + 2 } ?? 0)
        for (title, rows) in [("arguments:", argumentRows), ("options:", optionRows)] where !rows.isEmpty {
            lines += ["", title]
            for (label, summary, values) in rows {
                var text = summary
                if !values.isEmpty { text += "; one of: " + values.joined(separator: ", ") }
                let body = Self.wrapped(text, width: 78 - 2 - column, indent: "")
                let head = "  " + label
                if head.count + 1 < column + 2 {
                    lines.append(head + String(repeating: " ", count: column + 2 - head.count) + body[0])
                    lines += body.dropFirst().map { String(repeating: " ", count: column + 2) + $0 }
                } else {
                    lines.append(head)
                    lines += body.map { String(repeating: " ", count: column + 2) + $0 }
                }
            }
        }
        lines += ["", examples.count == 1 ? "example:" : "examples:"] + examples.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// `text` cut into lines of at most `width` characters at spaces.
    static func wrapped(_ text: String, width: Int, indent: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.isEmpty || line == indent ? "" : " ") + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
