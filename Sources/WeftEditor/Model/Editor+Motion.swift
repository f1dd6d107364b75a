import WeftCRDT

extension Editor {
    // MARK: Places

    func layout(ofLine line: Int, wrapping: Bool? = nil) -> LineLayout {
        layout(of: shownText(ofLine: line), wrapping: wrapping)
    }

    /// Line `line` as it is laid out: without the CR the pager hides.
    private func shownText(ofLine line: Int) -> String {
        var text = replica.line(line)
        if hidesCarriageReturn(ofLine: line, ending: text.unicodeScalars.last) { text.unicodeScalars.removeLast() }
        return text
    }

    /// The screen rows line `line` takes: its layout's, counted without laying it out when the
    /// line is printable ASCII (a glyph a column). Scrolling counts the rows of every line
    /// between the top of the screen and the cursor at each key, and laying thirty lines out
    /// was most of a keystroke: a paste arriving as keys went at a few thousand keys a second.
    func rowCount(ofLine line: Int) -> Int {
        guard settings.wrap else { return 1 }
        // Read once: the layout, when it is needed, is of the same text.
        let text = shownText(ofLine: line)
        let bytes = text.utf8.count, width = textWidth
        if bytes <= Self.plainLineScan, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return max(1, (bytes + width - 1) / width) }
        return layout(of: text).rows.count
    }

    /// Lines longer than this are laid out to count their rows (and the layout is kept).
    static let plainLineScan = 2_048

    /// As less: the pager does not show a CR that ends a line (a file written with CR LF);
    /// `last` is the line's last scalar, looked up only in the pager.
    func hidesCarriageReturn(ofLine line: Int, ending last: @autoclosure () -> Unicode.Scalar?) -> Bool {
        isPager && line < replica.lineCount - 1 && last() == "\r"
    }

    /// `text` (one line) laid out with the editor's width, wrapping and tab settings.
    func layout(of text: String, wrapping: Bool? = nil) -> LineLayout {
        let key = LayoutCache.Key(text: text, wrapWidth: (wrapping ?? settings.wrap) ? textWidth : nil, tabWidth: settings.tabWidth)
        return layoutCache.layout(key) { earlier, unchangedBytes in
            LineLayout(key.text, wrapWidth: key.wrapWidth, tabWidth: key.tabWidth, width: measure, earlier: earlier, unchangedBytes: unchangedBytes)
        }
    }

    /// Scalars read on either side of a place to find the grapheme cluster next to it: more than
    /// any cluster people type. Reading the whole line made `5000l` on a line of a megabyte take
    /// 40 seconds.
    static let clusterWindow = 256

    /// The grapheme boundary after `position` (crossing a line feed counts as one step).
    func nextBoundary(after position: Int) -> Int {
        guard position < replica.count else { return replica.count }
        let window = replica.text(in: position..<min(replica.count, position + Self.clusterWindow)).unicodeScalars
        // The line's own text: a line feed is a step of its own, and a CR before it is not
        // joined to it (the layout of the line, which stops at the line feed, does not).
        let line = String.UnicodeScalarView(window.prefix { $0 != "\n" })
        guard let first = String(line).first else { return position + 1 }
        return position + first.unicodeScalars.count
    }

    /// The grapheme boundary before `position`.
    func previousBoundary(before position: Int) -> Int {
        guard position > 0 else { return 0 }
        let window = replica.text(in: max(0, position - Self.clusterWindow)..<position).unicodeScalars
        let afterLineFeed = window.lastIndex(of: "\n").map(window.index(after:)) ?? window.startIndex
        guard let last = String(String.UnicodeScalarView(window[afterLineFeed...])).last else { return position - 1 }
        return position - last.unicodeScalars.count
    }

    /// Puts the cursor at `position`; with `extending`, the selection grows from where the cursor was.
    mutating func moveCursor(to position: Int, extending: Bool = false, keepColumn: Bool = false) {
        let clamped = min(max(0, position), replica.count)
        if extending {
            if selectionAnchor == nil { selectionAnchor = replica.anchor(at: cursorPosition, stickToPrevious: false) }
        } else if !markActive {
            selectionAnchor = nil
        }
        cursor = replica.anchor(at: clamped)
        cursorFallback = clamped
        if !keepColumn { preferredColumn = nil }
    }

    /// The cursor's display column in its line (ignoring wrapping).
    var cursorColumn: Int {
        let position = cursorPosition
        let line = replica.line(containing: position)
        return layout(ofLine: line, wrapping: false).place(of: position - replica.lineStart(line)).column
    }

    // MARK: Motions

    mutating func perform(motion command: EditorCommand, extending: Bool) {
        let position = cursorPosition
        let block = keymap.blockCursorModes.contains(mode)
        switch command {
        case .cursorLeft:
            if block, position == replica.lineStart(replica.line(containing: position)) { return }
            moveCursor(to: previousBoundary(before: position), extending: extending)
        case .cursorRight:
            if block {
                let range = replica.lineRange(replica.line(containing: position))
                if nextBoundary(after: position) >= range.upperBound { return }
            }
            moveCursor(to: nextBoundary(after: position), extending: extending)
        case .cursorUp, .cursorDown:
            moveVertically(by: command == .cursorUp ? -1 : 1, extending: extending)
        case .pageUp, .pageDown:
            let lines = max(1, viewHeight - 2)
            moveVertically(by: command == .pageUp ? -lines : lines, extending: extending)
            scroll(byLines: command == .pageUp ? -lines : lines)
        case .halfPageUp, .halfPageDown:
            let lines = max(1, viewHeight / 2)
            moveVertically(by: command == .halfPageUp ? -lines : lines, extending: extending)
            scroll(byLines: command == .halfPageUp ? -lines : lines)
        case .wordNext:
            moveCursor(to: wordNext(from: position), extending: extending)
        case .wordPrevious:
            moveCursor(to: wordPrevious(from: position), extending: extending)
        case .wordEnd:
            moveCursor(to: wordEnd(from: position), extending: extending)
        case .lineStart:
            moveCursor(to: replica.lineStart(replica.line(containing: position)), extending: extending)
        case .lineEnd:
            moveCursor(to: replica.lineRange(replica.line(containing: position)).upperBound, extending: extending)
        case .lineFirstNonBlank:
            moveCursor(to: firstNonBlank(ofLine: replica.line(containing: position)), extending: extending)
        case .documentStart:
            moveCursor(to: 0, extending: extending)
        case .documentEnd:
            moveCursor(to: block ? replica.lineStart(replica.lastLine) : replica.count, extending: extending)
        default:
            break
        }
    }

    mutating func moveVertically(by lines: Int, extending: Bool) {
        let position = cursorPosition
        let line = replica.line(containing: position)
        // Keymaps with a block cursor count lines as vim does (no line after a final line feed).
        let last = countsLinesAsVim ? max(line, replica.lastLine) : replica.lineCount - 1
        let target = min(max(0, line + lines), last)
        let column = preferredColumn ?? cursorColumn
        guard target != line else {
            // At the first or last line, up and down go to its start or end, as in most editors.
            if !keymap.blockCursorModes.contains(mode) {
                moveCursor(to: lines < 0 ? replica.lineStart(line) : replica.lineRange(line).upperBound, extending: extending)
            }
            return
        }
        let layout = layout(ofLine: target, wrapping: false)
        moveCursor(to: replica.lineStart(target) + layout.offset(row: 0, column: column), extending: extending, keepColumn: true)
        preferredColumn = column
    }

    func firstNonBlank(ofLine line: Int) -> Int {
        let range = replica.lineRange(line)
        var position = range.lowerBound
        while position < range.upperBound, [" ", "\t"].contains(replica.scalar(at: position)) { position += 1 }
        return position
    }

    /// 0 for blanks and line feeds, 1 for word characters, 2 for other symbols (as vim's `w`).
    func wordClass(at position: Int) -> Int {
        let scalar = replica.scalar(at: position)
        if scalar.properties.isWhitespace { return 0 }
        if scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return 1
        default: return 2
        }
    }

    func wordNext(from position: Int) -> Int {
        let count = replica.count
        var position = position
        guard position < count else { return count }
        let start = wordClass(at: position)
        while position < count, start != 0, wordClass(at: position) == start { position += 1 }
        while position < count, wordClass(at: position) == 0 { position += 1 }
        return position
    }

    func wordPrevious(from position: Int) -> Int {
        var position = position
        while position > 0, wordClass(at: position - 1) == 0 { position -= 1 }
        guard position > 0 else { return 0 }
        let kind = wordClass(at: position - 1)
        while position > 0, wordClass(at: position - 1) == kind { position -= 1 }
        return position
    }

    func wordEnd(from position: Int) -> Int {
        let count = replica.count
        var position = position + 1
        while position < count, wordClass(at: position) == 0 { position += 1 }
        guard position < count else { return max(0, count - (keymap.blockCursorModes.contains(mode) ? 1 : 0)) }
        let kind = wordClass(at: position)
        while position + 1 < count, wordClass(at: position + 1) == kind { position += 1 }
        return keymap.blockCursorModes.contains(mode) ? position : position + 1
    }

    /// In block-cursor modes the cursor sits on a character: never past the last one of its line.
    mutating func clampToCharacter() {
        guard keymap.blockCursorModes.contains(mode) else { return }
        if replica.line(containing: cursorPosition) > replica.lastLine {
            // A final line feed ends the last line: there is no empty line after it to stand on.
            moveCursor(to: replica.count - 1, keepColumn: true)
        }
        let position = cursorPosition
        let range = replica.lineRange(replica.line(containing: position))
        if position >= range.upperBound, !range.isEmpty {
            let column = preferredColumn
            moveCursor(to: previousBoundary(before: range.upperBound), keepColumn: true)
            preferredColumn = column
        }
    }

    /// Whether lines are counted as vim counts them (keymaps with a block cursor): a final line
    /// feed ends the last line, and no empty line is shown or reached after it.
    var countsLinesAsVim: Bool { !keymap.blockCursorModes.isEmpty }
}
