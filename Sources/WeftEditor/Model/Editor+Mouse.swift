import WeftCRDT

/// The mouse: a click puts the cursor on the character clicked, a drag selects from there, the
/// wheel scrolls (taking the cursor along when it would leave the screen, as vim does).
extension Editor {
    /// Lines the wheel scrolls per notch.
    static let wheelLines = 3

    /// Handles one mouse event.
    public mutating func handle(_ event: MouseEvent, now: Double) {
        followTypedCursor()
        if helpPage != nil {
            switch event.action {
            case .wheelUp: scrollHelp(by: -Self.wheelLines)
            case .wheelDown: scrollHelp(by: Self.wheelLines)
            default: break
            }
            return
        }
        guard prompt == nil else { return }
        switch event.action {
        case .wheelUp, .wheelDown:
            let lines = event.action == .wheelUp ? -Self.wheelLines : Self.wheelLines
            if isPager {
                followingEnd = false
                scroll(rows: lines)
                moveCursor(to: replica.lineStart(topLine))
            } else {
                scrollKeepingCursor(byRows: lines)
            }
        case .press:
            guard !isPager, let position = position(atScreenRow: event.row, column: event.column) else { return }
            undoHistory.close()
            message = nil
            markActive = false
            selectionAnchor = nil
            if mode == "visual" { mode = normalModeName }
            moveCursor(to: position)
            mouseDown = replica.anchor(at: position, stickToPrevious: false)
            clampToCharacter()
        case .drag:
            guard !isPager, let from = mouseDown.flatMap({ replica.position(of: $0) }),
                  let position = position(atScreenRow: event.row, column: event.column) else { return }
            selectionAnchor = replica.anchor(at: from, stickToPrevious: false)
            // A selection that grows with the cursor: vim's visual mode where there is one.
            if keymap.modes.contains("visual"), keymap.blockCursorModes.contains(mode) || mode == "visual" { mode = "visual" }
            markActive = true
            moveCursor(to: position)
            ensureCursorVisible()
        case .release:
            mouseDown = nil
        case .other:
            break
        }
    }

    /// Scrolls the view by `rows` screen rows; the cursor moves only as far as needed to stay on screen.
    private mutating func scrollKeepingCursor(byRows rows: Int) {
        var line = topLine, row = topRow
        var remaining = abs(rows)
        while remaining > 0 {
            let count = rowCount(ofLine: line)
            if rows > 0 {
                if row + 1 < count { row += 1 } else if line + 1 < replica.lineCount { (line, row) = (line + 1, 0) } else { break }
            } else {
                if row > 0 { row -= 1 } else if line > 0 { (line, row) = (line - 1, rowCount(ofLine: line - 1) - 1) } else { break }
            }
            remaining -= 1
        }
        setTop(line: line, row: row)
        let first = position(atScreenRow: textTop, column: 0) ?? 0
        let last = position(atScreenRow: textTop + viewHeight - 1, column: Int.max / 2) ?? replica.count
        let cursor = cursorPosition
        if cursor < first { moveCursor(to: first, keepColumn: true) } else if cursor > last { moveCursor(to: replica.lineStart(replica.line(containing: last)), keepColumn: true) }
        clampToCharacter()
    }

    /// The first row of text on screen (below the banner, if there is one).
    var textTop: Int { banner == nil ? 0 : 1 }

    /// The document position drawn at screen `row`, `column` (the nearest character start on that
    /// row; past the end of the text, its end); nil off the text area.
    func position(atScreenRow screenRow: Int, column screenColumn: Int) -> Int? {
        let target = screenRow - textTop
        guard target >= 0, target < viewHeight else { return nil }
        var line = topLine, row = topRow, remaining = target
        while true {
            let layout = layout(ofLine: line)
            if row + remaining < layout.rows.count {
                let column = max(0, screenColumn - gutterWidth) + (settings.wrap ? 0 : leftColumn)
                return replica.lineStart(line) + layout.offset(row: row + remaining, column: column)
            }
            remaining -= layout.rows.count - row
            guard line + 1 < replica.lineCount else { return replica.count }
            line += 1
            row = 0
        }
    }
}
