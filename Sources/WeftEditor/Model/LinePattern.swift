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

    /// The matches in `line` (one line, without its line feed), as scalar offsets in it.
    func matches(in line: String) -> [Range<Int>] {
        let found = expression.matches(in: line, range: NSRange(line.startIndex..., in: line))
        return found.compactMap { match in
            guard let range = Range(match.range, in: line) else { return nil }
            let lower = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound)
            return lower..<lower + line.unicodeScalars[range].count
        }
    }

    /// Whether less shows or finds `line` for this pattern.
    func selects(_ line: String) -> Bool {
        let found = expression.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        return found != negated
    }
}
