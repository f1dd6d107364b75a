import WeftCRDT

/// The text an operator works on: characters, or whole lines `lines`.
struct OperatorRange: Equatable, Sendable {
    var range: Range<Int>
    var lines: ClosedRange<Int>?
}

extension Editor {
    /// Applies operator `command` to `target` (`count` lines, a motion, a text object or the
    /// selection), keeping what it takes in `register`. One undo step; a change's insert joins it.
    /// False when the motion or object fails (vim then drops the operator, and `.` forgets it).
    @discardableResult
    mutating func apply(_ command: EditorCommand, to target: VimTarget, count: Int?, register: Character?, now: Double) -> Bool {
        let start = cursorPosition
        var motionEnd: Int?
        let taken: OperatorRange
        switch target {
        case .lines:
            let line = replica.line(containing: start)
            let times = max(1, count ?? 1)
            // As vim: a count past the last line takes the lines left, but none from the last line.
            if times > 1, line == replica.lastLine { return false }
            taken = OperatorRange(range: start..<start, lines: line...min(replica.lastLine, line + times - 1))
        case .motion(let motion):
            guard let result = motionTarget(motion, count: count, operatorPending: command) else { return false }
            if motion.command.isJump { vim.marks["'"] = replica.anchor(at: start, stickToPrevious: false) }
            motionEnd = result.position
            taken = operatorRange(from: start, to: result)
        case .object(let kind, let around):
            let times = max(1, count ?? 1)
            let found = kind == "t" ? replica.tagObject(at: start, count: times, around: around)
                : replica.textObject(kind, around: around, at: start, count: times)
            guard let object = found else { return false }
            if object.linewise {
                let first = replica.line(containing: object.range.lowerBound)
                let last = replica.line(containing: max(object.range.lowerBound, object.range.upperBound - 1))
                taken = OperatorRange(range: object.range, lines: first...last)
            } else {
                taken = OperatorRange(range: object.range, lines: nil)
            }
        case .selection where vim.visualBlock:
            return applyToBlock(command, register: register, now: now)
        case .selection:
            guard let range = selection else { return false }
            if vim.visualLinewise {
                let first = replica.line(containing: range.lowerBound)
                taken = OperatorRange(range: range, lines: first...replica.line(containing: max(range.lowerBound, range.upperBound - 1)))
            } else {
                taken = OperatorRange(range: range, lines: nil)
            }
            selectionAnchor = nil
            markActive = false
            vim.visualLinewise = false
            mode = normalModeName
        }
        if command == .operatorChange {
            undoHistory.close()
            undoHistory.beginInsert()
        } else {
            undoHistory.beginGroup()
        }
        defer { if command != .operatorChange { undoHistory.endGroup() } }
        switch command {
        case .operatorDelete, .operatorChange:
            delete(taken, register: register, changing: command == .operatorChange, now: now)
        case .operatorYank:
            yank(taken, register: register, motionEnd: motionEnd, from: start)
        case .operatorIndent, .operatorOutdent:
            shift(taken, right: command == .operatorIndent, now: now)
        case .operatorLowercase, .operatorUppercase, .operatorToggleCase:
            changeCase(taken, command: command, now: now)
        default:
            break
        }
        // As vim: after an operator, up and down aim for the cursor's column anew.
        preferredColumn = nil
        return true
    }

    /// The text from `start` to a motion's end, by vim's rules: an exclusive motion ending at the
    /// start of a later line ends at the end of the line before, and takes whole lines when it
    /// began in the first line's indent (`:help exclusive-linewise`).
    func operatorRange(from start: Int, to result: MotionResult) -> OperatorRange {
        let lower = min(start, result.position), upper = max(start, result.position)
        switch result.kind {
        case .linewise:
            return OperatorRange(range: lower..<upper, lines: replica.line(containing: lower)...replica.line(containing: upper))
        case .inclusive:
            let end = replica.isLineEnd(upper) ? upper : nextBoundary(after: upper)
            return OperatorRange(range: lower..<end, lines: nil)
        case .exclusive:
            let firstLine = replica.line(containing: lower), lastLine = replica.line(containing: upper)
            if lastLine > firstLine, upper == replica.lineStart(lastLine) {
                if lower <= replica.firstNonBlank(ofLine: firstLine) {
                    return OperatorRange(range: lower..<upper, lines: firstLine...lastLine - 1)
                }
                return OperatorRange(range: lower..<replica.lineRange(lastLine - 1).upperBound, lines: nil)
            }
            return OperatorRange(range: lower..<upper, lines: nil)
        }
    }

    /// The text of whole lines `lines`, as a register keeps it (ending with a line feed).
    func linesText(_ lines: ClosedRange<Int>) -> String {
        replica.text(in: replica.lineStart(lines.lowerBound)..<replica.lineRange(lines.upperBound).upperBound) + "\n"
    }

