@testable import WeftEditor

/// A naive reference for a subset of vim's normal mode, written from vim's documentation rather
/// than from vim's code (which the editor follows step for step): words are found by scanning
/// for their starts and ends, lines by scanning for line feeds. ASCII text without tabs only.
struct VimReferenceModel {
    /// One normal-mode command the property test types.
    enum Motion: Equatable {
        case left, right, down, up, lineStart, firstNonBlank, lineEnd
        case wordNext(big: Bool), wordBack(big: Bool), wordEnd(big: Bool)
        case find(Character, forward: Bool, till: Bool)
    }

    enum Action: Equatable {
        case move(Motion, count: Int)
        /// `d`, `c` (then types `Q` and Esc) or `y`, with a motion or doubled (`dd`).
        case operate(Character, Motion?, count: Int)
        case x(count: Int), bigX(count: Int), bigD
        case put(after: Bool)
        case undo, repeatChange
    }

    var text: [Character]
    var cursor = 0
    /// The column `j` and `k` aim for (vim's `curswant`); nil: the cursor's.
    var wanted: Int?
    var register: (text: [Character], linewise: Bool)?
    var history: [[Character]] = []
    var lastChange: Action?

    // MARK: Lines

    func lineStart(_ p: Int) -> Int { var q = min(p, text.count); while q > 0, text[q - 1] != "\n" { q -= 1 }; return q }
    func lineEnd(_ p: Int) -> Int { var q = p; while q < text.count, text[q] != "\n" { q += 1 }; return q }
    func lineNumber(_ p: Int) -> Int { text[..<min(p, text.count)].filter { $0 == "\n" }.count }
    /// A final line feed ends the last line; no empty line follows it (`:help eol`).
    var lastLine: Int { text.filter { $0 == "\n" }.count - (text.last == "\n" ? 1 : 0) }
    func start(ofLine n: Int) -> Int {
        var line = 0, q = 0
        while line < n, q < text.count { if text[q] == "\n" { line += 1 }; q += 1 }
        return q
    }
    func firstNonBlank(_ p: Int) -> Int { var q = lineStart(p); while q < lineEnd(p), text[q] == " " { q += 1 }; return q }
    func lastCharacter(_ p: Int) -> Int { max(lineStart(p), lineEnd(p) - 1) }

    // MARK: Words, by the documentation's definitions

    func kind(_ q: Int, big: Bool) -> Int {
        guard q < text.count, text[q] != "\n", text[q] != " " else { return 0 }
        if big { return 1 }
        return text[q].isLetter || text[q].isNumber || text[q] == "_" ? 2 : 1
    }
    func isEmptyLine(_ q: Int) -> Bool { lineStart(q) == q && lineEnd(q) == q }
    /// A word starts where a run of one kind of non-blank begins; an empty line is a word too.
    func isWordStart(_ q: Int, big: Bool) -> Bool {
        if isEmptyLine(q) { return q > 0 || text.isEmpty ? q <= text.count : true }
        return q < text.count && kind(q, big: big) != 0 && (q == lineStart(q) || kind(q - 1, big: big) != kind(q, big: big))
    }
    func isWordEnd(_ q: Int, big: Bool) -> Bool {
        q < text.count && kind(q, big: big) != 0 && kind(q + 1, big: big) != kind(q, big: big)
    }

    // MARK: Motions

