import Foundation
import Ledger

/// Writes a project and its impact results as an IATI 2.03 activity, the form in which the EU
/// publishes the results of the actions it funds; the file validates against the IATI 2.03
/// activity schema (`Scripts/iati-2.03/`).
///
/// The activity's children come in the schema's order: `iati-identifier` (the reporting
/// organisation's org-id, a hyphen, the project's own id), `reporting-org`, `title`,
/// `description`, one `participating-org` per organisation and role the ledger added (role 1
/// funding, 2 accountable, 3 extending, 4 implementing; without any, the project's `funder` as
/// role 1), `activity-status` (1 pipeline before `starts_on`, 2 implementation until `ends_on`,
/// 3 finalisation after it, judged on the head's `recorded_at`: the ledger records no closure),
/// `activity-date`s (1 planned start, 2 actual start once it began, 3 planned end, 4 actual end
/// once it passed), then one `<result>` per indicator.
///
/// A `<result>` has `type` 1 output, 2 outcome, 3 impact and `aggregation-status` 1; its
/// `<indicator>` has its `measure` (1 unit, 2 percentage), a `<baseline>` (`year`, `iso-date`,
/// `value`) where a target gave one, and `<period>`s: each target's period with its target and
/// actual, or, when no target was set, the project's span with the actual alone. Actuals that
/// count people come with one more `<actual>` per sex, each carrying
/// `<dimension name="sex" value="...">`.
///
/// `generated-datetime` and `last-updated-datetime` are the head event's `recorded_at`, never the
/// wall clock: the same events always give the same bytes.
public enum IATIWriter {
    /// The order of an activity's children that this writer emits, as the schema's sequence has them.
    public static let activityChildren = ["iati-identifier", "reporting-org", "title", "description", "participating-org",
                                          "activity-status", "activity-date", "result"]

    /// The XML document, UTF-8, ending with a line feed.
    /// - Parameters:
    ///   - results: the indicators, from `ImpactProjection.results(project:engagement:)`.
    ///   - project: the project they belong to, with its publication (reporting organisation,
    ///     identifier, organisations).
    ///   - headRecordedAt: the `recorded_at` of the last line the report read (`EventLog.recordedAt(of:)`).
    ///   - stamp: what the report was computed from, written as a comment.
    /// - Throws: `ReportError.incomplete` when the project names no reporting organisation, or no
    ///   participating one, or `headRecordedAt` is not a date-time.
    public static func xml(_ results: ImpactResults, project: ImpactProjection.Project, headRecordedAt: String,
                           stamp: ReportStamp) throws(ReportError) -> String {
        let publication = project.publication
        guard let reporting = publication.reportingOrganisation, let reportingRef = reporting.ref, let reportingType = reporting.type,
              let identifier = publication.activityIdentifier else {
            throw .incomplete(reason: "project '\(project.id)' names no reporting organisation, which IATI requires: define the project with "
                              + "reporting_org_ref, reporting_org_name, reporting_org_type and iati_identifier (see 'ledgerctl types')")
        }
        let organisations = publication.organisations.isEmpty
            ? (project.funder.map { [ImpactProjection.Organisation(id: "", name: $0, ref: nil, type: nil, role: "1")] } ?? [])
            : publication.organisations
        guard !organisations.isEmpty else {
            throw .incomplete(reason: "project '\(project.id)' has no participating organisation, which IATI requires: "
                              + "append project.organisation.added (role 1 funding ... 4 implementing)")
        }
        guard let head = Timestamp(rfc3339: headRecordedAt) else {
            throw .incomplete(reason: "the head's recorded_at '\(headRecordedAt)' is not a date-time")
        }
        let root = IATIElement("iati-activities")
        root.addAttribute(attribute("version", "2.03"))
        root.addAttribute(attribute("generated-datetime", headRecordedAt))
        root.addAttribute(attribute("xml:lang", "en"))
        root.addComment(" ledger seq \(stamp.firstSeq)-\(stamp.lastSeq), head sha256 \(stamp.headHash)" + (stamp.asOf.map { ", as of \($0)" } ?? "") + " ")
        let activity = IATIElement("iati-activity")
        activity.addAttribute(attribute("last-updated-datetime", headRecordedAt))
        activity.addAttribute(attribute("default-currency", "EUR"))
        root.addChild(activity)
        activity.addChild(element("iati-identifier", text: identifier))
        let reportingOrg = narrative("reporting-org", reporting.name)
        reportingOrg.addAttribute(attribute("ref", reportingRef))
        reportingOrg.addAttribute(attribute("type", reportingType))
        activity.addChild(reportingOrg)
        activity.addChild(narrative("title", results.scopeTitle))
        let description = narrative("description", publication.description ?? project.title)
        description.addAttribute(attribute("type", "1")) // 1 general
        activity.addChild(description)
        for organisation in organisations {
            let node = narrative("participating-org", organisation.name)
            if let ref = organisation.ref { node.addAttribute(attribute("ref", ref)) }
            if let type = organisation.type { node.addAttribute(attribute("type", type)) }
            node.addAttribute(attribute("role", organisation.role ?? "1"))
            activity.addChild(node)
        }
        let today = head.millisecondsSinceEpoch.floorDivided(by: 86_400_000) // the head's UTC date
        let start = Timestamp.days(ofDate: project.startsOn), end = Timestamp.days(ofDate: project.endsOn)
        let status = IATIElement("activity-status")
        status.addAttribute(attribute("code", start.map { today < $0 } == true ? "1" : end.map { today > $0 } == true ? "3" : "2"))
        activity.addChild(status)
        var dates: [(type: String, date: String)] = [("1", project.startsOn)]
        if let start, today >= start { dates.append(("2", project.startsOn)) }
        dates.append(("3", project.endsOn))
        if let end, today > end { dates.append(("4", project.endsOn)) }
        for (type, date) in dates {
            let node = dated("activity-date", date)
            node.addAttribute(attribute("type", type))
            activity.addChild(node)
        }
        for indicator in results.indicators {
            activity.addChild(result(indicator, projectStartsOn: project.startsOn, projectEndsOn: project.endsOn))
        }
        return #"<?xml version="1.0" encoding="utf-8" standalone="no"?>"# + "\n" + root.text(indent: "") + "\n\n" // a blank last line, as libxml2 wrote it
    }

