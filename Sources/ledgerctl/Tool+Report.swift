import Foundation
import Ledger
import Projections

extension Tool {
    func runReport(_ list: inout ArgumentList, _ context: Context) throws -> ExitCode {
        let givenFormat = try list.option("--format", among: CommandSpec.formats)
        let asOf = try list.option("--as-of")
        let language = try list.option("--lang", among: CommandSpec.languages) ?? "en"
        let output = try list.option("--output")
        let engagement = try list.option("--engagement")
        let contest = try list.option("--contest")
        let project = try list.option("--project")
        let theme = try list.option("--theme", among: EventCatalog.themes)
        let status = try list.option("--status", among: ProposalsProjection.statuses)
        let periodOption = try list.option("--period", among: ReportingPeriod.allCases.map(\.rawValue))
        let fresh = list.flag("--fresh")
        let wide = list.flag("--wide")
        let positionals = try list.positionals()
        guard let kind = positionals.first else { throw UsageError("report takes one of: \(CommandSpec.reportKinds.joined(separator: ", "))") }
        guard positionals.count == 1 else { throw UsageError("report takes one report, not also '\(positionals[1])'") }
        guard CommandSpec.reportKinds.contains(kind) else {
            throw UsageError("unknown report '\(kind)'\(Spelling.suggestion(for: kind, among: CommandSpec.reportKinds)); report takes one of: \(CommandSpec.reportKinds.joined(separator: ", "))")
        }
        let given: [(String, String?)] = [("--engagement", engagement), ("--contest", contest), ("--project", project), ("--theme", theme), ("--status", status)]
        let accepted: [String: Set<String>] = ["attendees": ["--engagement"], "standings": ["--contest"], "impact": ["--project", "--engagement"],
                                               "proposals": ["--engagement", "--theme", "--status"]]
        if let stray = given.first(where: { $0.1 != nil && !accepted[kind]!.contains($0.0) }) {
            throw UsageError("report \(kind) does not take \(stray.0)")
        }
        var period: ReportingPeriod?
        if let periodOption {
            guard kind == "impact" else { throw UsageError("report \(kind) does not take --period") }
            guard let kind = ReportingPeriod(rawValue: periodOption) else { throw UsageError("--period takes project, year, quarter or month") }
            guard engagement == nil else { throw UsageError("--period is for a project's impact report, not one engagement's") }
            period = kind
        }
        // --output impact.html means HTML, unless --format says otherwise.
        let format = givenFormat ?? output.flatMap { Self.format(forFileName: $0, report: kind) } ?? "table"
        guard let lang = Language(rawValue: language) else { throw UsageError("--lang takes \(CommandSpec.languages.joined(separator: ", "))") }
        let isIATI = format == "iati"
        if isIATI && kind != "impact" { throw UsageError("--format iati is for the impact report") }
        let cutoff: EventLog.Cutoff
        var asOfStamp: String?
        if let asOf {
            if let seq = Int64(asOf), seq >= 0 {
                cutoff = .seq(seq)
                asOfStamp = String(seq)
            } else if let instant = Timestamp(rfc3339: asOf) {
                cutoff = .time(instant)
                asOfStamp = instant.description // one spelling per instant, so the same cutoff gives the same bytes
            } else {
                throw UsageError("--as-of takes a seq (such as 1200) or a date-time with an offset (such as 2017-12-31T23:59:59+06:00)")
            }
        } else {
            cutoff = .head
        }

        var log = try EventLog(path: context.directory)
        if let output, log.directory.contains(output) { throw Self.outputInside(output) }
        let progress = ProgressLine("replaying the ledger")
        defer { progress.finish() }
        log.progress = { done, total in progress.update(done, of: total, isBytes: true) }
        let labels = Labels(lang)
        let run = try ReportReplay(ReportReplay.Kind(rawValue: kind)!, log: log, until: cutoff, engagement: engagement, contest: contest, fresh: fresh)
        progress.finish()
        ProcessEnd.keep(run)
        let (attendees, standings, impact, proposals, replayed) = (run.attendees, run.standings, run.impact, run.proposals, run.replayed)
        // The head line's recorded_at dates the report (never the wall clock); read before the
        // catch below turns errors into exit 65.
        let headRecordedAt = try log.recordedAt(of: replayed.end)
        let stamp = ReportStamp(firstSeq: replayed.firstSeq, lastSeq: replayed.lastSeq, headHash: replayed.headHash.hex,
                                headRecordedAt: headRecordedAt, asOf: asOfStamp, eventsIncluded: replayed.eventsIncluded)
        // Only the reports that show people read the personal-data store; impact counts, never names.
        // and of the store, only the records of the people the report may name.
        let shown: Set<String>? = switch kind {
        case "attendees": attendees.peopleShown
        case "standings": standings.peopleShown
        case "proposals": proposals.peopleShown
        default: nil
        }
        let names = try shown.map { PersonalNames(names: try PersonalDataStore(directory: log.directory).names(of: $0)) } ?? PersonalNames()
        ProcessEnd.keep(names)
        let text: String
        do {
            if isIATI {
                var results = try impact.results(project: project, engagement: engagement)
                if let period { results = results.withReportingPeriods(try impact.periodActuals(period, project: results.projectID)) }
                guard let project = impact.projects[results.projectID] else { throw ReportError.nothing(what: "project") }
                text = try IATIWriter.xml(results, project: project, headRecordedAt: headRecordedAt ?? "", stamp: stamp)
            } else {
                let document: ReportDocument = switch kind {
                case "attendees": try attendees.document(engagement: engagement, labels: labels, names: names, stamp: stamp)
                case "standings": try standings.document(contest: contest, labels: labels, names: names, stamp: stamp)
                case "impact": try impact.document(project: project, engagement: engagement, labels: labels, stamp: stamp, period: period)
                default: try proposals.document(engagement: engagement, theme: theme, status: status, labels: labels, names: names, stamp: stamp)
                }
                // Cells are cut to fit only on a terminal, and not with --wide: a file or a pipe gets them whole.
                let whole = wide || output != nil || isatty(STDOUT_FILENO) == 0
                ProcessEnd.keep(document)
                text = ReportRenderer.render(document, as: ReportFormat(rawValue: format)!, labels: labels.renderer, whole: whole)
            }
        } catch {
            throw LedgerError.invalidArgument(Self.describe(error, asOf: asOf.map { Int64($0) != nil ? "seq \($0)" : $0 }))
        }
        if let output {
            // Reports name people: written owner-only, like the personal-data store, and never
            // in the ledger's directory (judged again on the directory the file is made in).
            var ledgerDirectory = stat()
            let known = stat(context.directory, &ledgerDirectory) == 0
            try StandardStreams.writeFile(output, text, outside: known ? ledgerDirectory : nil, inside: Self.outputInside(output))
        } else {
            try StandardStreams.write(text)
        }
        return .success
    }

