import Foundation

/// A pager search or filter pattern as less takes it: a regular expression (ICU's syntax, close
/// to less's extended expressions), matched line by line; `!` first finds the lines that do
/// not match.
struct LinePattern {
    let expression: NSRegularExpression
    let negated: Bool

    /// With `vimSyntax`, the pattern is vim's (`\(`, `\<`, `\c`…, see `VimPattern`) and `!` is
    /// just a character.
    /// - Throws: the library's error when the expression is not valid.
    init(_ pattern: String, caseSensitive: Bool, vimSyntax: Bool = false) throws {
        if vimSyntax {
            negated = false
            let vim = VimPattern(pattern)
            expression = try vim.expression(ignoringCase: !caseSensitive)
            return
        }
        negated = pattern.hasPrefix("!")
        let body = negated ? String(pattern.dropFirst()) : pattern
        expression = try NSRegularExpression(pattern: body, options: caseSensitive ? [] : [.caseInsensitive])
    }

    /// The text `pattern` (less's syntax, not negated) matches and nothing else, when it is plain
    /// ASCII text: no character the expression engine gives a meaning, but those escaped with
    /// `\` (as Ctrl-R escapes them); nil otherwise.
    static func literal(_ pattern: String) -> String? {
        guard !pattern.isEmpty, !pattern.hasPrefix("!"), pattern.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) else { return nil }
        var text = ""
        var escaped = false
        for character in pattern {
            if escaped {
                // `\.` is a dot; `\d`, `\b` and the like are classes and anchors.
                guard !character.isLetter, !character.isNumber else { return nil }
                text.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if "^$.|?*+()[]{}".contains(character) {
                return nil
            } else {
                text.append(character)
            }
        }
        return escaped ? nil : text
    }

    /// The matches in `line` (one line, without its line feed), as scalar offsets in it.
    func matches(in line: String) -> [Range<Int>] {
        let found = expression.matches(in: line, range: NSRange(line.startIndex..., in: line))
        return found.compactMap { match in
            guard let range = Range(match.range, in: line) else { return nil }
            let lower = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound)
            return lower..<lower + line.unicodeScalars[range].count
        }
    }

    /// What one pass of the expression over a whole text found.
    enum WholeTextMatch: Equatable {
        case found(Range<Int>)
        case none
        /// The first match spans a line feed, which no line-by-line search finds: only that
        /// search can tell.
        case undecided
    }

    /// The expression with `^` and `$` at line ends, for a pass over a whole text.
    private var wholeTextExpression: NSRegularExpression? {
        try? NSRegularExpression(pattern: expression.pattern, options: expression.options.union(.anchorsMatchLines))
    }

    /// The first match starting at scalar `from` or after in `text` and before `end`, as scalar
    /// offsets, found in one pass of the expression over the text (`^` and `$` at line ends):
    /// line by line, the engine costs milliseconds a line.
    func firstMatch(inWhole text: String, from: Int, startingBefore end: Int) -> WholeTextMatch {
        guard let multiline = wholeTextExpression else { return .undecided }
        let scalars = text.unicodeScalars
        let lower = scalars.index(scalars.startIndex, offsetBy: from)
        // Transparent bounds: the search starts at `from` as if the text began where it does.
        guard let match = multiline.firstMatch(in: text, options: [.withTransparentBounds, .withoutAnchoringBounds],
                                                range: NSRange(lower..<scalars.endIndex, in: text)),
              let range = Range(match.range, in: text) else { return .none }
        let start = from + scalars.distance(from: lower, to: range.lowerBound)
        guard start < end else { return .none }
        if scalars[range].contains("\n") { return .undecided }
        return .found(start..<start + scalars[range].count)
    }

    /// The last match starting at scalar `from` or after and before `end` in `text`, found in one
    /// pass of the expression over the text, as `firstMatch(inWhole:)` finds the first: a
    /// backward search line by line took 19 s on 200,000 lines and could not be stopped.
    func lastMatch(inWhole text: String, from: Int, startingBefore end: Int) -> WholeTextMatch {
        guard from < end else { return .none }
        guard let multiline = wholeTextExpression else { return .undecided }
        let scalars = text.unicodeScalars
        let lower = scalars.index(scalars.startIndex, offsetBy: from)
        var last: Range<Int>?
        var spansLineFeed = false
        var (index, offset) = (lower, from)
        multiline.enumerateMatches(in: text, options: [.withTransparentBounds, .withoutAnchoringBounds],
                                   range: NSRange(lower..<scalars.endIndex, in: text)) { match, _, stop in
            guard let match, let range = Range(match.range, in: text) else { return }
            offset += scalars.distance(from: index, to: range.lowerBound)
            index = range.lowerBound
            guard offset < end else {
                stop.pointee = true
                return
            }
            let length = scalars[range].count
            if scalars[range].contains("\n") { spansLineFeed = true }
            last = offset..<offset + length
        }
        if spansLineFeed { return .undecided }
        return last.map { .found($0) } ?? .none
    }

    /// Whether less shows or finds `line` for this pattern.
    func selects(_ line: String) -> Bool {
        let found = expression.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        return found != negated
    }
}