    /// Where `motion` goes and how an operator takes it; nil when it fails.
    func target(_ motion: Motion, count: Int, operator op: Character?) -> (position: Int, kind: MotionKind)? {
        let p = cursor
        switch motion {
        case .left:
            guard p > lineStart(p) else { return nil }
            return (max(lineStart(p), p - count), .exclusive)
        case .right:
            let end = op == nil ? lastCharacter(p) : lineEnd(p)
            guard p < end else { return nil }
            return (min(end, p + count), .exclusive)
        case .down, .up:
            let line = lineNumber(p)
            let target = motion == .down ? min(lastLine, line + count) : max(0, line - count)
            guard target != line else { return nil }
            let first = start(ofLine: target)
            return (min(first + p - lineStart(p), max(first, lineEnd(first) - 1)), .linewise)
        case .lineStart: return (lineStart(p), .exclusive)
        case .firstNonBlank: return (firstNonBlank(p), .exclusive)
        case .lineEnd:
            let line = lineNumber(p)
            guard count == 1 || line < lastLine else { return nil }
            let target = start(ofLine: min(lastLine, line + count - 1))
            return lineEnd(target) == target ? (target, .exclusive) : (lineEnd(target) - 1, .inclusive)
        case .wordNext(let big):
            if op == "c", kind(p, big: big) != 0 {
                // `cw` on a word is `ce`, counting the word under the cursor when it ends there.
                var q = p
                while !isWordEnd(q, big: big), q < text.count { q += 1 }
                for _ in 1..<count { q = nextWordEnd(after: q, big: big) }
                return (q, .inclusive)
            }
            var q = p
            for index in 0..<count {
                let from = q
                q += 1
                while q <= text.count, !isWordStart(q, big: big) { q += 1 }
                q = min(q, text.count)
                // Nothing follows a final line feed: the end of the last line is as far as it goes.
                if q == text.count, text.last == "\n" { q -= 1 }
                if op != nil, index == count - 1, lineNumber(q) > lineNumber(from) {
                    // With an operator, the last word stops at its line's end (or, from the end
                    // of a line, at the start of the next).
                    q = from == lineEnd(from) ? min(text.count, from + 1) : lineEnd(from)
                }
            }
            return (q, .exclusive)
        case .wordBack(let big):
            var q = p
            for _ in 0..<count {
                q -= 1
                while q > 0, !isWordStart(q, big: big) { q -= 1 }
                q = max(0, q)
            }
            return (q, .exclusive)
        case .wordEnd(let big):
            var q = p
            for _ in 0..<count { q = nextWordEnd(after: q, big: big) }
            return (q, .inclusive)
        case .find(let character, let forward, let till):
            var q = p
            var found = 0
            while found < count {
                q += forward ? 1 : -1
                if q < lineStart(p) || q >= lineEnd(p) { return nil }
                if text[q] == character { found += 1 }
            }
            if till { q += forward ? -1 : 1 }
            return (q, forward ? .inclusive : .exclusive)
        }
    }

    func nextWordEnd(after p: Int, big: Bool) -> Int {
        var q = p + 1
        while q < text.count, !isWordEnd(q, big: big) { q += 1 }
        // Nothing follows a final line feed: the end of the last line is as far as it goes.
        return text.last == "\n" ? min(q, text.count - 1) : min(q, text.count)
    }

    // MARK: Applying

    mutating func apply(_ action: Action) {
        switch action {
        case .move(let motion, let count):
            guard let (q, _) = target(motion, count: count, operator: nil) else { return }
            if motion == .down || motion == .up {
                let column = wanted ?? (cursor - lineStart(cursor))
                let start = lineStart(q)
                let last = max(start, lineEnd(start) - 1)
                cursor = column >= last - start ? last : start + column
                wanted = column
                return
            }
            cursor = q
            clamp()
            wanted = motion == .lineEnd ? Int.max : nil
        case .operate(let op, let motion, let count):
            // A change whose motion fails is no change: `.` keeps the one before.
            if operate(op, motion, count: count) {
                // Every operator that runs sets the column `j` and `k` aim for anew.
                wanted = nil
                if op != "y" { lastChange = action }
            }
        case .x(let count):
            if operate("d", .right, count: count) { lastChange = action; wanted = nil }
        case .bigX(let count):
            if operate("d", .left, count: count) { lastChange = action; wanted = nil }
        case .bigD:
            if operate("d", .lineEnd, count: 1) { lastChange = action; wanted = nil }
        case .put(let after):
            if put(after: after) { lastChange = action }
        case .undo:
            if let previous = history.popLast() { text = previous }
        case .repeatChange:
            if let change = lastChange { apply(change) }
        }
    }

