import WeftCRDT

extension Editor {
    /// Runs one complete command of vim's grammar; false when it failed (a motion that cannot go).
    mutating func perform(_ action: VimAction, now: Double) -> Bool {
        defer { lastCommand = nil }
        switch action.kind {
        case .move(let motion):
            undoHistory.close()
            move(motion, count: action.count)
            return true
        case .operate(let command, let target):
            return apply(command, to: target, count: action.count, register: action.register, now: now)
        case .command(let command, let character):
            return runVim(command, character: character, count: action.count, register: action.register, now: now)
        }
    }

    private mutating func runVim(_ command: EditorCommand, character: Character?, count: Int?, register: Character?, now: Double) -> Bool {
        let times = max(1, count ?? 1)
        let right = VimTarget.motion(VimMotion(command: .cursorRight, character: nil))
        switch command {
        case .deleteForward:
            if mode == "visual" { return apply(.operatorDelete, to: .selection, count: nil, register: register, now: now) }
            return apply(.operatorDelete, to: right, count: count, register: register, now: now)
        case .deleteBackward:
            return apply(.operatorDelete, to: .motion(VimMotion(command: .cursorLeft, character: nil)), count: count, register: register, now: now)
        case .deleteToLineEnd:
            return apply(.operatorDelete, to: .motion(VimMotion(command: .lineEnd, character: nil)), count: count, register: register, now: now)
        case .changeToLineEnd:
            return apply(.operatorChange, to: .motion(VimMotion(command: .lineEnd, character: nil)), count: count, register: register, now: now)
        case .substituteChar:
            return apply(.operatorChange, to: right, count: count, register: register, now: now)
        case .substituteLine:
            return apply(.operatorChange, to: .lines, count: count, register: register, now: now)
        case .cutLine:
            return apply(.operatorDelete, to: .lines, count: count, register: register, now: now)
        case .copyLine:
            if mode == "visual" { return apply(.operatorYank, to: .selection, count: nil, register: register, now: now) }
            return apply(.operatorYank, to: .lines, count: count, register: register, now: now)
        case .cutSelection, .copySelection:
            return apply(command == .cutSelection ? .operatorDelete : .operatorYank, to: .selection, count: nil, register: register, now: now)
        case .paste, .pasteAfter, .pasteBefore:
            guard let contents = registerContents(register) else {
                show(register.map { "register \($0) is empty" } ?? "the clipboard is empty", isError: true)
                return false
            }
            undoHistory.close()
            if contents.blockwise, selection == nil {
                pasteBlock(contents.text, after: command == .pasteAfter, times: times, now: now)
                return true
            }
            var repeated = contents
            if times > 1 { repeated.text = String(repeating: contents.text, count: times) }
            let kept = clipboard
            clipboard = repeated
            paste(after: command == .pasteAfter, now: now)
            clipboard = kept
            if mode == "visual" {
                // Pasting over a selection ends visual mode, as in vim.
                mode = normalModeName
                vim.visualLinewise = false
            }
        case .replaceChar:
            guard let character else { return false }
            if mode == "visual" { return replaceSelection(with: character, now: now) }
            return replaceCharacters(with: character, count: times, now: now)
        case .joinLines:
            if mode == "visual", let range = selection {
                // Visual `J` joins the selected lines (at least two).
                let first = replica.line(containing: range.lowerBound)
                let last = replica.line(containing: max(range.lowerBound, range.upperBound - 1))
                run(.normalMode, now: now)
                moveCursor(to: replica.lineStart(first))
                joinLines(max(2, last - first + 1), now: now)
                return true
            }
            joinLines(max(2, times), now: now)
        case .toggleCase:
            toggleCase(count: times, now: now)
        case .setMark:
            guard let character, character.isASCII, character.isLetter || character == "'" || character == "`" else {
                show("marks are named a–z", isError: true)
                return false
            }
            vim.marks[character == "`" ? "'" : character] = replica.anchor(at: cursorPosition, stickToPrevious: false)
        case .recordMacro:
            if let character { startRecording(character) }
        case .playMacro:
            if let character { playMacro(character, count: times, now: now) }
        case .repeatChange:
            repeatChange(count: count, now: now)
        case .replaceMode:
            undoHistory.close()
            enterTyping()
            vim.overwriting = true
        case .visualLineMode:
            if mode == "visual", vim.visualLinewise {
                run(.normalMode, now: now)
            } else {
                if mode != "visual" { run(.visualMode, now: now) }
                vim.visualLinewise = true
                vim.visualBlock = false
            }
        case .visualBlockMode:
            if mode == "visual", vim.visualBlock {
                run(.normalMode, now: now)
            } else {
                if mode != "visual" { run(.visualMode, now: now) }
                vim.visualBlock = true
                vim.visualLinewise = false
            }
        case .visualMode where mode == "visual" && vim.visualBlock:
            vim.visualBlock = false
        case .insertLineStart where mode == "visual", .appendLineEnd where mode == "visual":
            return insertOnSelection(append: command == .appendLineEnd, now: now)
        case .visualMode where mode == "visual" && vim.visualLinewise:
            vim.visualLinewise = false
        case .visualOtherEnd, .visualOtherCorner:
            guard mode == "visual", let anchor = selectionAnchor, let other = replica.position(of: anchor) else { return false }
            let here = cursorPosition
            var (newCursor, newAnchor) = (other, here)
            if command == .visualOtherCorner, vim.visualBlock, let shape = blockShape, shape.columns.upperBound != Self.blockToLineEnds {
                // The block stays: the cursor takes the other column on its line, the anchor on its own.
                func place(_ line: Int, _ column: Int) -> Int { replica.lineStart(line) + min(column, replica.lineRange(line).count) }
                let (hereLine, otherLine) = (replica.line(containing: here), replica.line(containing: other))
                let hereColumn = here - replica.lineStart(hereLine), otherColumn = other - replica.lineStart(otherLine)
                (newCursor, newAnchor) = (place(hereLine, otherColumn), place(otherLine, hereColumn))
            }
            selectionAnchor = replica.anchor(at: newAnchor, stickToPrevious: false)
            moveCursor(to: newCursor)
        case .reselectVisual:
            guard let last = vim.lastVisual, let start = replica.position(of: last.start), let cursor = replica.position(of: last.cursor) else {
                show("nothing was selected yet", isError: true)
                return false
            }
            if mode != "visual" { run(.visualMode, now: now) }
            selectionAnchor = replica.anchor(at: start, stickToPrevious: false)
            vim.visualLinewise = last.linewise
            vim.visualBlock = last.block
            moveCursor(to: min(cursor, replica.count))
        case .scrollCursorTop, .scrollCursorCenter, .scrollCursorBottom:
            let place = visualPlace(of: cursorPosition)
            let line = (place.line, 0, 0)
            switch command {
            case .scrollCursorTop: setTop(line: place.line, row: 0)
            case .scrollCursorBottom: placeOnScreenRow((place.line, rowCount(ofLine: place.line) - 1, 0), row: viewHeight - 1)
            default: placeOnScreenRow(line, row: (viewHeight - 1) / 2)
            }
        case .insertMode, .append, .insertLineStart, .appendLineEnd, .openLineBelow, .openLineAbove:
            run(command, now: now)
            if times > 1, keymap.types(in: mode) {
                vim.insertRepeat = (times - 1, [], command == .openLineBelow || command == .openLineAbove)
            }
        default:
            run(command, count: count, now: now)
        }
        return true
    }

