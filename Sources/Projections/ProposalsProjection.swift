import Foundation
import Ledger

/// The proposals register: every proposal, its supports, and the city's decisions with dates.
public struct ProposalsProjection: Sendable {
    public struct Proposal: Sendable {
        public var id: String
        public var engagement: String
        public var participant: String
        public var theme: String
        public var title: String
        public var district: String?
        public var submittedAt: Timestamp?
        /// How many supports it received (a participant supports a proposal once).
        public var supports = 0
        /// Status changes in order: status, when, note.
        public var history: [(status: String, at: Timestamp?, note: String?)] = []
        /// The current status: the latest change, or `submitted`.
        public var status: String { history.last?.status ?? "submitted" }
    }

    /// Participants whose personal data was erased: the register needs nothing else of people
    /// (a whole profile directory here would be a second copy of everyone's, in the impact fold).
    public internal(set) var erased: Set<String> = []
    /// One entry per proposal id, in the order first submitted.
    public internal(set) var proposals: [Proposal] = []
    /// The register's rows, as positions in `proposals`, in the order submitted (an id submitted
    /// again, which writers refuse, is listed again, as it stands last).
    public internal(set) var order: [Int] = []
    /// Where each id is in `proposals`: made when an event first needs it, so a report from a
    /// saved state of a large register followed by other events never hashes its ids.
    private var positions: [String: Int] = [:]
    /// False when `positions` is still to be made (a state read from `index/`).
    var isIndexed = true
    /// Engagement time zones, to show dates as people there read them.
    public internal(set) var zones: [String: TimeZone] = [:]

    public init() {}

    /// Everyone the register may name: the proposals' authors.
    public var peopleShown: Set<String> { Set(proposals.map(\.participant)) }

    /// Where proposal `id` is in `proposals`, or nil.
    private mutating func position(of id: String) -> Int? {
        if !isIndexed {
            positions = Dictionary(proposals.indices.map { (proposals[$0].id, $0) }, uniquingKeysWith: { $1 })
            isIndexed = true
        }
        return positions[id]
    }

    /// Folds in one event.
    public mutating func apply(_ event: ReplayedEvent) {
        if event.is(.participantErased), let participant = event.data["participant"]?.stringValue { erased.insert(participant) }
        let data = event.data
        let occurred = event.occurred
        switch event.typeName {
        case .engagementScheduled:
            if let info = EngagementInfo(event) { zones[info.id] = info.timeZone }
        case .proposalSubmitted:
            guard let id = data["proposal"]?.stringValue else { return }
            let proposal = Proposal(id: id, engagement: data["engagement"]?.stringValue ?? "", participant: data["participant"]?.stringValue ?? "",
                                    theme: data["theme"]?.stringValue ?? "other", title: data["title"]?.stringValue ?? id,
                                    district: data["district"]?.stringValue, submittedAt: occurred)
            if let k = position(of: id) {
                proposals[k] = proposal
                order.append(k)
            } else {
                proposals.append(proposal)
                positions[id] = proposals.count - 1
                order.append(proposals.count - 1)
            }
        case .proposalSupported:
            if let id = data["proposal"]?.stringValue, data["participant"]?.stringValue != nil, let k = position(of: id) {
                proposals[k].supports += 1
            }
        case .proposalStatusChanged:
            if let id = data["proposal"]?.stringValue, let status = data["status"]?.stringValue, let k = position(of: id) {
                proposals[k].history.append((status, occurred, data["note"]?.stringValue))
            }
        default:
            break
        }
    }

    /// The register's row of `p`: its author named as of `seq`, its dates in its engagement's zone.
    /// `terms` are the labels of its themes, statuses and districts (`termKeys`).
    func row(of p: Proposal, labels: Labels.Few, names: PersonalNames, asOf seq: Int64) -> [ReportCell] {
        let zone = zones[p.engagement] ?? Self.utc
        func day(_ t: Timestamp?) -> String { t.map { LocalTime.day($0, in: zone) } ?? "" }
        let author: ReportCell = !erased.isEmpty && erased.contains(p.participant) ? .text(labels["erased"])
            : names.name(of: p.participant, asOf: seq).map(ReportCell.text) ?? .text(p.participant)
        // "2017-04-24 Accepted: note; ...", made as one string.
        var history = ""
        history.reserveCapacity(p.history.reduce(0) { $0 + 48 + ($1.note?.utf8.count ?? 0) })
        for (k, change) in p.history.enumerated() {
            if k > 0 { history += "; " }
            history += day(change.at)
            history += " "
            history += labels[change.status]
            if let note = change.note {
                history += ": "
                history += note
            }
        }
        return [.text(p.id), .text(p.title), .term(p.theme, label: labels[p.theme]), p.district.map { .term($0, label: labels[$0]) } ?? .empty,
                author, .text(day(p.submittedAt)), .integer(p.supports), .term(p.status, label: labels[p.status]), .text(history)]
    }

