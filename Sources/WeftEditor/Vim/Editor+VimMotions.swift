import WeftCRDT

/// How a motion's text is taken by an operator (`:help exclusive`, `:help linewise`).
enum MotionKind: Equatable, Sendable {
    case exclusive, inclusive, linewise
}

/// Where a motion goes, and how an operator takes the text up to there.
struct MotionResult: Equatable, Sendable {
    var position: Int
    var kind: MotionKind
}

extension Editor {
    /// Where `motion` goes from the cursor, `count` times; nil when it cannot (vim beeps).
    /// `operatorPending` is the operator waiting for it: `w` then stops at the line's end, and
    /// `cw` is `ce`, as in vim.
    mutating func motionTarget(_ motion: VimMotion, count: Int?, operatorPending: EditorCommand?) -> MotionResult? {
        let position = cursorPosition
        let times = max(1, count ?? 1)
        let line = replica.line(containing: position)
        let pending = operatorPending != nil
        switch motion.command {
        case .cursorLeft:
            let start = replica.lineStart(line)
            guard position > start else { return nil }
            var target = position
            for _ in 0..<times where target > start { target = previousBoundary(before: target) }
            return MotionResult(position: target, kind: .exclusive)
        case .cursorRight:
            let end = replica.lineRange(line).upperBound
            var target = position
            for _ in 0..<times where target < end { target = nextBoundary(after: target) }
            if !pending, target >= end { target = end > replica.lineStart(line) ? previousBoundary(before: end) : end }
            guard target != position else { return nil }
            return MotionResult(position: target, kind: .exclusive)
        case .cursorUp, .cursorDown:
            let up = motion.command == .cursorUp
            guard up ? line > 0 : line < replica.lastLine else { return nil }
            let target = up ? max(0, line - times) : min(replica.lastLine, line + times)
            // The same column, or the line's last character (where `yk` leaves the cursor).
            let range = replica.lineRange(target)
            let column = position - replica.lineStart(line)
            return MotionResult(position: range.isEmpty ? range.lowerBound : min(range.lowerBound + column, range.upperBound - 1), kind: .linewise)
        case .wordNext, .bigWordNext:
            let big = motion.command == .bigWordNext
            if operatorPending == .operatorChange, !replica.isLineEnd(position), replica.wordClass(at: position, big: big) != 0 {
                return MotionResult(position: replica.wordEnd(from: position, count: times, big: big, stop: true), kind: .inclusive)
            }
            return MotionResult(position: replica.wordForward(from: position, count: times, big: big, stopAtLineEnd: pending), kind: .exclusive)
        case .wordPrevious, .bigWordPrevious:
            return MotionResult(position: replica.wordBackward(from: position, count: times, big: motion.command == .bigWordPrevious), kind: .exclusive)
        case .wordEnd, .bigWordEnd:
            return MotionResult(position: replica.wordEnd(from: position, count: times, big: motion.command == .bigWordEnd), kind: .inclusive)
        case .lineStart:
            return MotionResult(position: replica.lineStart(line), kind: .exclusive)
        case .lineFirstNonBlank:
            return MotionResult(position: replica.firstNonBlank(ofLine: line), kind: .exclusive)
        case .lineEnd:
            guard times == 1 || line < replica.lastLine else { return nil }
            let target = min(replica.lastLine, line + times - 1)
            let range = replica.lineRange(target)
            return range.isEmpty ? MotionResult(position: range.lowerBound, kind: .exclusive)
                : MotionResult(position: range.upperBound - 1, kind: .inclusive)
        case .documentStart, .documentEnd:
            let last = replica.lastLine
            let target = count.map { min(max(1, $0), last + 1) - 1 } ?? (motion.command == .documentStart ? 0 : last)
            return MotionResult(position: replica.firstNonBlank(ofLine: target), kind: .linewise)
        case .findChar, .findCharBackward, .tillChar, .tillCharBackward:
            guard let scalar = motion.character?.unicodeScalars.first else { return nil }
            let forward = motion.command == .findChar || motion.command == .tillChar
            let till = motion.command == .tillChar || motion.command == .tillCharBackward
            vim.lastFind = (scalar, forward, till)
            return findInLine(scalar, forward: forward, till: till, count: times, repeating: false)
        case .repeatFindChar, .repeatFindCharReverse:
            guard let last = vim.lastFind else { return nil }
            let forward = motion.command == .repeatFindChar ? last.forward : !last.forward
            return findInLine(last.character, forward: forward, till: last.till, count: times, repeating: true)
        case .matchBracket:
            if let count {
                // A count is a percentage of the lines (`50%`), as in vim.
                guard count <= 100 else { return nil }
                let target = (count * (replica.lastLine + 1) + 99) / 100 - 1
                return MotionResult(position: replica.firstNonBlank(ofLine: max(0, target)), kind: .linewise)
            }
            return replica.matchingBracket(from: position).map { MotionResult(position: $0, kind: .inclusive) }
        case .paragraphNext, .paragraphPrevious:
            return replica.paragraph(from: position, count: times, forward: motion.command == .paragraphNext)
                .map { MotionResult(position: $0.position, kind: $0.inclusive ? .inclusive : .exclusive) }
        case .screenTop, .screenMiddle, .screenBottom:
            let lines = visibleLines.clamped(to: 0...replica.lastLine)
            let target: Int
            switch motion.command {
            case .screenTop: target = min(lines.upperBound, lines.lowerBound + times - 1)
            case .screenBottom: target = max(lines.lowerBound, lines.upperBound - times + 1)
            default: target = (lines.lowerBound + lines.upperBound) / 2
            }
            return MotionResult(position: replica.firstNonBlank(ofLine: target), kind: .linewise)
        case .findWordForward, .findWordBackward:
            guard let word = replica.keyword(at: position) else {
                show("no word under the cursor", isError: true)
                return nil
            }
            lastSearch = SearchQuery(pattern: replica.text(in: word), forward: motion.command == .findWordForward, wholeWord: true, exactCase: true)
            return searchTarget(reversed: false, from: motion.command == .findWordForward ? word.lowerBound : word.lowerBound, times: times)
        case .findNext, .findPrevious:
            return searchTarget(reversed: motion.command == .findPrevious, from: position, times: times)
        case .gotoMark, .gotoMarkLine:
            guard let name = motion.character else { return nil }
            guard let anchor = vim.marks[name == "`" ? "'" : name], let target = replica.position(of: anchor) else {
                show("mark \(name) is not set", isError: true)
                return nil
            }
            if motion.command == .gotoMarkLine {
                return MotionResult(position: replica.firstNonBlank(ofLine: replica.line(containing: target)), kind: .linewise)
            }
            return MotionResult(position: min(target, replica.count), kind: .exclusive)
        default:
            return nil
        }
    }

