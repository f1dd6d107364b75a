import WeftCRDT

/// Regular-expression searches, line by line (the pager's, as less's).
extension Editor {
    /// The first line from `position` (forward, wrapping around) with a match, and the match;
    /// for a `!` pattern, the first line without one (the match is then its start).
    /// - Parameter lineByLine: go through the lines even where one pass over the text can tell
    ///   (for tests that compare the two).
    mutating func findLines(_ query: SearchQuery, from position: Int, lineByLine: Bool = false) -> (range: Range<Int>, wrapped: Bool)? {
        guard let pattern = query.linePattern else { return nil }
        if !lineByLine, !pattern.negated, !query.vimSyntax, let literal = LinePattern.literal(query.pattern) {
            // Plain text (the common case, and every Ctrl-R search): found in the document's
            // scalars at once, as the editor's search does, rather than line by line through the
            // expression engine (seconds on 10 MB). ASCII only, where both fold case alike.
            var plain = query
            plain.pattern = literal
            plain.regex = false
            return find(plain, from: position)
        }
        if !lineByLine, !pattern.negated {
            // One pass of the expression over the text from the start (forward: the first match
            // from it; backward: the last up to it), then one over the rest, wrapping around;
            // only a match spanning a line feed sends the search line by line.
            let text = replica.text
            let position = min(max(0, position), replica.count)
            let (here, wrapped) = query.forward ? (position..<replica.count, 0..<position) : (0..<position + 1, position + 1..<replica.count + 1)
            func match(in starts: Range<Int>) -> LinePattern.WholeTextMatch {
                query.forward ? pattern.firstMatch(inWhole: text, from: starts.lowerBound, startingBefore: starts.upperBound)
                              : pattern.lastMatch(inWhole: text, from: starts.lowerBound, startingBefore: starts.upperBound)
            }
            switch match(in: here) {
            case .found(let range): return (range, false)
            case .none:
                switch match(in: wrapped) {
                case .found(let range): return (range, true)
                case .none: return nil
                case .undecided: break
                }
            case .undecided: break
            }
        }
        let lines = replica.lineCount
        let position = min(max(0, position), replica.count)
        let first = replica.line(containing: position)
        // The first line comes twice: its part after the start, and at the end its part before.
        for step in 0...lines {
            let line = query.forward ? (first + step) % lines : (first - step + lines) % lines
            let start = replica.lineStart(line)
            let text = replica.line(line)
            let wrapped = step > 0 && (query.forward ? line <= first : line >= first)
            var candidates: [Range<Int>]
            if pattern.negated {
                if line == pagedLineCount, line > 0 { continue }  // the empty line after a final line feed
                candidates = pattern.selects(text) ? [start..<start] : []
            } else {
                candidates = pattern.matches(in: text).map { start + $0.lowerBound..<start + $0.upperBound }
            }
            if step == 0 {
                candidates = candidates.filter { query.forward ? $0.lowerBound >= position : $0.lowerBound <= position }
            } else if step == lines {
                candidates = candidates.filter { query.forward ? $0.lowerBound < position : $0.lowerBound > position }
            }
            if let found = query.forward ? candidates.first : candidates.last { return (found, wrapped) }
        }
        return nil
    }

    /// The matches of `query` in the lines `range` touches, for highlighting.
    func lineMatches(_ query: SearchQuery, in range: Range<Int>) -> [Range<Int>] {
        guard let pattern = query.linePattern, !pattern.negated else { return [] }
        var found: [Range<Int>] = []
        let last = replica.line(containing: max(range.lowerBound, range.upperBound - 1))
        for line in replica.line(containing: range.lowerBound)...last {
            let start = replica.lineStart(line)
            found += pattern.matches(in: replica.line(line)).map { start + $0.lowerBound..<start + $0.upperBound }
        }
        return found.filter { $0.overlaps(range) || ($0.isEmpty && range.contains($0.lowerBound)) }
    }

    /// The lines a regular-expression filter shows.
    func filterLines(_ query: SearchQuery) -> [Int] {
        guard let pattern = query.linePattern else { return [] }
        return (0..<pagedLineCount).filter { pattern.selects(replica.line($0)) }
    }
}