    /// What deleting whole lines removes: with their line feeds. The last lines of a text with no
    /// final line feed have none; the one before them stays and ends the line above, as vim keeps it.
    func linesRange(_ lines: ClosedRange<Int>) -> Range<Int> {
        let lower = replica.lineStart(lines.lowerBound)
        if lines.upperBound + 1 < replica.lineCount { return lower..<replica.lineStart(lines.upperBound + 1) }
        return lower..<replica.count
    }

    private mutating func delete(_ taken: OperatorRange, register: Character?, changing: Bool, now: Double) {
        if let lines = taken.lines {
            store(Clipboard(text: linesText(lines), linewise: true), in: register, yanking: false)
            if changing {
                // `cc`: the lines' text goes, one empty line stays to type on (kept indent aside).
                let lower = replica.lineStart(lines.lowerBound)
                replace(lower..<replica.lineRange(lines.upperBound).upperBound, with: "", kind: .other, now: now)
                moveCursor(to: lower)
                enterTyping()
                return
            }
            replace(linesRange(lines), with: "", kind: .other, now: now)
            moveCursor(to: replica.firstNonBlank(ofLine: min(lines.lowerBound, replica.lastLine)))
            return
        }
        if !taken.range.isEmpty {
            store(Clipboard(text: replica.text(in: taken.range), linewise: false), in: register, yanking: false)
            replace(taken.range, with: "", kind: .other, now: now)
        }
        moveCursor(to: taken.range.lowerBound)
        if changing { enterTyping() }
    }

    private mutating func yank(_ taken: OperatorRange, register: Character?, motionEnd: Int?, from start: Int) {
        if let lines = taken.lines {
            store(Clipboard(text: linesText(lines), linewise: true), in: register, yanking: true)
            let count = lines.count
            show("\(count) line\(count == 1 ? "" : "s") yanked")
            if lines.lowerBound != replica.line(containing: start) {
                moveCursor(to: motionEnd ?? replica.lineStart(lines.lowerBound))
            }
            return
        }
        guard !taken.range.isEmpty else { return }
        store(Clipboard(text: replica.text(in: taken.range), linewise: false), in: register, yanking: true)
        moveCursor(to: taken.range.lowerBound)
    }

    /// `>` and `<`: each line's indent grows or shrinks by one shift width (the tab width; tabs
    /// as far as they go, as vim with its default `noexpandtab`). Empty lines are left as they are.
    mutating func shift(_ taken: OperatorRange, right: Bool, now: Double) {
        let lines = taken.lines ?? replica.line(containing: taken.range.lowerBound)...replica.line(containing: max(taken.range.lowerBound, taken.range.upperBound - 1))
        let width = settings.tabWidth
        for line in lines {
            let range = replica.lineRange(line)
            if right, range.isEmpty { continue }
            let first = replica.firstNonBlank(ofLine: line)
            var indent = 0
            for position in range.lowerBound..<first { indent = replica.scalar(at: position) == "\t" ? (indent / width + 1) * width : indent + 1 }
            let newIndent = right ? indent + width : max(0, indent - width)
            let text = String(repeating: "\t", count: newIndent / width) + String(repeating: " ", count: newIndent % width)
            if replica.text(in: range.lowerBound..<first) != text {
                replace(range.lowerBound..<first, with: text, kind: .other, now: now)
            }
        }
        moveCursor(to: replica.firstNonBlank(ofLine: lines.lowerBound))
    }

    private mutating func changeCase(_ taken: OperatorRange, command: EditorCommand, now: Double) {
        let range = taken.lines.map { replica.lineStart($0.lowerBound)..<replica.lineRange($0.upperBound).upperBound } ?? taken.range
        let start = cursorPosition
        let text = replica.text(in: range)
        let changed: String
        switch command {
        case .operatorLowercase: changed = text.lowercased()
        case .operatorUppercase: changed = text.uppercased()
        default: changed = String(text.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
        }
        if changed != text { replace(range, with: changed, kind: .other, now: now) }
        moveCursor(to: taken.lines == nil ? range.lowerBound : min(start, replica.count))
    }

    /// Keeps what an operator took: in the unnamed register (and the system clipboard, as every
    /// copy), in the named one if any, and in `0` (yanks) or `1`–`9`/`-` (deletions). `_` keeps nothing.
    mutating func store(_ value: Clipboard, in register: Character?, yanking: Bool) {
        if register == "_" { return }
        if let register, register != "\"" {
            if register == "+" || register == "*" {
                keep(value)
                vim.registers.set("+", value)
            } else {
                vim.registers.set(register, value)
                clipboard = value
            }
            if register.isUppercase, let added = vim.registers.get(register) { clipboard = added }
            return
        }
        keep(value)
        if yanking { vim.registers.set("0", value) } else { vim.registers.recordDeletion(value) }
    }

    /// What register `name` holds (the unnamed one for nil, `"`, `+` and `*`).
    func registerContents(_ name: Character?) -> Clipboard? {
        guard let name, name != "\"" else { return clipboard }
        return vim.registers.get(name == "*" ? "+" : name)
    }
}
