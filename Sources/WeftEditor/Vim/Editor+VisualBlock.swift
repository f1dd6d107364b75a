import WeftCRDT

/// Vim's block selection (Ctrl-V): the same columns of every line from the start of the selection
/// to the cursor. Columns count Unicode scalars from the line start (so a wide character is one
/// column here, two on screen). Operators take each line's part of the block; `I`, `A` and `c`
/// type on the first line, and what was typed goes into the others when the insert ends. After
/// `$` the block reaches the end of every line, however long, as in vim.
extension Editor {
    /// The right column of a block that reaches each line's end.
    static let blockToLineEnds = Int.max / 4

    /// The block's lines and columns, while visual mode selects a block.
    var blockShape: (lines: ClosedRange<Int>, columns: ClosedRange<Int>)? {
        guard mode == "visual", vim.visualBlock, let anchor = selectionAnchor, let from = replica.position(of: anchor) else { return nil }
        let to = cursorPosition
        let (fromLine, toLine) = (replica.line(containing: from), replica.line(containing: to))
        let fromColumn = from - replica.lineStart(fromLine), toColumn = to - replica.lineStart(toLine)
        // `$` (and vertical moves after it) keep the column wanted at "the end of the line".
        let right = preferredColumn == Int.max ? Self.blockToLineEnds : max(fromColumn, toColumn)
        return (min(fromLine, toLine)...max(fromLine, toLine), min(fromColumn, toColumn)...right)
    }

    /// Each line's part of the block (lines too short to reach it have none).
    var selectedBlock: [Range<Int>]? {
        guard let shape = blockShape else { return nil }
        return shape.lines.compactMap { blockPart(ofLine: $0, columns: shape.columns) }
    }

    /// Where `line` meets the block's `columns`; nil when it is too short to reach them.
    func blockPart(ofLine line: Int, columns: ClosedRange<Int>) -> Range<Int>? {
        let range = replica.lineRange(line)
        let lower = range.lowerBound + columns.lowerBound
        guard lower < range.upperBound else { return nil }
        return lower..<min(range.upperBound, range.lowerBound + columns.upperBound + 1)
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
        // A line too short to reach the block is an empty line of it: pasted, the block keeps
        // its shape.
        let taken = shape.lines.map { blockPart(ofLine: $0, columns: shape.columns).map { replica.text(in: $0) } ?? "" }.joined(separator: "\n")
        switch command {
        case .operatorYank:
            store(Clipboard(text: taken, linewise: false, blockwise: true), in: register, yanking: true)
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
            store(Clipboard(text: taken, linewise: false, blockwise: true), in: register, yanking: false)
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
        let others = shape.lines.dropFirst().map { replica.anchor(at: replica.lineStart($0), stickToPrevious: false) }
        let first = shape.lines.lowerBound
        if append, shape.columns.upperBound == Self.blockToLineEnds {
            run(.normalMode, now: now)
            undoHistory.close()
            undoHistory.beginInsert()
            let end = replica.lineRange(first).upperBound
            moveCursor(to: end)
            vim.blockInsert = BlockInsert(start: replica.anchor(at: end), lines: others, column: 0, pad: false, atLineEnds: true)
            enterTyping()
            return true
        }
        let column = append ? shape.columns.upperBound + 1 : shape.columns.lowerBound
        run(.normalMode, now: now)
        undoHistory.close()
        undoHistory.beginInsert()
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
            if block.atLineEnds {
                replace(range.upperBound..<range.upperBound, with: typed, kind: .other, now: now)
            } else if range.count < block.column {
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

    /// `p` and `P` of a block: its lines go into the lines from the cursor's down, at the cursor's
    /// column (after its character for `p`). As vim: lines too short are filled with spaces up to
    /// that column, lines are added past the end, and where text follows, each piece is filled
    /// to the block's width so that the text after it stays aligned. With a count, each line
    /// takes its piece that many times, side by side. One undo step.
    mutating func pasteBlock(_ text: String, after: Bool, times: Int = 1, now: Double) {
        let single = text.linesByLineFeed().map(String.init)
        let singleWidth = single.map(\.unicodeScalars.count).max() ?? 0
        let pieces = single.map { piece in
            let padded = piece + String(repeating: " ", count: singleWidth - piece.unicodeScalars.count)
            return String(repeating: padded, count: max(0, times - 1)) + piece
        }
        let width = singleWidth * max(1, times)
        let first = replica.line(containing: cursorPosition)
        let firstRange = replica.lineRange(first)
        let column = (after && cursorPosition < firstRange.upperBound ? nextBoundary(after: cursorPosition) : cursorPosition) - firstRange.lowerBound
        let existing = max(0, min(pieces.count, replica.lastLine - first + 1))
        undoHistory.beginGroup()
        defer { undoHistory.endGroup() }
        if existing < pieces.count {
            // Lines past the end (after its line feed, when the text ends with one).
            let added = pieces[existing...].map { String(repeating: " ", count: column) + $0 }
            let endsWithLineFeed = replica.count > 0 && replica.text(in: (replica.count - 1)..<replica.count) == "\n"
            let tail = endsWithLineFeed ? added.map { $0 + "\n" }.joined() : "\n" + added.joined(separator: "\n")
            replace(replica.count..<replica.count, with: tail, kind: .other, now: now)
        }
        // From the lowest line up, so the higher ones keep their offsets.
        for index in (0..<existing).reversed() where !pieces[index].isEmpty || width > 0 {
            let range = replica.lineRange(first + index)
            let piece = pieces[index]
            if range.count < column {
                guard !piece.isEmpty else { continue }
                replace(range.upperBound..<range.upperBound, with: String(repeating: " ", count: column - range.count) + piece, kind: .other, now: now)
            } else {
                let at = range.lowerBound + column
                let filled = at < range.upperBound ? piece + String(repeating: " ", count: width - piece.unicodeScalars.count) : piece
                if !filled.isEmpty { replace(at..<at, with: filled, kind: .other, now: now) }
            }
        }
        moveCursor(to: replica.lineStart(first) + min(column, replica.lineRange(first).count))
    }
}
