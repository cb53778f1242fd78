/// Draws a chart as inline SVG for the HTML report: horizontal bars for a breakdown, a line over
/// time with axes for a series, or columns over time (counts per month) with a second series as
/// a line. A chart of two series always has a legend.
///
/// The SVG scales to its container (a `viewBox`, and `width: 100%` in the page's style); colours
/// come from the page's style through classes (`c1`, `c2`, `line1`, `line2`), so they follow the
/// light or dark scheme. All text is user text escaped by `HTMLRenderer.text(_:)`; a label too long
/// for the chart is cut with an ellipsis and shown whole in a tooltip. Coordinates are written with
/// at most one decimal, so the output is the same on every run.
enum SVGChart {
    /// The chart as an `<svg>` element (or a short paragraph when it has no points), ending with a line break.
    static func render(_ chart: ReportChart, title: String, labels: RendererLabels) -> String {
        guard !chart.points.isEmpty || !chart.secondSeries.isEmpty else {
            return "<p class=\"empty\">\(HTMLRenderer.text(labels.noRows))</p>\n"
        }
        switch chart.style {
        case .bars: return bars(chart, title: title)
        case .line, .columns: return line(chart, title: title)
        }
    }

    // MARK: - Bars

    /// One row a point: its label above, then a bar for each series with its value at the end.
    static func bars(_ chart: ReportChart, title: String) -> String {
        let width = 360.0, fontSize = 13.0
        let names = ReportRenderer.seriesNames(of: chart)
        let series = names.second == nil ? [chart.points] : [chart.points, chart.secondSeries]
        let count = series.map(\.count).max() ?? 0
        let values = series.flatMap { $0.map(\.value) }.filter(\.isFinite)
        let largest = max(values.max() ?? 0, 0)
        let valueSize = series.count > 1 ? 11.0 : 12.0
        let valueWidth = values.map { textWidth(ReportRenderer.chartValueText($0), size: valueSize) }.max() ?? 0
        let barRoom = max(width - valueWidth - 8, 40)
        let barHeight = series.count > 1 ? 12.0 : 16.0
        let legendHeight = series.count > 1 ? 24.0 : 0
        let rowHeight = 26 + Double(series.count) * (barHeight + 3)
        let height = legendHeight + Double(count) * rowHeight

        var out = open(style: "bars", width: width, height: height, fontSize: fontSize, title: title)
        if let second = names.second { out += legend([names.first, second], y: 14, fontSize: fontSize) }
        for i in 0..<count {
            let top = legendHeight + Double(i) * rowHeight
            let label = i < chart.points.count ? chart.points[i].label : chart.secondSeries[i].label
            let shown = series.map { i < $0.count ? ReportRenderer.chartValueText($0[i].value) : "" }
            out += "<g><title>\(HTMLRenderer.text(label + ": " + shown.joined(separator: " / ")))</title>"
            out += "<text x=\"0\" y=\"\(number(top + 15))\">\(HTMLRenderer.text(truncated(label, toWidth: width, size: fontSize)))</text>"
            for (s, points) in series.enumerated() where i < points.count {
                let barTop = top + 20 + Double(s) * (barHeight + 3)
                let value = points[i].value
                let length = value.isFinite && value > 0 && largest > 0 ? max(1, value / largest * barRoom) : 0
                out += "<rect class=\"c\(s + 1)\" x=\"0\" y=\"\(number(barTop))\" width=\"\(number(length))\" height=\"\(number(barHeight))\" rx=\"2\"/>"
                out += "<text x=\"\(number(length + 5))\" y=\"\(number(barTop + barHeight / 2 + valueSize * 0.35))\" font-size=\"\(number(valueSize))\">\(HTMLRenderer.text(shown[s]))</text>"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    // MARK: - Line

    /// Points joined in order over an x axis of their labels, on a y axis with round ticks from zero;
    /// a second series in the second colour, with a legend; the last value of each series written by its point.
    /// In the `columns` style the first series is a column a point, its value above it, each
    /// point in the middle of its band of the x axis.
    static func line(_ chart: ReportChart, title: String) -> String {
        let columns = chart.style == .columns
        let width = 480.0, height = 280.0, fontSize = 12.0
        let names = ReportRenderer.seriesNames(of: chart)
        let series = names.second == nil ? [chart.points] : [chart.points, chart.secondSeries]
        let count = series.map(\.count).max() ?? 0
        let xLabels = (0..<count).map { i in i < chart.points.count ? chart.points[i].label : chart.secondSeries[i].label }
        let values = series.flatMap { $0.map(\.value) }.filter(\.isFinite)
        let scale = Scale(from: min(values.min() ?? 0, 0), to: max(values.max() ?? 0, 0),
                          wholeSteps: values.allSatisfy { $0.rounded() == $0 })
        let tickWidth = scale.ticks.map { textWidth(ReportRenderer.chartValueText($0), size: fontSize) }.max() ?? 0
        let xLabelWidth = xLabels.map { textWidth($0, size: fontSize) }.max() ?? 0
        let top = names.second == nil ? 30.0 : 48.0, bottom = 30.0
        let left = max(tickWidth + 10, min(xLabelWidth / 2 + 2, 80))
        let right = max(24, min(xLabelWidth / 2 + 2, 80))
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ i: Int) -> Double {
            if columns { return left + plotWidth * (Double(i) + 0.5) / Double(count) }
            return count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(count - 1)
        }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - (v - scale.low) / (scale.high - scale.low)) }

        var out = open(style: "line", width: width, height: height, fontSize: fontSize, title: title)
        if let second = names.second { out += legend([names.first, second], y: 14, fontSize: fontSize) }
        if !chart.unit.isEmpty {
            out += "<text class=\"muted\" x=\"0\" y=\"\(number(top - 12))\">\(HTMLRenderer.text(truncated(chart.unit, toWidth: width, size: fontSize)))</text>\n"
        }
        for tick in scale.ticks {
            out += "<line class=\"grid\" x1=\"\(number(left))\" y1=\"\(number(y(tick)))\" x2=\"\(number(width - right))\" y2=\"\(number(y(tick)))\"/>"
            out += "<text class=\"muted\" x=\"\(number(left - 6))\" y=\"\(number(y(tick) + 4))\" text-anchor=\"end\">\(ReportRenderer.chartValueText(tick))</text>\n"
        }
        out += "<line class=\"axis\" x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(top + plotHeight))\"/>"
        out += "<line class=\"axis\" x1=\"\(number(left))\" y1=\"\(number(y(0)))\" x2=\"\(number(width - right))\" y2=\"\(number(y(0)))\"/>\n"
        let spacing = columns ? plotWidth / Double(count) : count > 1 ? plotWidth / Double(count - 1) : plotWidth
        let every = max(1, Int(((xLabelWidth + 8) / spacing).rounded(.up)))
        for i in stride(from: 0, to: count, by: every) {
            out += "<text class=\"muted\" x=\"\(number(x(i)))\" y=\"\(number(height - bottom + 18))\" text-anchor=\"middle\">\(HTMLRenderer.text(xLabels[i]))</text>"
        }
        out += "\n"
        var lastLabelY: Double?
        if columns, let points = series.first {
            let width = min(spacing * 0.6, 48)
            for (i, point) in points.enumerated() where point.value.isFinite {
                let top = min(y(point.value), y(0)), height = abs(y(point.value) - y(0))
                let shown = ReportRenderer.chartValueText(point.value)
                out += "<rect class=\"c1\" x=\"\(number(x(i) - width / 2))\" y=\"\(number(top))\" width=\"\(number(width))\" height=\"\(number(height))\">"
                    + "<title>\(HTMLRenderer.text(xLabels[i] + ": " + shown))</title></rect>"
                if point.value != 0 || count <= 12 {
                    out += "<text x=\"\(number(x(i)))\" y=\"\(number(top - 4))\" text-anchor=\"middle\" font-size=\"11\">\(shown)</text>"
                }
                out += "\n"
            }
        }
        for (s, points) in series.enumerated().reversed() where !(columns && s == 0) { // the second (cumulative) first, so the first's label gives way
            let drawn = points.indices.filter { points[$0].value.isFinite }
            guard let last = drawn.last else { continue }
            let coordinates = drawn.map { "\(number(x($0))),\(number(y(points[$0].value)))" }.joined(separator: " ")
            out += "<polyline class=\"line\(s + 1)\" points=\"\(coordinates)\"/>\n"
            for i in drawn {
                let shown = ReportRenderer.chartValueText(points[i].value)
                out += "<circle class=\"c\(s + 1)\" cx=\"\(number(x(i)))\" cy=\"\(number(y(points[i].value)))\" r=\"3\"><title>\(HTMLRenderer.text(xLabels[i] + ": " + shown))</title></circle>"
            }
            var labelY = y(points[last].value) - 8
            if let other = lastLabelY, abs(other - labelY) < 14 { labelY = y(points[last].value) + 18 }
            lastLabelY = labelY
            out += "\n<text x=\"\(number(x(last) - 4))\" y=\"\(number(labelY))\" text-anchor=\"end\" font-weight=\"600\">\(ReportRenderer.chartValueText(points[last].value))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// A y axis in round steps (1, 2 or 5 times a power of ten), about four of them, from zero or below.
    struct Scale {
        /// The ticks from the lowest to the highest, evenly spaced; at least two.
        let ticks: [Double]
        var low: Double { ticks[0] }
        var high: Double { ticks[ticks.count - 1] }

        init(from lowest: Double, to highest: Double, wholeSteps: Bool) {
            // Values beyond 10^15 either way, which only an edited file holds, are scaled as if
            // at that bound (and drawn past the edge): the ticks stay a handful.
            func bounded(_ value: Double) -> Double { value.isFinite ? min(max(value, -1e15), 1e15) : 0 }
            let lowest = bounded(lowest), highest = bounded(highest)
            let rough = (highest > lowest ? highest - lowest : 1) / 4
            var exponent = 0
            while Self.value(1, exponent) > rough { exponent -= 1 }
            while Self.value(10, exponent) <= rough { exponent += 1 }
            let residual = rough / Self.value(1, exponent)
            var units = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
            if wholeSteps, exponent < 0 { (units, exponent) = (1, 0) } // counts of people have no half ticks
            let step = Self.value(units, exponent)
            let first = Int((lowest / step).rounded(.down))
            let last = max(Int((highest / step).rounded(.up)), first + 1)
            ticks = (first...last).map { Self.value($0 * units, exponent) }
        }

        /// `count` times ten to the `exponent`, dividing for a negative one so that 6 x 10^-1 is exactly 0.6.
        static func value(_ count: Int, _ exponent: Int) -> Double {
            var power = 1.0
            for _ in 0..<abs(exponent) { power *= 10 }
            return exponent >= 0 ? Double(count) * power : Double(count) / power
        }
    }

    // MARK: - Pieces

    static func open(style: String, width: Double, height: Double, fontSize: Double, title: String) -> String {
        "<svg class=\"chart \(style)\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" "
            + "aria-label=\"\(HTMLRenderer.text(title))\" font-size=\"\(number(fontSize))\">\n"
    }

    /// Swatches and names of the series, in a row from the left.
    static func legend(_ names: [String], y: Double, fontSize: Double) -> String {
        var out = ""
        var x = 0.0
        for (s, name) in names.enumerated() {
            out += "<rect class=\"c\(s + 1)\" x=\"\(number(x))\" y=\"\(number(y - 10))\" width=\"12\" height=\"12\" rx=\"2\"/>"
            out += "<text x=\"\(number(x + 17))\" y=\"\(number(y))\">\(HTMLRenderer.text(name))</text>"
            x += 17 + textWidth(name, size: fontSize) + 18
        }
        return out + "\n"
    }

    /// About how wide `text` is drawn at `size`: wide characters count twice (`TerminalText.width`).
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(TerminalText.width(text)) * size * 0.6
    }

    /// `text` cut with an ellipsis to fit `width` at `size`.
    static func truncated(_ text: String, toWidth width: Double, size: Double) -> String {
        guard textWidth(text, size: size) > width else { return text }
        var out = ""
        for character in text {
            if textWidth(out + String(character) + "…", size: size) > width { break }
            out.append(character)
        }
        return out + "…"
    }

    /// A coordinate with at most one decimal.
    static func number(_ value: Double) -> String {
        let text = ReportCell.format(value, decimals: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