    /// The words a row may take from `Labels`: statuses first (every row has one), themes, districts.
    static let termKeys = statuses + EventCatalog.themes + EventCatalog.districts + ["erased"]

    private static let utc = TimeZone(identifier: "UTC")!

    /// The statuses in the order reports list them.
    public static let statuses = ["submitted"] + EventCatalog.proposalStatuses

    /// The register, filtered by engagement, theme and status.
    public func document(engagement: String?, theme: String?, status: String?, labels: Labels, names: PersonalNames,
                         stamp: ReportStamp) throws(ReportError) -> ReportDocument {
        // One pass over the register: the positions of the proposals chosen.
        var withProposals = Set<String>()
        var selected: [Int] = []
        selected.reserveCapacity(order.count)
        var previous: String?
        for k in order {
            let p = proposals[k]
            if p.engagement != previous { withProposals.insert(p.engagement) } // most follow one of the same engagement
            previous = p.engagement
            if (engagement == nil || p.engagement == engagement) && (theme == nil || p.theme == theme) && (status == nil || p.status == status) {
                selected.append(k)
            }
        }
        let engagements = withProposals.sorted()
        if let engagement, !engagements.contains(engagement) { throw .notFound(what: "engagement with proposals", id: engagement, among: engagements) }
        if let theme, !EventCatalog.themes.contains(theme) { throw .notFound(what: "theme", id: theme, among: EventCatalog.themes) }
        if let status, !Self.statuses.contains(status) { throw .notFound(what: "status", id: status, among: Self.statuses) }
        // A long register's rows are made in two halves at once.
        let chosen = selected, terms = labels.few(Self.termKeys)
        let rows = Parallel.map(Parallel.halves(of: chosen.count)) { range in
            chosen[range].map { row(of: proposals[$0], labels: terms, names: names, asOf: stamp.lastSeq) }
        }.flatMap { $0 }
        let table = ReportTable(columns: [
            ReportColumn(id: "proposal", label: labels["proposal"]), ReportColumn(id: "title", label: labels["title"]),
            ReportColumn(id: "theme", label: labels["theme"]), ReportColumn(id: "district", label: labels["district"]),
            ReportColumn(id: "author", label: labels["author"]), ReportColumn(id: "submitted_at", label: labels["submitted_at"]),
            ReportColumn(id: "supports", label: labels["supports"], isNumeric: true), ReportColumn(id: "status", label: labels["status"]),
            ReportColumn(id: "history", label: labels["history"]),
        ], rows: rows, grouping: ReportTable.Grouping(column: "status", order: Self.statuses.map { labels[$0] }))
        var statusCounts: [String: Int] = [:], themeCounts: [String: Int] = [:]
        for k in selected {
            let p = proposals[k]
            statusCounts[p.status, default: 0] += 1
            themeCounts[p.theme, default: 0] += 1
        }
        let byStatus = Self.statuses.map { s in (s, statusCounts[s] ?? 0) }
        let byTheme = EventCatalog.themes.map { t in (t, themeCounts[t] ?? 0) }
        let takenUp = (statusCounts["accepted"] ?? 0) + (statusCounts["implemented"] ?? 0)
        var filters: [String] = []
        if let engagement { filters.append("\(labels["engagement"]): \(engagement)") }
        if let theme { filters.append("\(labels["theme"]): \(labels[theme])") }
        if let status { filters.append("\(labels["status"]): \(labels[status])") }
        return ReportDocument(kind: "proposals", title: labels["proposals"], subject: filters.isEmpty ? "" : filters.joined(separator: ", "),
                              stamp: stamp, sections: [
            ReportSection(id: "rows", title: labels["rows"], content: .table(table)),
            ReportSection(id: "totals", title: labels["totals"], content: .facts([
                ReportFact(id: "proposals", label: labels["total"], value: .integer(selected.count)),
                ReportFact(id: "taken_up", label: labels["accepted"] + " / " + labels["implemented"], value: .integer(takenUp),
                           definition: labels.sentences.takenUpDefinition),
                ReportFact(id: "supports", label: labels["supports"], value: .integer(selected.reduce(0) { $0 + proposals[$1].supports })),
            ])),
            ReportSection(id: "by_status", title: labels["by_proposal_status"], content: .chart(ReportChart(
                style: .bars, unit: labels["proposals"], points: byStatus.map { (labels[$0.0], Double($0.1)) }))),
            ReportSection(id: "by_theme", title: labels["by_theme"], content: .chart(ReportChart(
                style: .bars, unit: labels["proposals"], points: byTheme.map { (labels[$0.0], Double($0.1)) }))),
        ])
    }
}
