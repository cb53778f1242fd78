import Foundation
import Ledger
import Projections

extension Tool {
    func runLog(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let type = try list.option("--type")
        let since = try list.option("--since").map { text -> Int64 in
            guard let seq = Int64(text), seq >= 0 else { throw UsageError("--since takes a seq, such as 120") }
            return seq
        } ?? 0
        let limit = try list.option("--limit").map { text -> Int in
            guard let n = Int(text), n >= 0 else { throw UsageError("--limit takes a count, such as 20") }
            return n
        } ?? Int.max
        let asJSON = list.flag("--json")
        let wide = list.flag("--wide")
        let follows = list.flag("--follow")
        guard try list.positionals().isEmpty else { throw UsageError("log takes only options") }
        if let type, !type.hasSuffix("."), EventCatalog.version1[type] == nil { throw LedgerError.unknownType(type) }
        let log = try EventLog(path: context.directory)
        if follows {
            guard limit == Int.max else { throw UsageError("--follow goes on without end; it does not take --limit") }
            return try follow(log, since: since, type: type, asJSON: asJSON)
        }
        var shown = 0
        var rows: [[String]] = []
        var output = FileOutput()
        guard limit > 0 else { return .success }
        var failure: (any Error)?
        // Read through the chain check: a damaged ledger is named, never listed as if it were whole.
        try log.replayLines({ event, line in
            // The read goes one line past the last one shown, whose link vouches for it.
            if shown >= limit { return false }
            if event.seq <= since { return true }
            if !Self.matches(event, type: type) { return true }
            if asJSON {
                do { try output.write(line, seq: event.seq) } catch { failure = error; return false }
            } else {
                rows.append(Self.logRow(event))
            }
            shown += 1
            return true
        }, vouched: { seq in
            guard failure == nil else { return }
            do { try output.vouch(through: seq) } catch { failure = error }
        })
        if let failure { throw failure }
        try output.flush()
        if !asJSON {
            let headers = ["SEQ", "OCCURRED AT", "TYPE", "ID", "DATA"]
            // Cut to fit a terminal only: a file or a pipe gets every cell whole, as does --wide.
            let cut = isatty(STDOUT_FILENO) == 1 && !wide
            try printOut(Self.table(headers: headers, rows: rows, lastColumnWidth: cut ? 80 : .max))
        }
        return .success
    }

    /// Whether `event` is of `type` (a prefix when `type` ends in '.'); every event when nil.
    static func matches(_ event: StoredEvent, type: String?) -> Bool {
        guard let type else { return true }
        return type.hasSuffix(".") ? event.type.hasPrefix(type) : event.type == type
    }

    static func logRow(_ event: StoredEvent) -> [String] {
        let summary = (event.data.objectMembers ?? []).map { member -> String in
            let value = member.value.stringValue ?? member.value.serialized
            return "\(member.key)=\(value)"
        }.joined(separator: " ")
        return [String(event.seq), event.occurredAt, event.type, event.id, summary]
    }

