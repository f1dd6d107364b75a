import Foundation
import WeftCRDT

extension Editor {
    /// Runs `:s`: every match in the lines (the first of each line without `g`) is replaced, as
    /// one undo step; the cursor goes to the last line changed, as in vim.
    mutating func substitute(_ substitution: Substitution, now: Double) {
        guard let range = lines(from: substitution.from, to: substitution.to) else { return }
        let first = range.lowerBound, final = range.upperBound
        let expression: NSRegularExpression
        do {
            expression = try VimPattern(substitution.pattern).expression(ignoringCase: substitution.ignoreCase ?? false)
        } catch {
            return show("not a valid pattern: \(substitution.pattern)", isError: true)
        }
        let start = replica.lineStart(first)
        let end = replica.lineRange(final).upperBound
        let text = replica.text(in: start..<end)
        let string = text as NSString
        var replacements: [(range: Range<Int>, text: String)] = []
        var changedLines = Set<Int>()
        // Offsets in the document are in scalars; NSString's are UTF-16: convert once per line.
        var lineOffset = 0
        var scalarOffset = start
        for (index, lineText) in text.linesByLineFeed().enumerated() {
            let utf16Count = lineText.utf16.count
            let lineRange = NSRange(location: lineOffset, length: utf16Count)
            var matches = expression.matches(in: text, range: lineRange)
            if !substitution.global { matches = Array(matches.prefix(1)) }
            for match in matches {
                let prefix = string.substring(with: NSRange(location: lineOffset, length: match.range.location - lineOffset))
                let matched = string.substring(with: match.range)
                let lower = scalarOffset + prefix.unicodeScalars.count
                replacements.append((lower..<lower + matched.unicodeScalars.count, VimPattern.replacement(substitution.replacement, match: match, in: string)))
                changedLines.insert(first + index)
            }
            lineOffset += utf16Count + 1
            scalarOffset += lineText.unicodeScalars.count + 1
        }
        guard !replacements.isEmpty else { return show("pattern not found: \(substitution.pattern)", isError: true) }
        undoHistory.close()
        undoHistory.beginGroup()
        for (range, replacement) in replacements.reversed() where replica.text(in: range) != replacement {
            replace(range, with: replacement, kind: .other, now: now)
        }
        undoHistory.endGroup()
        // The last replacement moved by what the earlier ones added or removed.
        let shift = replacements.dropLast().reduce(0) { $0 + $1.text.unicodeScalars.count - $1.range.count }
        let lastStart = min(replica.count, replacements.last!.range.lowerBound + shift)
        moveCursor(to: replica.firstNonBlank(ofLine: replica.line(containing: lastStart)))
        if replacements.count > 1 {
            show("\(replacements.count) substitutions on \(changedLines.count) line\(changedLines.count == 1 ? "" : "s")")
        }
    }

    /// The lines a `:` range names (0-based), or nil, having said so, when the document has not
    /// got them.
    mutating func lines(from: Substitution.Bound, to: Substitution.Bound) -> ClosedRange<Int>? {
        let current = replica.line(containing: cursorPosition), last = replica.lastLine
        func line(_ bound: Substitution.Bound) -> Int {
            switch bound {
            case .current: current
            case .last: last
            case .number(let number): number - 1
            }
        }
        let first = line(from), final = line(to)
        guard first >= 0, first <= final, final <= last else {
            show("no such lines: the document has \(last + 1)", isError: true)
            return nil
        }
        return first...final
    }
}
