import Foundation

/// Vim's `it` and `at`: the text inside an XML or HTML tag pair, or the pair with its tags.
extension ScalarText where Self: TextReading {
    /// The `count`th tag pair around `position` (`<b>…</b>`, with attributes; self-closing tags
    /// and unmatched ones are passed over), its inside or all of it.
    func tagObject(at position: Int, count: Int, around: Bool) -> ObjectRange? {
        let text = self.text(in: 0..<self.count)
        guard let expression = try? NSRegularExpression(pattern: "<(/?)([A-Za-z][A-Za-z0-9:_.-]*)[^<>]*?(/?)>") else { return nil }
        // Tags with their ranges in scalars, found in order.
        var tags: [(closing: Bool, name: String, range: Range<Int>)] = []
        var scalarIndex = 0
        var utf16Index = text.utf16.startIndex
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text), let nameRange = Range(match.range(at: 2), in: text) else { continue }
            if match.range(at: 3).length > 0 { continue }  // <br/>: no inside
            scalarIndex += text.unicodeScalars[utf16Index..<range.lowerBound].count
            let length = text.unicodeScalars[range].count
            tags.append((match.range(at: 1).length > 0, String(text[nameRange]), scalarIndex..<scalarIndex + length))
            scalarIndex += length
            utf16Index = range.upperBound
        }
        var open: [(name: String, range: Range<Int>)] = []
        var pairs: [(open: Range<Int>, close: Range<Int>)] = []
        for tag in tags {
            if !tag.closing {
                open.append((tag.name, tag.range))
            } else if let index = open.lastIndex(where: { $0.name == tag.name }) {
                pairs.append((open[index].range, tag.range))
                open.removeSubrange(index...)
            }
        }
        let enclosing = pairs.filter { $0.open.lowerBound <= position && position < $0.close.upperBound }
            .sorted { $0.open.lowerBound > $1.open.lowerBound }
        guard count >= 1, count <= enclosing.count else { return nil }
        let pair = enclosing[count - 1]
        return ObjectRange(range: around ? pair.open.lowerBound..<pair.close.upperBound : pair.open.upperBound..<pair.close.lowerBound, linewise: false)
    }
}

/// Texts whose characters can be read as a string.
protocol TextReading {
    func text(in range: Range<Int>) -> String
}
