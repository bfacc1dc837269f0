/// A bar chart as inline SVG (no script, no external resource), so it survives being mailed.
struct SVGBarChart {
    /// Bars drawn; more are left out with a note, so a long range stays readable.
    static let barsMax = 62

    struct Bar {
        let label: String
        let value: Double
        let valueText: String
    }

    let title: String
    let bars: [Bar]
    var widthPixels = 720
    var heightPixels = 260

    var svg: String {
        let shown = Array(bars.suffix(Self.barsMax))
        let top = 44.0, bottom = 40.0, left = 10.0
        let plotHeight = Double(heightPixels) - top - bottom
        let maxValue = max(shown.map { abs($0.value) }.max() ?? 0, 1e-12)
        let slot = shown.isEmpty ? 0 : (Double(widthPixels) - 2 * left) / Double(shown.count)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(widthPixels)\" height=\"\(heightPixels)\" "
            + "viewBox=\"0 0 \(widthPixels) \(heightPixels)\" aria-label=\"\(HTMLText.escape(title))\">"
        out += "<text x=\"\(left)\" y=\"18\" class=\"chart-title\">\(HTMLText.escape(title))</text>"
        out += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(Double(widthPixels) - left)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>"
        if shown.isEmpty {
            out += "<text x=\"\(left)\" y=\"\(top + plotHeight / 2)\" class=\"chart-empty\">no data in this range</text>"
        }
        for (index, bar) in shown.enumerated() {
            let height = max(0, bar.value) / maxValue * plotHeight
            // Bars at most 60 px wide, centred in their slot, so one bar does not fill the chart.
            let barWidth = min(slot * 0.7, 60)
            let x = left + Double(index) * slot + (slot - barWidth) / 2
            let y = top + plotHeight - height
            out += "<rect x=\"\(fixed(x))\" y=\"\(fixed(y))\" width=\"\(fixed(barWidth))\" height=\"\(fixed(height))\" fill=\"#2f6fb0\">"
            out += "<title>\(HTMLText.escape(bar.label)): \(HTMLText.escape(bar.valueText))</title></rect>"
            out += "<text x=\"\(fixed(x + barWidth / 2))\" y=\"\(fixed(y - 4))\" text-anchor=\"middle\" class=\"bar-value\">"
                + "\(HTMLText.escape(bar.valueText))</text>"
            out += "<text x=\"\(fixed(x + barWidth / 2))\" y=\"\(fixed(top + plotHeight + 16))\" text-anchor=\"middle\" class=\"bar-label\">"
                + "\(HTMLText.escape(bar.label))</text>"
        }
        out += "</svg>"
        if bars.count > shown.count { out += "<p class=\"note\">showing the last \(shown.count) of \(bars.count) bars</p>" }
        return out
    }

    /// One decimal place, so the SVG text is the same on every run.
    private func fixed(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