    private mutating func clamp() {
        if lineNumber(cursor) > lastLine { cursor = text.count - 1 }
        if cursor >= lineEnd(cursor), lineEnd(cursor) > lineStart(cursor) { cursor = lineEnd(cursor) - 1 }
        cursor = min(cursor, text.count)
    }

    @discardableResult
    private mutating func operate(_ op: Character, _ motion: Motion?, count: Int) -> Bool {
        var lines: ClosedRange<Int>?
        var range = cursor..<cursor
        var motionEnd: Int?
        if let motion {
            guard let (q, kind) = target(motion, count: count, operator: op) else { return false }
            motionEnd = q
            let lower = min(cursor, q), upper = max(cursor, q)
            switch kind {
            case .linewise: lines = lineNumber(lower)...lineNumber(upper)
            case .inclusive: range = lower..<(upper < text.count && text[upper] != "\n" ? upper + 1 : upper)
            case .exclusive:
                range = lower..<upper
                if lineNumber(upper) > lineNumber(lower), upper == lineStart(upper) {
                    // `:help exclusive-linewise`
                    if lower <= firstNonBlank(lower) {
                        lines = lineNumber(lower)...lineNumber(upper) - 1
                    } else {
                        range = lower..<lineEnd(upper - 1)
                    }
                }
            }
        } else {
            let line = lineNumber(cursor)
            if count > 1, line == lastLine { return false }
            lines = line...min(lastLine, line + count - 1)
        }
        if let lines {
            let first = start(ofLine: lines.lowerBound), end = lineEnd(start(ofLine: lines.upperBound))
            register = (Array(text[first..<end]) + ["\n"], true)
            if op == "y" {
                // Up to the line above: the cursor goes where the motion went.
                if lines.lowerBound != lineNumber(cursor) { cursor = motionEnd ?? first }
                return true
            }
            if op == "c" {
                history.append(text)
                text.replaceSubrange(first..<end, with: ["Q"])
                cursor = first
                return true
            }
            // With its line feed; the last lines of a text with no final line feed leave the line
            // feed before them, which now ends the line above (vim keeps an empty line above).
            let lower = first
            var upper = end
            if upper < text.count { upper += 1 }
            // Nothing to delete (an empty document) makes no undo step.
            if lower < upper { history.append(text) }
            text.removeSubrange(lower..<upper)
            cursor = firstNonBlank(start(ofLine: min(lines.lowerBound, lastLine)))
            clamp()
            return true
        }
        if !range.isEmpty { register = (Array(text[range]), false) }
        if op == "y" {
            if !range.isEmpty { cursor = range.lowerBound }
            return true
        }
        if range.isEmpty, op == "d" { cursor = range.lowerBound; clamp(); return true }
        history.append(text)
        text.replaceSubrange(range, with: op == "c" ? ["Q"] : [])
        cursor = range.lowerBound
        clamp()
        return true
    }

    private mutating func put(after: Bool) -> Bool {
        guard let register else { return false }
        wanted = nil
        history.append(text)
        if register.linewise {
            let line = lineNumber(cursor)
            if after, line == lastLine, text.last != "\n" {
                text += ["\n"] + register.text.dropLast()
                cursor = firstNonBlank(start(ofLine: line + 1))
            } else {
                let at = start(ofLine: after ? line + 1 : line)
                text.insert(contentsOf: register.text, at: at)
                cursor = firstNonBlank(at)
            }
            clamp()
            return true
        }
        let at = after && cursor < lineEnd(cursor) ? cursor + 1 : cursor
        text.insert(contentsOf: register.text, at: at)
        cursor = register.text.contains("\n") ? at : at + register.text.count - 1
        clamp()
        return true
    }
}