    /// The refusal of an `--output` in the ledger's directory.
    static func outputInside(_ output: String) -> UsageError {
        UsageError("--output \(output) is in the ledger's directory, where 'forget' would not reach the names a report holds; write it elsewhere")
    }

    /// The format a file name's extension asks for (`.html`, `.htm`, `.json`, `.csv`, `.md`,
    /// `.txt`; `.xml` for the impact report's IATI), or nil when the extension says none.
    static func format(forFileName name: String, report: String) -> String? {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "html", "htm": return "html"
        case "json": return "json"
        case "csv": return "csv"
        case "md", "markdown": return "md"
        case "txt", "text": return "table"
        case "xml": return report == "impact" ? "iati" : nil
        default: return nil
        }
    }

    /// A report's refusal, said for the ledger as it stood at `--as-of` when one was given.
    static func describe(_ error: any Error, asOf: String?) -> String {
        guard let asOf, let error = error as? ReportError else { return "\(error)" }
        switch error {
        case let .nothing(what): return "the ledger has no \(what) as of \(asOf)"
        case let .notFound(what, id, among):
            return "no \(what) '\(id)' in the ledger as of \(asOf)" + (among.isEmpty ? "" : " (there are: \(among.joined(separator: ", ")))")
        case let .choose(what, option, among):
            return "as of \(asOf), the ledger has \(among.count) \(what)s (\(among.joined(separator: ", "))); pick one with \(option)"
        case let .incomplete(reason), let .tooLarge(reason):
            return "as of \(asOf), \(reason)"
        }
    }
}