    private func findInLine(_ scalar: Unicode.Scalar, forward: Bool, till: Bool, count: Int, repeating: Bool) -> MotionResult? {
        replica.findInLine(scalar, from: cursorPosition, count: count, forward: forward, till: till, skipAdjacent: repeating && till)
            .map { MotionResult(position: $0, kind: forward ? .inclusive : .exclusive) }
    }

    /// The `times`th match of the last search from `position`, wrapping around the document.
    private mutating func searchTarget(reversed: Bool, from position: Int, times: Int) -> MotionResult? {
        guard var query = lastSearch else {
            show("no previous search: start one with the find key", isError: true)
            return nil
        }
        if reversed { query.forward.toggle() }
        var at = position
        var wrappedOnce = false
        for _ in 0..<times {
            guard let (range, wrapped) = find(query, from: query.forward ? at + 1 : at - 1) else {
                show("not found: \(query.pattern)", isError: true)
                return nil
            }
            wrappedOnce = wrappedOnce || wrapped
            at = range.lowerBound
        }
        if wrappedOnce { show(query.forward ? "search hit the end, continuing at the top" : "search hit the top, continuing at the end") }
        return MotionResult(position: at, kind: .exclusive)
    }

    /// The first and last lines wholly on screen.
    var visibleLines: ClosedRange<Int> {
        let first = topLine
        var rows = -topRow
        var line = first
        while line < replica.lineCount {
            rows += rowCount(ofLine: line)
            if rows > viewHeight { break }
            line += 1
        }
        return first...max(first, line - 1)
    }

    /// Moves the cursor as `motion` goes (in visual mode the selection follows). Jumps (`G`,
    /// searches, marks, `%`, paragraphs, `H` `M` `L`) remember where they left for `''`.
    mutating func move(_ motion: VimMotion, count: Int?) {
        let start = cursorPosition
        guard let result = motionTarget(motion, count: count, operatorPending: nil) else { return }
        if undoHistory.insertOpen {
            undoHistory.endInsert()
            undoHistory.beginInsert()
        }
        if motion.command.isJump { vim.marks["'"] = replica.anchor(at: start, stickToPrevious: false) }
        switch motion.command {
        case .cursorUp, .cursorDown:
            let lines = replica.line(containing: result.position) - replica.line(containing: start)
            moveVertically(by: lines, extending: false)
        default:
            moveCursor(to: result.position)
        }
        if motion.command == .lineEnd {
            preferredColumn = Int.max
        }
    }
}

extension EditorCommand {
    /// Motions that jump far: vim remembers where they left (the `'` mark).
    var isJump: Bool {
        switch self {
        case .documentStart, .documentEnd, .findNext, .findPrevious, .findWordForward, .findWordBackward, .matchBracket,
             .paragraphNext, .paragraphPrevious, .screenTop, .screenMiddle, .screenBottom, .gotoMark, .gotoMarkLine:
            return true
        default:
            return false
        }
    }
}
