import Foundation
import Ledger

extension Tool {
    /// The most bytes `--data` or one `import` line may hold.
    static let maximumInputBytes = Ledger.maximumReadLineBytes

    func runInit(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        var configuration = LedgerDirectory.Configuration()
        let requestedSize = try list.option("--segment-size")
        if let size = requestedSize {
            guard let bytes = Self.byteCount(size), bytes >= 1024, bytes <= 1 << 40 else {
                throw UsageError("--segment-size takes a size from 1K to 1T, such as 16M")
            }
            configuration.segmentBytes = bytes
        }
        guard try list.positionals().isEmpty else { throw UsageError("init takes no arguments") }
        let created = try Ledger.create(at: context.directory, configuration: configuration)
        if !created, requestedSize != nil, let existing = try? LedgerDirectory(path: context.directory).configuration(),
           existing.segmentBytes != configuration.segmentBytes {
            printError("warning: the existing ledger keeps its segment size of \(existing.segmentBytes) bytes")
        }
        try printOut(created ? "initialised an empty ledger in \(context.directory)" : "\(context.directory) is already a ledger; nothing changed")
        return .success
    }

    static func byteCount(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = text.uppercased().last, let unit = units[last] {
            return Int64(text.dropLast()).flatMap { value in
                let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
                return overflow ? nil : bytes
            }
        }
        return Int64(text)
    }

    func runAppend(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let dataOption = try list.option("--data")
        let id = try list.option("--id")
        let occurredAt = try list.option("--occurred-at")
        let actor = try list.option("--actor")
        var positionals = try list.positionals()
        guard !positionals.isEmpty else { throw UsageError("append needs an event type, such as 'append \(EventTypeName.rsvpSubmitted)'") }
        let type = positionals.removeFirst()
        var members: [(key: String, value: JSON)] = []
        if let dataOption {
            let bytes: [UInt8]
            if dataOption == "-" {
                bytes = try readInput("-", limit: Self.maximumInputBytes, what: "--data")
            } else if dataOption.hasPrefix("@") {
                bytes = try readInput(String(dataOption.dropFirst()), limit: Self.maximumInputBytes, what: "--data file")
            } else {
                bytes = Array(dataOption.utf8)
            }
            guard bytes.count <= Self.maximumInputBytes else { throw LedgerError.invalidArgument("--data is larger than \(Self.maximumInputBytes) bytes") }
            let json: JSON
            do {
                json = try JSONParser.parse(bytes)
            } catch {
                throw LedgerError.invalidEvent(type: type, reason: "--data is not valid JSON: \(error)")
            }
            guard let given = json.objectMembers else {
                throw LedgerError.invalidEvent(type: type, reason: "--data must be a JSON object, not \(json.kindName)")
            }
            members = given
        }
        for pair in positionals {
            let (field, value) = try Self.fieldPair(pair, type: type)
            guard !members.contains(where: { $0.key == field }) else {
                throw LedgerError.invalidField(type: type, field: field, reason: "is given twice")
            }
            members.append((field, value))
        }
        let ledger = try context.openLedger()
        let result = try ledger.append(NewEvent(type: type, data: .object(members), id: id, occurredAt: occurredAt, actor: actor))
        try printOut(result.event.lineText)
        return .success
    }

    /// Reads `FIELD=VALUE` (a string) or `FIELD:=JSON` (a raw JSON value), httpie's convention.
    static func fieldPair(_ pair: String, type: String) throws -> (String, JSON) {
        guard let equals = pair.firstIndex(of: "=") else {
            throw UsageError("'\(pair)' is neither FIELD=VALUE nor FIELD:=JSON")
        }
        var field = String(pair[..<equals])
        let value = String(pair[pair.index(after: equals)...])
        if field.hasSuffix(":") {
            field.removeLast()
            guard !field.isEmpty else { throw UsageError("'\(pair)' has no field name") }
            do {
                return (field, try JSONParser.parse(value))
            } catch {
                throw LedgerError.invalidField(type: type, field: field, reason: "is given with := but is not valid JSON (\(error)); use = for a string")
            }
        }
        guard !field.isEmpty else { throw UsageError("'\(pair)' has no field name") }
        return (field, .string(value))
    }

    func runImport(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let csvPath = try list.option("--csv")
        let csvFormat = try Self.csvFormat(&list, isCSV: csvPath != nil)
        let positionals = try list.positionals()
        if csvPath != nil, let extra = positionals.first { throw UsageError("import --csv takes its file after --csv, not also '\(extra)'") }
        guard positionals.count <= 1 else { throw UsageError("import takes one file, or - for standard input") }
        let path = csvPath ?? positionals.first ?? "-"
        let source = path == "-" ? "standard input" : path
        let ledger = try context.openLedger()
        let descriptor = path == "-" ? STDIN_FILENO : try Self.openInput(path, what: "import")
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        let input = csvFormat.map { ImportInput(csvFrom: descriptor, name: source, format: $0) } ?? ImportInput(jsonLinesFrom: descriptor, name: source)
        let progress = ProgressLine("importing \(source)")
        ledger.progressHandler = { stage in
            switch stage {
            case let .checking(bytes, total):
                progress.update(bytes, of: total ?? 0, isBytes: true, label: "checking \(source)")
            case let .writing(events, total):
                progress.update(events, of: total, isBytes: false, label: "writing \(total) events")
            }
        }
        let result: Ledger.ImportResult
        do {
            defer { progress.finish() }
            result = try ledger.importEvents(from: input)
        }
        guard result.written + result.alreadyPresent > 0 else {
            throw LedgerError.invalidArgument("\(source) holds no events; nothing was imported")
        }
        var summary = "imported \(result.written) event\(result.written == 1 ? "" : "s")"
        if let range = result.seqRange { summary += " (seq \(range.lowerBound)-\(range.upperBound))" }
        if result.alreadyPresent > 0 { summary += "; \(result.alreadyPresent) already present" }
        try printOut(summary)
        return .success
    }