    /// One indicator as a `<result>`.
    private static func result(_ indicator: IndicatorResult, projectStartsOn: String, projectEndsOn: String) -> IATIElement {
        let result = IATIElement("result")
        result.addAttribute(attribute("type", String(indicator.resultType)))
        result.addAttribute(attribute("aggregation-status", "1"))
        result.addChild(narrative("title", indicator.title))
        let element = IATIElement("indicator")
        element.addAttribute(attribute("measure", String(indicator.measure)))
        element.addAttribute(attribute("ascending", Indicator.byID[indicator.id]?.ascending == false ? "0" : "1"))
        element.addChild(narrative("title", indicator.title))
        element.addChild(narrative("description", indicator.definition))
        if let first = indicator.periods.first(where: { $0.baseline != nil }), let baseline = first.baseline {
            let node = IATIElement("baseline")
            node.addAttribute(attribute("year", String(first.start.prefix(4))))
            node.addAttribute(attribute("iso-date", first.start))
            node.addAttribute(attribute("value", number(baseline)))
            element.addChild(node)
        }
        let periods = indicator.periods.isEmpty
            ? [IndicatorResult.Period(start: projectStartsOn, end: projectEndsOn, baseline: nil, target: .nan,
                                      actual: indicator.value, actualBySex: indicator.bySex)]
            : indicator.periods
        for period in periods {
            let node = IATIElement("period")
            node.addChild(dated("period-start", period.start))
            node.addChild(dated("period-end", period.end))
            if !period.target.isNaN {
                let target = IATIElement("target")
                target.addAttribute(attribute("value", number(period.target)))
                node.addChild(target)
            }
            if let actual = period.actual {
                let total = IATIElement("actual")
                total.addAttribute(attribute("value", number(actual)))
                node.addChild(total)
                for (sex, value) in period.actualBySex {
                    let bySex = IATIElement("actual")
                    bySex.addAttribute(attribute("value", number(value)))
                    let dimension = IATIElement("dimension")
                    dimension.addAttribute(attribute("name", "sex"))
                    dimension.addAttribute(attribute("value", sex))
                    bySex.addChild(dimension)
                    node.addChild(bySex)
                }
            }
            element.addChild(node)
        }
        result.addChild(element)
        return result
    }

    private static func attribute(_ name: String, _ value: String) -> (name: String, value: String) {
        (name, value)
    }

    private static func element(_ name: String, text: String) -> IATIElement {
        let node = IATIElement(name)
        node.text = text
        return node
    }

    private static func narrative(_ name: String, _ text: String) -> IATIElement {
        let node = IATIElement(name)
        node.addChild(element("narrative", text: text))
        return node
    }

