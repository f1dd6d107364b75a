import WeftCRDT

/// Pager mode (`weft view`, or `weft edit` when it cannot write): less's keys move the view, not
/// a cursor. The view's top is anchored on its character, so others' edits above it do not move
/// what is being read; the cursor sits at the top line's start (searches start there) or on the
/// last match.
extension Editor {
    /// Says something else on the pager's banner row (a document that went on growing while it
    /// was read says its size again).
    public mutating func replaceBanner(_ text: String) {
        guard banner != nil else { return }
        banner = text
    }

    /// Switches to read-only paging with `keymap` (less's keys). `banner`, when given, says
    /// above the text why the document is not editable.
    public mutating func enterPager(keymap: Keymap, banner: String? = nil) {
        self.keymap = keymap
        mode = keymap.modes[0]
        isPager = true
        self.banner = banner
        status.readOnly = true
        prompt = nil
        pendingKeys = []
        pendingCount = nil
        selectionAnchor = nil
        markActive = false
        setTop(line: topLine, row: 0)
        resize(width: viewWidth, height: screenHeight)
    }

    /// Starts following the end of the document as it grows (less's `+F`).
    public mutating func followEnd() {
        followingEnd = true
        showEnd()
    }

    /// Adds text at the end of a local document (a file or a pipe being read), as nobody's edit:
    /// no undo step and no batch to send.
    public mutating func appendText(_ text: String) {
        if localTextState == nil { localTextState = .reading }
        let text = ansi?.strip(text) ?? text
        guard !text.isEmpty, (try? replica.insert(text, at: replica.count)) != nil else { return }
        version += 1
        afterTextChange()
        applyPendingStart()
    }

    /// Keeps the view right after the text changed under it.
    mutating func afterTextChange() {
        guard isPager else { return }
        refreshFilter()
        if followingEnd { showEnd() } else { settleView() }
    }

    /// Runs a command the pager handles itself; false for the rest (search, quit, help…).
    mutating func runPager(_ command: EditorCommand) -> Bool {
        switch command {
        case .scrollDown, .cursorDown, .wordNext: scroll(rows: 1)
        case .scrollUp, .cursorUp, .wordPrevious: scroll(rows: -1)
        case .pageDown: scroll(rows: viewHeight)
        case .pageUp: scroll(rows: -viewHeight)
        case .halfPageDown: scroll(rows: max(1, viewHeight / 2))
        case .halfPageUp: scroll(rows: -max(1, viewHeight / 2))
        case .documentStart:
            rememberPagerJump()
            setTop(line: nextShown(from: 0) ?? 0, row: 0)
        case .documentEnd:
            rememberPagerJump()
            showEnd()
            if textStillComing { pendingStart = .end }  // the end of what has not arrived yet
        case .setMark, .gotoMark, .gotoMarkLine:
            pagerMarkPending = command
        case .followEnd:
            followEnd()
            return true
        case .nextSession, .previousSession:
            stepSession(by: command == .nextSession ? 1 : -1)
            return true
        case .nextChange, .previousChange:
            if jumpToSessionChange(forward: command == .nextChange) { return true }
            // Without a past version, next-change goes to what others added while you were away.
            if !pagesPastVersion, command == .nextChange { return false }
            let step = keymap.keys(for: .nextSession, in: mode).map { ": \($0.keyNames) shows one" } ?? ""
            show(!pagesPastVersion ? "no session is shown: sessions are shown when a document's past is paged (weft view DOC --at POINT)"
                                   : "no session is shown yet\(step)")
            return true
        case .nextFile, .previousFile, .firstFile:
            switchFile(command)
            return true
        case .gotoPercent:
            rememberPagerJump()
            goToPercent(0)
            return true
        case .toggleSmartCase:
            settings.searchCase = settings.searchCase == .smart ? .sensitive : .smart
            show(settings.searchCase == .smart ? "searches ignore case unless the pattern has a capital" : "searches tell case apart")
            return true
        case .toggleIgnoreCase:
            settings.searchCase = settings.searchCase == .ignore ? .sensitive : .ignore
            show(settings.searchCase == .ignore ? "searches ignore case" : "searches tell case apart")
            return true
        case .filter:
            open(.filter)
            return true
        case .toggleLineNumbers:
            settings.lineNumbers.toggle()
            settleView()
            show(settings.lineNumbers ? "line numbers on" : "line numbers off")
            return true
        case .cursorLeft, .lineStart:
            if !settings.wrap { leftColumn = command == .lineStart ? 0 : max(0, leftColumn - max(1, textWidth / 2)) }
            return true
        case .cursorRight:
            if !settings.wrap { leftColumn += max(1, textWidth / 2) }
            return true
        default:
            return false
        }
        moveCursor(to: replica.lineStart(topLine))
        return true
    }

