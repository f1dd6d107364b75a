import WeftCRDT

/// Read access to a text by Unicode scalar offsets and lines: all that vim's motions and text
/// objects need, so they are pure functions of the text and a position, tested without an editor.
protocol ScalarText {
    var count: Int { get }
    var lineCount: Int { get }
    func scalar(at position: Int) -> Unicode.Scalar
    func lineStart(_ line: Int) -> Int
    func lineRange(_ line: Int) -> Range<Int>
    func line(containing position: Int) -> Int
}

extension Replica: ScalarText, TextReading {}

extension ScalarText {
    /// Whether `position` is at the end of its line (on its line feed, or at the end of the text),
    /// where vim's cursor functions see the line's terminating NUL.
    func isLineEnd(_ position: Int) -> Bool { position >= count || scalar(at: position) == "\n" }

    /// The end of the line holding `position` (its line feed's offset, or the text's end).
    func lineEnd(at position: Int) -> Int { lineRange(line(containing: position)).upperBound }

    func lineStart(at position: Int) -> Int { lineStart(line(containing: position)) }

    /// The last line as vim counts lines: a line feed ends its line, so a text that ends with one
    /// has no empty line after it (`G`, `j`, `J`, `:%s` and `}` stop on the line the line feed
    /// ends, and `o` there keeps the final line feed). An empty text is one empty line.
    var lastLine: Int {
        let last = lineCount - 1
        return last > 0 && scalar(at: count - 1) == "\n" ? last - 1 : last
    }

    /// Whether line `line` has no characters at all.
    func isEmptyLine(_ line: Int) -> Bool { lineRange(line).isEmpty }

    /// Whether line `line` holds nothing but blanks (a paragraph boundary for `ip` and `ap`).
    func isBlankLine(_ line: Int) -> Bool {
        lineRange(line).allSatisfy { isBlank(scalar(at: $0)) }
    }

    func firstNonBlank(ofLine line: Int) -> Int {
        let range = lineRange(line)
        return range.first { !isBlank(scalar(at: $0)) } ?? range.upperBound
    }

    func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar == "\u{A0}" }

    /// Vim's character classes for word motions: 0 for blanks and line ends, 2 for keyword
    /// characters (letters, digits, `_`), 1 for other symbols. A WORD (`big`) is any run of non-blanks.
    func wordClass(at position: Int, big: Bool) -> Int {
        guard position < count else { return 0 }
        let scalar = scalar(at: position)
        if scalar == "\n" || isBlank(scalar) { return 0 }
        if big { return 1 }
        if scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return 2 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return 2
        default: return 1
        }
    }

    /// Vim's `inc()`: one step forward. 0 within a line, 2 onto the line's end, 1 onto the next
    /// line, -1 at the end of the last line (the position does not move; a final line feed is
    /// that end, with no line after it).
    func step(forward position: inout Int) -> Int {
        if !isLineEnd(position) {
            position += 1
            return isLineEnd(position) ? 2 : 0
        }
        guard position < count - 1 || (position == count - 1 && scalar(at: position) != "\n") else { return -1 }
        position += 1
        return 1
    }

    /// Vim's `dec()`: one step back. 0 within a line, 1 onto the previous line's end, -1 at the start.
    func step(backward position: inout Int) -> Int {
        guard position > 0 else { return -1 }
        let atLineStart = scalar(at: position - 1) == "\n"
        position -= 1
        return atLineStart ? 1 : 0
    }

    /// Whether `position` is at the start of an empty line (vim stops word motions there).
    func isOnEmptyLine(_ position: Int) -> Bool {
        (position == 0 || scalar(at: position - 1) == "\n") && isLineEnd(position)
    }
}
