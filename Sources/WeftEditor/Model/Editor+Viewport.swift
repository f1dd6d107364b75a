import WeftCRDT

/// What the screen shows, tied to characters: the top line by its first character, the wrapped
/// row of it at the top, and the columns scrolled sideways.
struct ViewPosition: Sendable, Equatable {
    var top: Anchor
    var topRow: Int
    var leftColumn: Int
}

extension Editor {
    /// The view as it is, or put back as it was (every key ends by keeping the view valid: ensureCursorVisible, settleView).
    var viewPosition: ViewPosition {
        get { ViewPosition(top: top, topRow: topRow, leftColumn: leftColumn) }
        set {
            top = newValue.top
            topRow = newValue.topRow
            leftColumn = newValue.leftColumn
        }
    }

    /// Columns of line numbers at the left (less's `-N`), with a space after them.
    var gutterWidth: Int {
        (settings.lineNumbers ? max(4, String(replica.lineCount).count) + 1 : 0) + authorsGutterWidth
    }

    /// The authors gutter: a name, an age of up to 4 columns, and a space after each. Names get
    /// 10 columns, 4 in a narrow window, and in one too narrow to leave the text room there is
    /// no gutter.
    var authorsGutterWidth: Int {
        guard authorsShown != nil else { return 0 }
        return viewWidth >= 50 ? 16 : viewWidth >= 24 ? 10 : 0
    }

    /// Columns left for text.
    var textWidth: Int { max(1, viewWidth - gutterWidth) }

    /// The line at the top of the screen (from 0).
    public var topLine: Int {
        guard let position = replica.position(of: top) else { return 0 }
        return replica.line(containing: position)
    }

    mutating func setTop(line: Int, row: Int) {
        let line = min(max(0, line), replica.lineCount - 1)
        let start = replica.lineStart(line)
        // Tied to the line's first character; an empty last line has none, so it is tied to
        // the line feed before it, and an empty document to its start (text appended later
        // must not carry the view along to the end).
        top = replica.count == 0 ? .start : start == replica.count ? replica.anchor(at: start) : replica.anchor(at: start, stickToPrevious: false)
        topRow = max(0, row)
    }

    /// Scrolls the view by `lines` whole lines (page keys).
    mutating func scroll(byLines lines: Int) {
        setTop(line: topLine + lines, row: 0)
    }

    /// The (line, wrapped row) of `position`.
    func visualPlace(of position: Int) -> (line: Int, row: Int, column: Int) {
        let place = visualPlaceAndRows(of: position)
        return (place.line, place.row, place.column)
    }

    /// The (line, wrapped row) of `position`, and how many rows its line takes.
    private func visualPlaceAndRows(of position: Int) -> (line: Int, row: Int, column: Int, rows: Int) {
        let line = replica.line(containing: position)
        let layout = layout(ofLine: line)
        let place = layout.place(of: position - replica.lineStart(line))
        return (line, place.row, place.column, layout.rows.count)
    }

    /// Scrolls as little as possible so the cursor (or the followed person's cursor) is on screen.
    mutating func ensureCursorVisible() {
        var target = cursorPosition
        if let following, let presence = peers[following], let position = replica.position(of: presence.cursor) { target = position }
        ensureVisible(target)
    }

    /// Scrolls so `position` is on screen. With `scrolling`, a place below the screen goes to
    /// its last row, never the middle (see `followTypedCursor`).
    mutating func ensureVisible(_ position: Int, scrolling: Bool = false) {
        let counted = visualPlaceAndRows(of: position)
        let place = (line: counted.line, row: counted.row, column: counted.column)
        var line = topLine
        // The top line is often the place's (a long line typed into): its text is read once.
        if topRow >= (line == place.line ? counted.rows : rowCount(ofLine: line)) { topRow = 0 }
        // As in vim: a move just off the screen scrolls it, one farther than half a screen (a
        // search, a jump) puts the place in the middle, with text above and below to read.
        let half = viewHeight / 2
        if (place.line, place.row) < (line, topRow) {
            if line - place.line > half { placeInMiddle(place) } else { setTop(line: place.line, row: place.row) }
        } else if place.line - line <= viewHeight + half {
            // Count rows from the top to the target; scroll if it falls below the screen.
            var rows = 0
            while line < place.line {
                rows += rowCount(ofLine: line)
                line += 1
            }
            rows += place.row - topRow
            if rows >= viewHeight + half, !scrolling { placeInMiddle(place) } else if rows >= viewHeight { placeAtBottom(place) }
        } else if scrolling {
            placeAtBottom(place)
        } else {
            placeInMiddle(place)
        }
        if settings.wrap {
            leftColumn = 0
        } else if place.column < leftColumn {
            leftColumn = max(0, place.column - textWidth / 4)
        } else if place.column >= leftColumn + textWidth - 1 {
            leftColumn = place.column - textWidth + 1 + textWidth / 4
        }
    }

    /// When the text ends above the bottom of the screen and lines are hidden above its top
    /// (the screen grew, as after a small tmux pane was made big again), scrolls down the rows it
    /// can, as vim does: `~` rows under the last line while lines above it are hidden read as text
    /// that is gone.
    mutating func fillScreenFromAbove() {
        var line = topLine
        guard line > 0 || topRow > 0 else { return }
        let cursorLine = replica.line(containing: cursorPosition)
        let last = countsLinesAsVim ? max(replica.lastLine, cursorLine) : replica.lineCount - 1
        var rows = rowCount(ofLine: line) - topRow
        while rows < viewHeight, line < last {
            line += 1
            rows += rowCount(ofLine: line)
        }
        guard rows < viewHeight else { return }
        placeOnScreenRow((last, rowCount(ofLine: last) - 1, 0), row: viewHeight - 1)
    }

    /// Sets the top so that `place` is on the last row of the screen.
    private mutating func placeAtBottom(_ place: (line: Int, row: Int, column: Int)) {
        placeOnScreenRow(place, row: viewHeight - 1)
    }

    /// Puts `place` on the middle row, or lower when the text ends before the bottom of the
    /// screen would be reached (a screen is never scrolled past the end).
    private mutating func placeInMiddle(_ place: (line: Int, row: Int, column: Int)) {
        let wanted = viewHeight - 1 - viewHeight / 2
        var below = rowCount(ofLine: place.line) - 1 - place.row
        var line = place.line
        while below < wanted, line < replica.lastLine {
            line += 1
            below += rowCount(ofLine: line)
        }
        placeOnScreenRow(place, row: viewHeight - 1 - min(below, wanted))
    }

    /// Sets the top so that `place` is on screen row `screenRow` (or as low as the text allows).
    mutating func placeOnScreenRow(_ place: (line: Int, row: Int, column: Int), row screenRow: Int) {
        var remaining = screenRow
        var line = place.line
        var row = place.row
        while remaining > 0 {
            if row >= remaining { row -= remaining; remaining = 0; break }
            remaining -= row + 1
            guard line > 0 else { row = 0; break }
            line -= 1
            row = rowCount(ofLine: line) - 1
        }
        setTop(line: line, row: row)
    }
}