    /// The CSV options of `import`: how each row becomes an event; nil without `--csv`.
    static func csvFormat(_ list: inout ArgumentList, isCSV: Bool) throws -> CSVImportFormat? {
        let type = try list.option("--type")
        let idColumn = try list.option("--id-column")
        let maps = try list.repeatedOption("--map")
        let delimiter = try list.option("--delimiter")
        let encoding = try list.option("--encoding", among: CSVImportFormat.Encoding.allCases.map(\.rawValue))
        guard isCSV else {
            let given = [("--type", type), ("--id-column", idColumn), ("--delimiter", delimiter), ("--encoding", encoding)]
                + maps.map { ("--map", $0) }
            if let stray = given.first(where: { $0.1 != nil }) { throw UsageError("\(stray.0) is for import --csv") }
            return nil
        }
        guard let type else { throw UsageError("import --csv needs --type, the event type of every row, such as --type rsvp.submitted") }
        guard let eventType = EventCatalog.version1[type], !eventType.isInternal else { throw LedgerError.unknownType(type) }
        var renames: [String: String] = [:]
        for map in maps {
            guard let equals = map.firstIndex(of: "="), equals != map.startIndex, map.index(after: equals) != map.endIndex else {
                throw UsageError("--map takes COLUMN=FIELD, such as --map 'Participant ID=participant', not '\(map)'")
            }
            let column = String(map[..<equals]), field = String(map[map.index(after: equals)...])
            guard renames[column] == nil else { throw UsageError("--map renames column '\(column)' twice") }
            let fields = eventType.fields.map(\.name) + ["occurred_at", "actor"]
            guard fields.contains(field) else {
                throw UsageError("--map \(map): \(type) has no field '\(field)'\(Spelling.suggestion(for: field, among: fields)) (it has: \(fields.joined(separator: ", ")))")
            }
            renames[column] = field
        }
        var separator: UInt8?
        if let delimiter {
            switch delimiter {
            case ",", "comma": separator = 0x2C
            case ";", "semicolon": separator = 0x3B
            case "\t", "tab", "\\t": separator = 0x09
            default: throw UsageError("--delimiter takes ',', ';' or tab, not '\(delimiter)'")
            }
        }
        return CSVImportFormat(type: type, idColumn: idColumn, renames: renames, delimiter: separator,
                               encoding: encoding.flatMap(CSVImportFormat.Encoding.init(rawValue:)) ?? .utf8)
    }

    func runForget(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let positionals = try list.positionals()
        guard positionals.count == 1 else { throw UsageError("forget takes one participant id") }
        let ledger = try context.openLedger()
        let result = try ledger.forget(positionals[0])
        try printOut(result.event.lineText)
        return .success
    }

    func runRepair(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let apply = list.flag("--apply")
        guard try list.positionals().isEmpty else { throw UsageError("repair takes only --apply") }
        let ledger = try context.openLedger()
        guard let plan = apply ? try ledger.repair() : try ledger.repairPlan() else {
            try printOut("nothing to repair: every line chains, and nothing follows the last line feed")
            return .success
        }
        let later = plan.laterSegments.isEmpty ? "" : " and the later segment(s) \(plan.laterSegments.joined(separator: ", "))"
        let what = "\(plan.bytes) bytes (\(plan.lines) complete line(s)) from \(plan.segment) at byte \(plan.offset)\(later), "
            + "after seq \(plan.lastGoodSeq), the last line whose chain checks: \(plan.reason)"
        let personal = plan.personalRecords == 0 ? nil
            : "the personal-data records of \(plan.personalRecords) of those event(s)"
        if apply {
            try printOut("moved to \(context.directory)/quarantine/: \(what)")
            if let personal { try printOut("deleted \(personal): personal data is kept only for events in the ledger") }
        } else {
            try printOut("would move to \(context.directory)/quarantine/: \(what)")
            if let personal { try printOut("would delete \(personal), not move them: personal data is kept only for events in the ledger") }
            if plan.lines > 1 {
                try printOut("more than one line would move: damage this far from the end is not a torn write; "
                             + "check with 'ledgerctl verify' and your checkpoints before --apply")
            }
            try printOut("run 'ledgerctl --dir \(context.directory) repair --apply' to move it")
        }
        return .success
    }

    func runBackup(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let positionals = try list.positionals()
        guard positionals.count == 1 else { throw UsageError("backup takes one directory, such as 'backup /mnt/usb/ledger'") }
        let ledger = try context.openLedger()
        let result = try ledger.backup(to: positionals[0])
        try printOut("backed up to \(positionals[0]): seq \(result.head.seq) sha256 \(result.head.hash.hex); "
                     + "\(result.segmentBytesCopied) bytes of \(result.segmentsWritten) segment(s) copied; checkpoint in \(result.checkpointPath)")
        return .success
    }
}
