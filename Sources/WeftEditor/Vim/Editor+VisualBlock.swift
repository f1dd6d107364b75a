import WeftCRDT

/// Vim's block selection (Ctrl-V): the same columns of every line from the start of the selection
/// to the cursor. Columns count Unicode scalars from the line start (so a wide character is one
/// column here, two on screen). Operators take each line's part of the block; `I`, `A` and `c`
/// type on the first line, and what was typed goes into the others when the insert ends.
extension Editor {
    /// The block's lines and columns, while visual mode selects a block.
    var blockShape: (lines: ClosedRange<Int>, columns: ClosedRange<Int>)? {
        guard mode == "visual", vim.visualBlock, let anchor = selectionAnchor, let from = replica.position(of: anchor) else { return nil }
        let to = cursorPosition
        let (fromLine, toLine) = (replica.line(containing: from), replica.line(containing: to))
        let fromColumn = from - replica.lineStart(fromLine), toColumn = to - replica.lineStart(toLine)
        return (min(fromLine, toLine)...max(fromLine, toLine), min(fromColumn, toColumn)...max(fromColumn, toColumn))
    }

    /// Each line's part of the block (lines too short to reach it have none).
    var selectedBlock: [Range<Int>]? {
        guard let shape = blockShape else { return nil }
        return shape.lines.compactMap { line in
            let range = replica.lineRange(line)
            let lower = range.lowerBound + shape.columns.lowerBound
            guard lower < range.upperBound else { return nil }
            return lower..<min(range.upperBound, range.lowerBound + shape.columns.upperBound + 1)
        }
    }

    /// An operator on the block: `d` `c` `y` `~` `u` `U` on each line's part, `>` `<` on its lines.
    mutating func applyToBlock(_ command: EditorCommand, register: Character?, now: Double) -> Bool {
        guard let shape = blockShape, let parts = selectedBlock else { return false }
        let corner = replica.lineStart(shape.lines.lowerBound) + min(shape.columns.lowerBound, replica.lineRange(shape.lines.lowerBound).count)
        let others = shape.lines.dropFirst().map { replica.anchor(at: replica.lineStart($0), stickToPrevious: false) }
        selectionAnchor = nil
        markActive = false
        mode = normalModeName
        vim.visualBlock = false
        let taken = parts.map { replica.text(in: $0) }.joined(separator: "\n")
        switch command {
        case .operatorYank:
            store(Clipboard(text: taken, linewise: false), in: register, yanking: true)
            moveCursor(to: corner)
            return true
        case .operatorIndent, .operatorOutdent:
            undoHistory.beginGroup()
            shift(OperatorRange(range: corner..<corner, lines: shape.lines), right: command == .operatorIndent, now: now)
            undoHistory.endGroup()
            return true
        default:
            break
        }
        if command == .operatorChange {
            undoHistory.close()
            undoHistory.beginInsert()
        } else {
            undoHistory.beginGroup()
        }
        defer { if command != .operatorChange { undoHistory.endGroup() } }
        // From the last line up, so the earlier parts keep their offsets.
        for part in parts.reversed() {
            let text = replica.text(in: part)
            switch command {
            case .operatorDelete, .operatorChange:
                replace(part, with: "", kind: .other, now: now)
            case .operatorUppercase:
                if text.uppercased() != text { replace(part, with: text.uppercased(), kind: .other, now: now) }
            case .operatorLowercase:
                if text.lowercased() != text { replace(part, with: text.lowercased(), kind: .other, now: now) }
            case .operatorToggleCase:
                let toggled = String(text.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
                if toggled != text { replace(part, with: toggled, kind: .other, now: now) }
            default:
                break
            }
        }
        if command == .operatorDelete || command == .operatorChange {
            store(Clipboard(text: taken, linewise: false), in: register, yanking: false)
        }
        moveCursor(to: corner)
        if command == .operatorChange {
            vim.blockInsert = BlockInsert(start: replica.anchor(at: corner), lines: others, column: shape.columns.lowerBound, pad: false)
            enterTyping()
        }
        return true
    }

    /// `I` and `A` in visual mode: on a block, typing at its left edge (or after its right edge)
    /// on every line; otherwise at the start or end of the selection.
    mutating func insertOnSelection(append: Bool, now: Double) -> Bool {
        guard let shape = blockShape else {
            let range = selection
            run(.normalMode, now: now)
            if let range { moveCursor(to: append ? range.upperBound : range.lowerBound) }
            enterTyping()
            return true
        }
        let column = append ? shape.columns.upperBound + 1 : shape.columns.lowerBound
        let others = shape.lines.dropFirst().map { replica.anchor(at: replica.lineStart($0), stickToPrevious: false) }
        run(.normalMode, now: now)
        undoHistory.close()
        undoHistory.beginInsert()
        let first = shape.lines.lowerBound
        let range = replica.lineRange(first)
        if append, range.count < column {
            replace(range.upperBound..<range.upperBound, with: String(repeating: " ", count: column - range.count), kind: .other, now: now)
        }
        let start = replica.lineStart(first) + min(column, replica.lineRange(first).count)
        moveCursor(to: start)
        vim.blockInsert = BlockInsert(start: replica.anchor(at: start), lines: others, column: column, pad: append)
        enterTyping()
        return true
    }

    /// The insert on a block's first line has ended: what was typed (on that line, without a
    /// line break) goes into each other line at the same column, in the same undo step.
    mutating func finishBlockInsert(_ block: BlockInsert, now: Double) {
        guard let start = replica.position(of: block.start), cursorPosition > start,
              replica.line(containing: start) == replica.line(containing: cursorPosition) else { return }
        let typed = replica.text(in: start..<cursorPosition)
        guard !typed.isEmpty, !typed.contains("\n") else { return }
        let back = cursorPosition
        for anchor in block.lines.reversed() {
            guard let lineStart = replica.position(of: anchor) else { continue }
            let range = replica.lineRange(replica.line(containing: lineStart))
            if range.count < block.column {
                // As vim: `I` leaves lines that do not reach the block alone; `A` fills them.
                guard block.pad else { continue }
                replace(range.upperBound..<range.upperBound, with: String(repeating: " ", count: block.column - range.count) + typed, kind: .other, now: now)
            } else {
                let at = range.lowerBound + block.column
                replace(at..<at, with: typed, kind: .other, now: now)
            }
        }
        moveCursor(to: back)
    }
}