    /// After a key that may have moved the cursor (a search, a line number): its line goes to
    /// the top of the screen unless it is on screen already, as in less.
    mutating func bringCursorIntoPagerView() {
        let line = replica.line(containing: cursorPosition)
        if filter != nil, filteredLines.binarySearch(line) == nil { return settleView() }
        if line < topLine || line > bottomLine { setTop(line: line, row: 0) }
        settleView()
    }

    /// Less's `p` and `%`: the line `percent`% of the way through at the top of the screen.
    mutating func goToPercent(_ percent: Int) {
        if textStillComing, percent > 0 {
            pendingStart = .percent(percent)
            return show(Self.waitingFor("\(percent)%"))
        }
        let line = min(100, max(0, percent)) * pagedLineCount / 100
        guard isPager else { return moveCursor(to: replica.firstNonBlank(ofLine: min(line, replica.lineCount - 1))) }
        setTop(line: nextShown(from: min(line, max(0, pagedLineCount - 1))) ?? 0, row: 0)
        settleView()
        moveCursor(to: replica.lineStart(topLine))
    }

    /// A search found `position`: its line goes to the top of the screen (less's jump target),
    /// as far as the end allows.
    mutating func putAtTop(_ position: Int) {
        rememberPagerJump()
        setTop(line: replica.line(containing: position), row: 0)
        settleView()
    }

    // MARK: Lines shown (all, or those matching the filter)

    /// Lines as less counts them: a line feed at the very end ends the last line rather than
    /// starting an empty one.
    var pagedLineCount: Int { replica.lastLine + 1 }

    /// The first shown line at or after `line`.
    func nextShown(from line: Int) -> Int? {
        guard filter != nil else { return line < pagedLineCount ? max(0, line) : nil }
        let index = filteredLines.insertionIndex(of: line)
        return index < filteredLines.count ? filteredLines[index] : nil
    }

    /// The last shown line before `line`.
    func previousShown(before line: Int) -> Int? {
        guard filter != nil else { return line > 0 ? min(line, pagedLineCount) - 1 : nil }
        let index = filteredLines.insertionIndex(of: line)
        return index > 0 ? filteredLines[index - 1] : nil
    }

    var lastShownLine: Int? { filter == nil ? pagedLineCount - 1 : filteredLines.last }


    /// The last line on screen.
    var bottomLine: Int {
        var line = topLine
        var rows = rowCount(ofLine: line) - topRow
        while rows < viewHeight, let next = nextShown(from: line + 1) {
            line = next
            rows += rowCount(ofLine: line)
        }
        return line
    }

    /// Moves the view by `rows` screen rows (down when positive), never past the end.
    mutating func scroll(rows: Int) {
        var line = topLine, row = topRow
        var remaining = abs(rows)
        if rows > 0 {
            while remaining > 0 {
                let count = rowCount(ofLine: line)
                if row + remaining < count { row += remaining; break }
                remaining -= count - row
                guard let next = nextShown(from: line + 1) else { row = count - 1; break }
                line = next
                row = 0
            }
        } else {
            while remaining > 0 {
                if row >= remaining { row -= remaining; break }
                remaining -= row + 1
                guard let previous = previousShown(before: line) else { row = 0; break }
                line = previous
                row = rowCount(ofLine: line) - 1
            }
        }
        setTop(line: line, row: row)
        settleView()
    }