    /// Columns aligned by terminal width, user text sanitised; the last column is cut to `lastColumnWidth`.
    static func table(headers: [String], rows: [[String]], lastColumnWidth: Int) -> String {
        let cells = ([headers] + rows).map { $0.map { TerminalText.sanitized($0) } }
        var widths = headers.map { _ in 0 }
        for row in cells {
            for (k, cell) in row.enumerated() where k < widths.count - 1 {
                widths[k] = max(widths[k], TerminalText.width(cell))
            }
        }
        return cells.map { row in
            row.enumerated().map { k, cell in
                k == row.count - 1
                    ? (TerminalText.width(cell) > lastColumnWidth ? TerminalText.padded(cell, to: lastColumnWidth) : cell)
                    : TerminalText.padded(cell, to: widths[k])
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }

    func runVerify(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let checkpointPath = try list.option("--checkpoint")
        guard try list.positionals().isEmpty else { throw UsageError("verify takes only options") }
        var checkpoint: Checkpoint?
        if let checkpointPath {
            let bytes = try readInput(checkpointPath, limit: 4096, what: "checkpoint")
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw LedgerError.invalidArgument("\(checkpointPath) is not a checkpoint (it is not UTF-8 text)")
            }
            checkpoint = try Checkpoint(text: text, source: checkpointPath)
        }
        var verifier = Verifier(path: context.directory)
        let progress = ProgressLine("verifying")
        verifier.progress = { done, total in progress.update(done, of: total, isBytes: true) }
        let report = try verifier.verify(against: checkpoint)
        progress.finish()
        if let damage = report.damage {
            printError("error: \(damage)" + (report.chainRead ? " (the chain is intact up to seq \(report.head.seq))" : ""))
            return .damaged
        }
        if let torn = report.tornTail { printError("warning: torn tail: \(torn)") }
        try printOut("ok: \(report.events) events in \(report.segments) segment\(report.segments == 1 ? "" : "s"), chain intact")
        if let checkpoint, report.extendsCheckpoint == true {
            try printOut("extends checkpoint: seq \(checkpoint.seq) sha256 \(checkpoint.hash.hex)")
        }
        try printOut("head: seq \(report.head.seq) sha256 \(report.head.hash.hex)")
        return .success
    }

    func runCheckpoint(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        guard try list.positionals().isEmpty else { throw UsageError("checkpoint takes no arguments") }
        let report = try Verifier(path: context.directory).verify()
        if let damage = report.damage {
            printError("error: \(damage); no checkpoint of a damaged ledger")
            return .damaged
        }
        try StandardStreams.write(Array(report.head.description.utf8))
        return .success
    }

    func runTypes(_ list: inout ArgumentList) throws -> ExitCode {
        let asJSON = list.flag("--json")
        guard try list.positionals().isEmpty else { throw UsageError("types takes only --json") }
        let catalog = EventCatalog.version1
        if asJSON {
            let types: [JSON] = catalog.types.map { type in
                .object([
                    ("type", .string(type.name)),
                    ("summary", .string(type.summary)),
                    ("internal", .bool(type.isInternal)),
                    ("fields", .array(type.fields.map { field in
                        .object([("name", .string(field.name)), ("kind", .string(field.kind.summary)),
                                 ("required", .bool(field.isRequired)), ("personal", .bool(field.isPersonal))])
                    })),
                ])
            }
            try printOut(JSON.object([("catalog", .integer(Int64(catalog.version))), ("types", .array(types))]).serialized)
            return .success
        }
        var lines = ["event catalog v\(catalog.version): * required, (P) personal data (kept out of the event files)", ""]
        for type in catalog.types {
            lines.append("\(type.name)  \(type.summary)")
            let fieldRows = type.fields.map { field in
                ["  " + field.name + (field.isRequired ? "*" : "") + (field.isPersonal ? " (P)" : ""), field.kind.summary]
            }
            let width = fieldRows.map { TerminalText.width($0[0]) }.max() ?? 0
            lines += fieldRows.map { TerminalText.padded($0[0], to: width) + "  " + $0[1] }
            lines.append("")
        }
        lines.append("group: \(EventCatalog.groups.joined(separator: " | "))")
        lines.append("sex: \(EventCatalog.sexes.joined(separator: " | "))")
        lines.append("district: \(EventCatalog.districts.joined(separator: " | "))")
        try printOut(lines.joined(separator: "\n"))
        return .success
    }
}

/// Buffers stdout writes of raw lines.
/// Stored lines on their way to standard output, held until the chain vouches for them: a line
/// is written only once the line after it is found to carry its SHA-256 (`vouch(through:)`), so
/// an edited line, which only the next line's `prev` reveals, never reaches the output of a read
/// that then stops at the damage. Held lines are about a chunk of the chain (a megabyte).
struct FileOutput {
    private var buffer: [UInt8] = []
    /// How much of `buffer` is written out already.
    private var written = 0
    /// The seq of each held line and where it ends in `buffer`, in seq order.
    private var held: [(seq: Int64, end: Int)] = []
    /// How many of `held` the chain has vouched for.
    private var vouched = 0

    mutating func write(_ line: some Collection<UInt8>, seq: Int64) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        held.append((seq, buffer.count))
    }

    /// Every line up to `seq` is in the chain: written out once they make 64 KB.
    mutating func vouch(through seq: Int64) throws {
        while vouched < held.count && held[vouched].seq <= seq { vouched += 1 }
        if vouched > 0 && held[vouched - 1].end - written >= 1 << 16 { try writeVouched() }
    }

    /// Writes every line vouched for.
    mutating func flush() throws {
        try writeVouched()
    }

    private mutating func writeVouched() throws {
        guard vouched > 0 else { return }
        let end = held[vouched - 1].end
        if end > written {
            try buffer.withUnsafeBytes { try StandardStreams.write(UnsafeRawBufferPointer(rebasing: $0[written..<end])) }
            written = end
        }
        if written == buffer.count { // all out: start again, keeping the storage
            buffer.removeAll(keepingCapacity: true)
            held.removeAll(keepingCapacity: true)
            (written, vouched) = (0, 0)
        } else if written >= 1 << 20 { // what is held moves to the front now and then, not at every write
            buffer.removeFirst(written)
            held.removeFirst(vouched)
            for k in held.indices { held[k].end -= written }
            (written, vouched) = (0, 0)
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