    /// `r` in visual mode: every selected character (a block's, on each of its lines) becomes
    /// `character`; line breaks stay. One undo step; the cursor goes to the selection's start.
    private mutating func replaceSelection(with character: Character, now: Double) -> Bool {
        guard character != "\n" else {
            show("r with Enter replaces one character at a time, not a selection", isError: true)
            return false
        }
        let parts = selectedBlock ?? selection.map { [$0] } ?? []
        guard let start = parts.first?.lowerBound else { return false }
        run(.normalMode, now: now)
        undoHistory.beginGroup()
        for part in parts.reversed() {
            let text = replica.text(in: part)
            let replaced = String(text.map { $0 == "\n" ? "\n" : character })
            if replaced != text { replace(part, with: replaced, kind: .other, now: now) }
        }
        undoHistory.endGroup()
        moveCursor(to: start)
        return true
    }

    /// `r`: the `count` characters from the cursor become `character` (a line break replaces
    /// them all with one); nothing happens when the line has fewer.
    private mutating func replaceCharacters(with character: Character, count: Int, now: Double) -> Bool {
        let position = cursorPosition
        var end = position
        let lineEnd = replica.lineEnd(at: position)
        for _ in 0..<count {
            guard end < lineEnd else { return false }
            end = nextBoundary(after: end)
        }
        undoHistory.close()
        if character == "\n" {
            replace(position..<end, with: "\n", kind: .other, now: now)
            return true
        }
        replace(position..<end, with: String(repeating: String(character), count: count), kind: .other, now: now)
        moveCursor(to: previousBoundary(before: cursorPosition))
        return true
    }

    /// `J`: joins `count` lines into one; the line feed and the next line's indent become one
    /// space (none before a `)`, or when the line ends in a blank or the next one is empty).
    private mutating func joinLines(_ count: Int, now: Double) {
        let first = replica.line(containing: cursorPosition)
        guard first < replica.lastLine else { return }
        let last = min(replica.lastLine, first + count - 1)
        undoHistory.close()
        undoHistory.beginGroup()
        var joinPoint = cursorPosition
        for _ in first..<last {
            let end = replica.lineRange(first).upperBound
            let nextFirst = replica.firstNonBlank(ofLine: first + 1)
            let nextEnd = replica.lineRange(first + 1).upperBound
            var separator = " "
            if nextFirst == nextEnd || (end > replica.lineStart(first) && replica.isBlank(replica.scalar(at: end - 1))) { separator = "" }
            if nextFirst < nextEnd, replica.scalar(at: nextFirst) == ")" { separator = "" }
            replace(end..<nextFirst, with: separator, kind: .other, now: now)
            joinPoint = separator.isEmpty ? max(replica.lineStart(first), end - (nextFirst == nextEnd ? 1 : 0)) : end
            if separator.isEmpty, nextFirst < nextEnd { joinPoint = end }
        }
        undoHistory.endGroup()
        moveCursor(to: joinPoint)
    }

    /// `~`: switches the case of `count` characters from the cursor and moves past them.
    private mutating func toggleCase(count: Int, now: Double) {
        let position = cursorPosition
        let lineEnd = replica.lineEnd(at: position)
        guard position < lineEnd else { return }
        var end = position
        for _ in 0..<count where end < lineEnd { end = nextBoundary(after: end) }
        let text = replica.text(in: position..<end)
        let switched = String(text.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
        undoHistory.close()
        if switched != text { replace(position..<end, with: switched, kind: .other, now: now) }
        moveCursor(to: end)
    }
}