    private static func dated(_ name: String, _ date: String) -> IATIElement {
        let node = IATIElement(name)
        node.addAttribute(attribute("iso-date", date))
        return node
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : ReportCellFormat.decimal(value, exactly: true)
    }
}

/// An XML element for the IATI file, written by hand rather than with FoundationXML, whose
/// libxml2 (and the ICU it brings) every run of `ledgerctl` would otherwise load at start.
///
/// The text it writes is what a parser reads back as the same strings: `& < >` escaped in text,
/// and `& < > "`, tab, line feed and carriage return in attribute values; a carriage return in
/// text as `&#13;` (a parser would turn a bare one into a line feed); characters XML 1.0 cannot
/// hold (C0 controls other than tab, line feed and carriage return; U+FFFE and U+FFFF) as
/// U+FFFD; a comment never holds `--` or ends with `-`. Laid out with two spaces an indent level,
/// an element on its own line, its text on the same line.
final class IATIElement {
    let name: String
    private var attributes: [(name: String, value: String)] = []
    private var children: [Child] = []
    var text: String?

    private enum Child {
        case element(IATIElement)
        case comment(String)
    }

    init(_ name: String) {
        self.name = name
    }

    func addAttribute(_ attribute: (name: String, value: String)) { attributes.append(attribute) }
    func addChild(_ element: IATIElement) { children.append(.element(element)) }
    func addComment(_ text: String) { children.append(.comment(text)) }

    /// The element and everything in it, at `indent`, without a final line break.
    func text(indent: String) -> String {
        var out = indent + "<" + name
        for attribute in attributes { out += " " + attribute.name + "=\"" + Self.escaped(attribute.value, inAttribute: true) + "\"" }
        out += ">"
        if children.isEmpty {
            return out + Self.escaped(text ?? "", inAttribute: false) + "</" + name + ">"
        }
        for child in children {
            switch child {
            case .element(let element): out += "\n" + element.text(indent: indent + "  ")
            case .comment(let comment): out += "\n" + indent + "  <!--" + Self.commentText(comment) + "-->"
            }
        }
        return out + "\n" + indent + "</" + name + ">"
    }

    static func escaped(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            case "\"" where inAttribute: out += "&quot;"
            case "\t" where inAttribute: out += "&#9;"
            case "\n" where inAttribute: out += "&#10;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// True for a character XML 1.0 can hold.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF
    }

    /// A comment's text: allowed characters, no `--`, not ending with `-`.
    static func commentText(_ text: String) -> String {
        var out = String(String.UnicodeScalarView(text.unicodeScalars.map { isAllowed($0) || $0 == "\n" || $0 == "\t" ? $0 : "\u{FFFD}" }))
        while out.contains("--") { out = out.replacingOccurrences(of: "--", with: "- -") }
        if out.hasSuffix("-") { out += " " }
        return out
    }
}

enum ReportCellFormat {
    /// Up to two decimals, without trailing zeros. A value past `Int64`'s digits (which only an
    /// edited file holds) is written as `ReportCell.format` writes it (`1e+300`), or `exactly`,
    /// with all its digits: a decimal number, as IATI's `xsd:decimal` values must be.
    static func decimal(_ value: Double, exactly: Bool = false) -> String {
        var text = ReportCell.format(value, decimals: 2)
        if text.contains("e") { return exactly ? (value < 0 ? "-" : "") + wholeDigits(abs(value)) : text }
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The exact decimal digits of a finite `value` of at least 2^53 (every such `Double` is a
    /// whole number): its 53-bit significand doubled as often as its exponent says, in base 10^9.
    static func wholeDigits(_ value: Double) -> String {
        precondition(value.isFinite && value >= 0x1p53) // invariant: callers pass what `format` could not write
        var limbs: [UInt64] = [] // least significant first, each below 10^9
        var significand = (UInt64(1) << 52) | value.significandBitPattern
        while significand > 0 {
            limbs.append(significand % 1_000_000_000)
            significand /= 1_000_000_000
        }
        for _ in 0..<(Int(value.exponent) - 52) {
            var carry: UInt64 = 0
            for k in limbs.indices {
                let doubled = limbs[k] * 2 + carry
                limbs[k] = doubled % 1_000_000_000
                carry = doubled / 1_000_000_000
            }
            if carry > 0 { limbs.append(carry) }
        }
        var text = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let digits = String(limb)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }
}