    /// The top that puts the last shown line's last row at the bottom of the screen (or the
    /// first line at the top, when everything fits).
    private var endTop: (line: Int, row: Int) {
        guard let last = lastShownLine else { return (0, 0) }
        var line = last
        var row = rowCount(ofLine: last) - 1
        var remaining = viewHeight - 1
        while remaining > 0 {
            if row >= remaining { return (line, row - remaining) }
            remaining -= row + 1
            guard let previous = previousShown(before: line) else { return (line, 0) }
            line = previous
            row = rowCount(ofLine: line) - 1
        }
        return (line, row)
    }

    mutating func showEnd() {
        let end = endTop
        setTop(line: end.line, row: end.row)
        moveCursor(to: replica.lineStart(end.line))
    }

    /// Puts the top on a shown line and not past the end.
    mutating func settleView() {
        guard isPager else { return }
        var line = topLine, row = topRow
        if row >= rowCount(ofLine: line) { row = 0 }
        if filter != nil, filteredLines.binarySearch(line) == nil {
            line = nextShown(from: line) ?? previousShown(before: line) ?? 0
            row = 0
        }
        let end = endTop
        if (line, row) > end { (line, row) = end }
        if (line, row) != (topLine, topRow) { setTop(line: line, row: row) }
    }

    /// How far through the document the bottom of the screen is, as less shows it.
    var percentThrough: Int {
        if let whole = previewOf, whole > 0 {
            return min(100, replica.lineRange(min(bottomLine, replica.lastLine)).upperBound * 100 / whole)
        }
        if filter != nil {
            guard !filteredLines.isEmpty, let index = filteredLines.binarySearch(bottomLine) else { return 100 }
            return (index + 1) * 100 / filteredLines.count
        }
        return (bottomLine + 1) * 100 / pagedLineCount
    }

    /// Whether the last line is on screen.
    var atEnd: Bool { lastShownLine.map { bottomLine >= $0 } ?? true }

    // MARK: Filter

    /// Shows only lines matching the regular expression `pattern` (`!pattern`: those that do
    /// not), with the searches' case rule; empty shows all.
    mutating func setFilter(_ pattern: String) {
        if pattern.isEmpty {
            filter = nil
            filteredLines = []
            show("showing every line")
        } else {
            let query = SearchQuery(pattern: pattern, forward: true, regex: true, caseRule: settings.searchCase)
            guard query.linePattern != nil else { return show("not a valid regular expression: \(pattern)", isError: true) }
            filter = query
            refreshFilter()
            show(filteredLines.isEmpty ? "no line matches \(pattern)" : "\(filteredLines.count) lines match \(pattern)")
        }
        settleView()
    }

    /// Finds the lines matching the filter again (after the text changed).
    mutating func refreshFilter() {
        guard let filter else { return }
        if filter.regex { return filteredLines = filterLines(filter) }
        let haystack = searchScalars(caseSensitive: filter.caseSensitive)
        let needle = filter.folded
        var lines: [Int] = []
        var line = 0, counted = 0, from = 0
        while let start = SearchIndex.firstMatch(of: needle, in: haystack, from: from, forward: true) {
            for index in counted..<start where haystack[index] == 10 { line += 1 }
            counted = start
            lines.append(line)
            var next = start
            while next < haystack.count, haystack[next] != 10 { next += 1 }
            from = next
        }
        filteredLines = lines
    }
}

extension Array where Element == Int {
    /// The index of the first element not below `value` (the array is sorted).
    func insertionIndex(of value: Int) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The index of `value` in this sorted array.
    func binarySearch(_ value: Int) -> Int? {
        let index = insertionIndex(of: value)
        return index < count && self[index] == value ? index : nil
    }
}
