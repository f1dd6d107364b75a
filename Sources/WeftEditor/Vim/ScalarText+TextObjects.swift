/// What a text object covers: a range of characters, or of whole lines (`ip`, `ap`).
struct ObjectRange: Equatable {
    var range: Range<Int>
    var linewise: Bool
}

/// Vim's text objects (`:help text-objects`) as pure functions of the text and the cursor.
extension ScalarText {
    /// The object `kind` (`w`, `W`, `s`, `p`, a quote or a bracket) around `position`, inner or
    /// with its surroundings (`around`), `count` of them; nil when there is none there.
    func textObject(_ kind: Character, around: Bool, at position: Int, count: Int) -> ObjectRange? {
        switch kind {
        case "w", "W": return words(at: position, count: count, big: kind == "W", around: around).map { ObjectRange(range: $0, linewise: false) }
        case "s": return sentence(at: position, around: around).map { ObjectRange(range: $0, linewise: false) }
        case "p": return paragraphs(at: position, count: count, around: around)
        case "\"", "'", "`": return quoted(kind.unicodeScalars.first!, at: position, around: around).map { ObjectRange(range: $0, linewise: false) }
        case "(", ")", "b": return bracketed("(", ")", at: position, count: count, around: around)
        case "[", "]": return bracketed("[", "]", at: position, count: count, around: around)
        case "{", "}", "B": return bracketed("{", "}", at: position, count: count, around: around)
        case "<", ">": return bracketed("<", ">", at: position, count: count, around: around)
        default: return nil
        }
    }

    /// The run of characters of one class (word, symbols or blanks) holding `position`, within its line.
    private func run(at position: Int, big: Bool) -> Range<Int> {
        let range = lineRange(line(containing: position))
        let kind = wordClass(at: position, big: big)
        var lower = position, upper = position
        while lower > range.lowerBound, wordClass(at: lower - 1, big: big) == kind { lower -= 1 }
        while upper < range.upperBound, wordClass(at: upper, big: big) == kind { upper += 1 }
        return lower..<upper
    }

    /// `iw` counts words and the blanks between them alike; `aw` takes each word with the blanks
    /// after it (or, for a word at the end of its line, the blanks before it).
    private func words(at position: Int, count: Int, big: Bool, around: Bool) -> Range<Int>? {
        guard !isLineEnd(position) else { return nil }
        let line = lineRange(line(containing: position))
        var selected = run(at: position, big: big)
        if !around {
            for _ in 1..<max(1, count) where selected.upperBound < line.upperBound {
                selected = selected.lowerBound..<run(at: selected.upperBound, big: big).upperBound
            }
            return selected
        }
        let startsOnBlank = wordClass(at: position, big: big) == 0
        for index in 0..<max(1, count) {
            if index > 0 || !startsOnBlank {
                // The word (already taken on the first round), then the blanks after it.
                if index > 0, selected.upperBound < line.upperBound, wordClass(at: selected.upperBound, big: big) != 0 {
                    selected = selected.lowerBound..<run(at: selected.upperBound, big: big).upperBound
                }
                if selected.upperBound < line.upperBound, wordClass(at: selected.upperBound, big: big) == 0 {
                    selected = selected.lowerBound..<run(at: selected.upperBound, big: big).upperBound
                } else if index == 0, selected.lowerBound > line.lowerBound, wordClass(at: selected.lowerBound - 1, big: big) == 0 {
                    let before = run(at: selected.lowerBound - 1, big: big)
                    // Blanks that start the line are indent, not space between words: they stay.
                    if before.lowerBound > line.lowerBound { selected = before.lowerBound..<selected.upperBound }
                }
            } else if selected.upperBound < line.upperBound {
                // On blanks: the blanks and the word after them.
                selected = selected.lowerBound..<run(at: selected.upperBound, big: big).upperBound
            }
        }
        return selected
    }

    /// `is`/`as`: a sentence ends at `.`, `!` or `?` (with any closing `)`, `]`, `"`, `'`) before
    /// a blank or a line end; an empty line ends one too. Blanks between sentences are an object
    /// of their own for `is`.
    private func sentence(at position: Int, around: Bool) -> Range<Int>? {
        let (start, end) = paragraphBounds(at: position)
        guard start < end else { return nil }
        var pieces: [(range: Range<Int>, blank: Bool)] = []
        var index = start
        while index < end {
            let blank = isSpace(index)
            var upper = index
            if blank {
                while upper < end, isSpace(upper) { upper += 1 }
            } else {
                while upper < end, !endsSentence(at: upper, limit: end) { upper += 1 }
                upper = min(end, upper + 1)
                while upper < end, [")", "]", "\"", "'"].contains(scalar(at: upper)) { upper += 1 }
            }
            pieces.append((index..<upper, blank))
            index = upper
        }
        guard let at = pieces.firstIndex(where: { $0.range.contains(position) }) else { return nil }
        var selected = pieces[at].range
        guard around else { return selected }
        if pieces[at].blank {
            if at + 1 < pieces.count { selected = selected.lowerBound..<pieces[at + 1].range.upperBound }
        } else if at + 1 < pieces.count, pieces[at + 1].blank {
            selected = selected.lowerBound..<pieces[at + 1].range.upperBound
        } else if at > 0, pieces[at - 1].blank {
            selected = pieces[at - 1].range.lowerBound..<selected.upperBound
        }
        return selected
    }

