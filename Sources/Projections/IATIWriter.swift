import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Writes impact results as an IATI 2.03 activity with its `<result>` elements, the form in
/// which the EU publishes the results of the actions it funds.
///
/// One `<result>` per indicator (`type` 1 output, 2 outcome, 3 impact; `aggregation-status`
/// 1), each `<indicator>` with its `measure` (1 unit, 2 percentage), a `<baseline>` where a
/// target gave one, and `<period>`s: each target's period with its target and actual, or, when
/// no target was set, the project's span with the actual alone. Actuals that count people come
/// with one more `<actual>` per sex, each carrying `<dimension name="sex" value="...">`.
public enum IATIWriter {
    /// The XML document, UTF-8, ending with a line feed.
    public static func xml(_ results: ImpactResults, projectStartsOn: String, projectEndsOn: String, stamp: ReportStamp) -> String {
        let root = XMLElement(name: "iati-activities")
        root.addAttribute(attribute("version", "2.03"))
        root.addAttribute(attribute("xml:lang", "en"))
        root.addChild(XMLNode.comment(withStringValue: " ledger seq \(stamp.firstSeq)-\(stamp.lastSeq), head sha256 \(stamp.headHash)"
                                      + (stamp.asOf.map { ", as of \($0)" } ?? "") + " ") as! XMLNode)
        let activity = XMLElement(name: "iati-activity")
        activity.addAttribute(attribute("default-currency", "EUR"))
        root.addChild(activity)
        activity.addChild(element("iati-identifier", text: results.projectID))
        activity.addChild(narrative("title", results.scopeTitle))
        for indicator in results.indicators {
            let result = XMLElement(name: "result")
            result.addAttribute(attribute("type", String(indicator.resultType)))
            result.addAttribute(attribute("aggregation-status", "1"))
            result.addChild(narrative("title", indicator.title))
            let element = XMLElement(name: "indicator")
            element.addAttribute(attribute("measure", String(indicator.measure)))
            element.addAttribute(attribute("ascending", indicator.id == "no_show_rate" || indicator.id.hasPrefix("cost") ? "0" : "1"))
            element.addChild(narrative("title", indicator.title))
            element.addChild(narrative("description", indicator.definition))
            if let first = indicator.periods.first(where: { $0.baseline != nil }), let baseline = first.baseline {
                let node = XMLElement(name: "baseline")
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
                let node = XMLElement(name: "period")
                node.addChild(dated("period-start", period.start))
                node.addChild(dated("period-end", period.end))
                if !period.target.isNaN {
                    let target = XMLElement(name: "target")
                    target.addAttribute(attribute("value", number(period.target)))
                    node.addChild(target)
                }
                if let actual = period.actual {
                    let total = XMLElement(name: "actual")
                    total.addAttribute(attribute("value", number(actual)))
                    node.addChild(total)
                    for (sex, value) in period.actualBySex {
                        let bySex = XMLElement(name: "actual")
                        bySex.addAttribute(attribute("value", number(value)))
                        let dimension = XMLElement(name: "dimension")
                        dimension.addAttribute(attribute("name", "sex"))
                        dimension.addAttribute(attribute("value", sex))
                        bySex.addChild(dimension)
                        node.addChild(bySex)
                    }
                }
                element.addChild(node)
            }
            result.addChild(element)
            activity.addChild(result)
        }
        let document = XMLDocument(rootElement: root)
        document.version = "1.0"
        document.characterEncoding = "UTF-8"
        return document.xmlString(options: [.nodePrettyPrint]) + "\n"
    }

    private static func attribute(_ name: String, _ value: String) -> XMLNode {
        XMLNode.attribute(withName: name, stringValue: value) as! XMLNode // invariant: attribute(withName:) returns an attribute node
    }

    private static func element(_ name: String, text: String) -> XMLElement {
        let node = XMLElement(name: name)
        node.stringValue = text
        return node
    }

    private static func narrative(_ name: String, _ text: String) -> XMLElement {
        let node = XMLElement(name: name)
        node.addChild(element("narrative", text: text))
        return node
    }

    private static func dated(_ name: String, _ date: String) -> XMLElement {
        let node = XMLElement(name: name)
        node.addAttribute(attribute("iso-date", date))
        return node
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : ReportCellFormat.decimal(value)
    }
}

enum ReportCellFormat {
    /// Up to two decimals, without trailing zeros.
    static func decimal(_ value: Double) -> String {
        var text = ReportCell.format(value, decimals: 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
