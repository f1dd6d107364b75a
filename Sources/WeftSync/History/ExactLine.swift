/// A line with its line feed, equal to another only when their bytes are (String equality
/// would take canonically equivalent text for the same, and leave the wrong bytes in place).
struct ExactLine: Hashable {
    var text: Substring

    static func == (lhs: ExactLine, rhs: ExactLine) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }

    func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }

    /// The text's lines, split at line feeds (a CRLF line ends with both); the last one lacks
    /// its feed when the text does not end with one.
    static func lines(of text: String) -> [ExactLine] {
        var lines: [ExactLine] = []
        var start = text.startIndex
        let scalars = text.unicodeScalars
        while start < text.endIndex {
            let end = scalars[start...].firstIndex(of: "\n").map { scalars.index(after: $0) } ?? text.endIndex
            lines.append(ExactLine(text: text[start..<end]))
            start = end
        }
        return lines
    }

    /// Whether the line ends with its line feed (only a text's last line may not).
    var endsWithFeed: Bool { text.utf8.last == UInt8(ascii: "\n") }

    /// The line without its line feed (a CRLF line keeps its carriage return, as `diff` prints it).
    var withoutFeed: Substring { endsWithFeed ? Substring(text.unicodeScalars.dropLast()) : text }
}