    private func isSpace(_ position: Int) -> Bool { wordClass(at: position, big: true) == 0 }

    private func endsSentence(at position: Int, limit: Int) -> Bool {
        guard [".", "!", "?"].contains(scalar(at: position)) else { return false }
        var next = position + 1
        while next < limit, [")", "]", "\"", "'"].contains(scalar(at: next)) { next += 1 }
        return next >= limit || isSpace(next)
    }

    /// The characters of the paragraph holding `position`: its lines between empty ones.
    private func paragraphBounds(at position: Int) -> (Int, Int) {
        var first = line(containing: position), last = first
        guard !isEmptyLine(first) else { return (position, position) }
        while first > 0, !isEmptyLine(first - 1) { first -= 1 }
        while last < lastLine, !isEmptyLine(last + 1) { last += 1 }
        return (lineStart(first), lineRange(last).upperBound)
    }

    /// `ip` is the run of non-blank (or of blank) lines holding the cursor; `ap` adds the blank
    /// lines after it (before it, when none follow). A count takes more runs.
    private func paragraphs(at position: Int, count: Int, around: Bool) -> ObjectRange? {
        let cursorLine = line(containing: position)
        func runEnd(from line: Int) -> Int {
            var last = line
            while last < lastLine, isBlankLine(last + 1) == isBlankLine(line) { last += 1 }
            return last
        }
        var first = cursorLine
        while first > 0, isBlankLine(first - 1) == isBlankLine(cursorLine) { first -= 1 }
        var last = runEnd(from: cursorLine)
        let runs = around ? 2 * max(1, count) : max(1, count)
        for _ in 1..<runs {
            guard last < lastLine else {
                // `ap` on the last paragraph takes the blank lines before it instead.
                if around, !isBlankLine(cursorLine), first > 0, isBlankLine(first - 1) {
                    while first > 0, isBlankLine(first - 1) { first -= 1 }
                }
                break
            }
            last = runEnd(from: last + 1)
        }
        let lower = lineStart(first)
        let upper = last < lastLine ? lineStart(last + 1) : self.count
        return ObjectRange(range: lower..<upper, linewise: true)
    }

    /// `i"` is the text between the quotes around the cursor in its line; `a"` adds the quotes and
    /// the blanks after them (or before, when none follow). On a line whose first quote is after
    /// the cursor, the first quoted text is taken.
    private func quoted(_ quote: Unicode.Scalar, at position: Int, around: Bool) -> Range<Int>? {
        let line = lineRange(line(containing: position))
        var quotes: [Int] = []
        var index = line.lowerBound
        while index < line.upperBound {
            if scalar(at: index) == "\\" { index += 2; continue }
            if scalar(at: index) == quote { quotes.append(index) }
            index += 1
        }
        var pair: (Int, Int)?
        var pairIndex = 0
        while pairIndex + 1 < quotes.count {
            let (open, close) = (quotes[pairIndex], quotes[pairIndex + 1])
            if position <= close { pair = (open, close); break }
            pairIndex += 2
        }
        guard let (open, close) = pair else { return nil }
        guard around else { return open + 1..<close }
        var lower = open, upper = close + 1
        if upper < line.upperBound, isBlank(scalar(at: upper)) {
            while upper < line.upperBound, isBlank(scalar(at: upper)) { upper += 1 }
        } else {
            while lower > line.lowerBound, isBlank(scalar(at: lower - 1)) { lower -= 1 }
        }
        return lower..<upper
    }

    /// `i(` is what is between the `count`th unclosed `(` before the cursor (or the one under it)
    /// and its match; `a(` includes the brackets.
    private func bracketed(_ open: Unicode.Scalar, _ close: Unicode.Scalar, at position: Int, count: Int, around: Bool) -> ObjectRange? {
        guard count > 0, self.count > 0 else { return nil }
        var start = min(position, self.count - 1)
        var depth = 0
        var found = 0
        // The cursor on a closing bracket belongs to that pair: start the search from its inside.
        if scalar(at: start) == close { start -= 1 } else if scalar(at: start) == open {
            found = 1
            if found == count { return pairRange(openAt: start, open, close, around: around) }
            start -= 1
        }
        while start >= 0 {
            let character = scalar(at: start)
            if character == close { depth += 1 } else if character == open {
                if depth == 0 {
                    found += 1
                    if found == count { return pairRange(openAt: start, open, close, around: around) }
                } else {
                    depth -= 1
                }
            }
            start -= 1
        }
        return nil
    }

    private func pairRange(openAt start: Int, _ open: Unicode.Scalar, _ close: Unicode.Scalar, around: Bool) -> ObjectRange? {
        var depth = 0
        var position = start
        while position < count {
            let character = scalar(at: position)
            if character == open { depth += 1 } else if character == close {
                depth -= 1
                if depth == 0 {
                    return ObjectRange(range: around ? start..<position + 1 : start + 1..<position, linewise: false)
                }
            }
            position += 1
        }
        return nil
    }
}
