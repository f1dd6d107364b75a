import WeftCRDT

extension Editor {
    /// What the screen shows now: the text area, the status line and the message line.
    public func frame() -> Frame {
        let textTop = banner == nil ? 0 : 1
        var frame = Frame(width: viewWidth, height: viewHeight + 2 + textTop)
        if let banner {
            frame.fill(row: 0, style: .role(.banner))
            frame.putMarkingCut(" \(banner)", row: 0, column: 0, style: .role(.banner), width: measure)
        }
        // A message longer than its row takes more (all but one row of the text at most), the
        // status line moving up over the text's last rows until the next key, as vim's does: a
        // path to a recovery file is read whole.
        let messageLines = prompt == nil ? message.map { Frame.wrap($0.text, width: viewWidth, measure: measure) } : nil
        let messageRows = min(messageLines?.count ?? 1, max(1, viewHeight - 1))
        // A screen too short for the text, the status line and the message line (two rows) shows
        // a prompt or a message where the status line goes, as vim does: what is typed is seen.
        let cramped = screenHeight < textTop + viewHeight + 2 && (prompt != nil || message != nil)
        if let helpPage {
            drawHelp(helpPage, into: &frame, top: textTop)
        } else {
            drawText(into: &frame, top: textTop)
            if !cramped { drawStatus(into: &frame, row: textTop + viewHeight - (messageRows - 1)) }
        }
        drawMessage(into: &frame, row: textTop + viewHeight + (cramped ? 0 : 1), lines: messageLines ?? [], rows: messageRows)
        frame.blockCursor = keymap.blockCursorModes.contains(mode) && prompt == nil && helpPage == nil
        return frame
    }

    private struct PeerMark {
        var cursor: Int
        var selections: [Range<Int>]
        var colour: UInt32
        var name: String
    }

    private func drawText(into frame: inout Frame, top textTop: Int) {
        let selection = self.selection
        let selectedBlock = self.selectedBlock
        let cursorPosition = self.cursorPosition
        let currentMatch: Range<Int>? = (prompt?.searchQuery ?? lastSearch).flatMap { query in
            if query.regex {
                return matches(in: cursorPosition..<max(cursorPosition + 1, replica.lineEnd(at: cursorPosition))).first { $0.lowerBound == cursorPosition }
            }
            let length = query.pattern.unicodeScalars.count
            guard cursorPosition + length <= replica.count else { return nil }
            return matches(in: cursorPosition..<cursorPosition + length).first { $0.lowerBound == cursorPosition }
        }
        let marks = peers.values.compactMap { presence -> PeerMark? in
            guard let cursor = replica.position(of: presence.cursor) else { return nil }
            let selections = presence.selections.compactMap { range -> Range<Int>? in
                guard let from = replica.position(of: range.from), let to = replica.position(of: range.to), from != to else { return nil }
                return min(from, to)..<max(from, to)
            }
            return PeerMark(cursor: cursor, selections: selections, colour: presence.colour, name: presence.userName)
        }.sorted { $0.name < $1.name }

        let awayRanges = self.awayRanges
        // Line starts are found once, then stepped: each lookup may scan inside a long run.
        let cursorLine = replica.line(containing: cursorPosition)
        var row = 0
        var line = topLine
        var skip = topRow
        var lineStart = replica.lineStart(line)
        let gutter = gutterWidth
        let textWidth = self.textWidth
        let noLines = isPager && filter != nil && filteredLines.isEmpty
        // With vim's count no empty line is drawn after a final line feed (`~` stands there, as
        // in vim), unless an insert has put the cursor there.
        let lineCount = isPager ? pagedLineCount : countsLinesAsVim ? max(replica.lastLine, cursorLine) + 1 : replica.lineCount
        while row < viewHeight, line < lineCount, !noLines {
            let length = replica.nextLineFeed(from: lineStart) - lineStart
            let hidesCR = length > 0 && hidesCarriageReturn(ofLine: line, ending: replica.text(in: lineStart + length - 1..<lineStart + length).unicodeScalars.first)
            let layout = layout(of: replica.text(in: lineStart..<lineStart + length - (hidesCR ? 1 : 0)))
            let found = matches(in: lineStart..<lineStart + layout.length)
            let fresh = awayRanges.filter { $0.overlaps(lineStart..<lineStart + max(1, layout.length)) }
            // The line feed too: a session that only broke or joined lines changed nothing else.
            let session = travelMarks(overlapping: lineStart..<lineStart + layout.length + 1)
            if gutter > 0, skip == 0 {
                let numbers = gutter - authorsGutterWidth
                if numbers > 0 {
                    let number = String(line + 1)
                    frame.put(String(repeating: " ", count: max(0, numbers - 1 - number.count)) + number, row: textTop + row, column: 0,
                              style: .role(.lineNumber), width: measure)
                }
                if let label = authorLabel(ofLineAt: lineStart..<lineStart + layout.length) {
                    // The name cut to its columns (wide characters count two), the age after it.
                    let ageColumn = numbers + authorsGutterWidth - 5
                    frame.put(label.name, row: textTop + row, column: numbers, style: .peerLabel(label.colour), width: measure, end: ageColumn - 1)
                    frame.put(label.age, row: textTop + row, column: ageColumn, style: .peerLabel(label.colour), width: measure)
                }
            }
            for (index, visual) in layout.rows.enumerated() where index >= skip {
                guard row < viewHeight else { break }
                let isLastRow = index == layout.rows.count - 1
                let shift = settings.wrap ? 0 : leftColumn
                var used = 0
                for placed in visual.glyphs {
                    let column = placed.column - shift
                    guard column >= 0, column + placed.glyph.width <= textWidth else { continue }
                    let position = lineStart + placed.offset
                    var style = CellStyle.role(placed.glyph.isControl ? .control : .text)
                    if !placed.glyph.isControl, let coloured = ansi?.style(at: position) { style = .text(coloured) }
                    if fresh.contains(where: { $0.contains(position) }) { style = .role(.changedWhileAway) }
                    if session.inserted.contains(where: { $0.contains(position) }) { style = .role(.inserted) }
                    if session.deleted.contains(where: { $0.contains(position) }) { style = .role(.deleted) }
                    if let mark = marks.last(where: { $0.selections.contains { $0.contains(position) } }) { style = .peerCursor(mark.colour) }
                    if found.contains(where: { $0.contains(position) }) { style = .role(.searchMatch) }
                    if let block = selectedBlock {
                        if block.contains(where: { $0.contains(position) }) { style = .role(.selection) }
                    } else if selection?.contains(position) == true {
                        style = .role(.selection)
                    }
                    if currentMatch?.contains(position) == true { style = .role(.searchCurrent) }
                    frame.put(placed.glyph, row: textTop + row, column: gutter + column, style: style)
                    used = gutter + column + placed.glyph.width
                }
                if isLastRow, let style = lineFeedMark(at: lineStart + layout.length, lineLength: layout.length, session) {
                    let column = ((visual.glyphs.last.map { $0.column + $0.glyph.width }) ?? 0) - shift
                    if column >= 0, column < textWidth {
                        frame.put(Glyph(text: "⏎", width: 1, scalars: 0, isControl: false), row: textTop + row, column: gutter + column, style: style)
                    }
                }
                if !settings.wrap {
                    let lineWidth = (visual.glyphs.last.map { $0.column + $0.glyph.width }) ?? 0
                    if lineWidth - shift > textWidth { frame.put(Glyph(text: "›", width: 1, scalars: 0, isControl: false), row: textTop + row, column: viewWidth - 1, style: .role(.wrapMarker)) }
                    if shift > 0, lineWidth > 0 { frame.put(Glyph(text: "‹", width: 1, scalars: 0, isControl: false), row: textTop + row, column: gutter, style: .role(.wrapMarker)) }
                }
                // Other people's cursors on this row, and their names at its right end.
                let rowEnd = lineStart + visual.end
                var labelEnd = viewWidth
                for mark in marks where mark.cursor >= lineStart + visual.start && (mark.cursor < rowEnd || (isLastRow && mark.cursor == rowEnd)) {
                    let column = gutter + layout.place(of: mark.cursor - lineStart).column - shift
                    frame.restyle(row: textTop + row, column: min(column, viewWidth - 1), .peerCursor(mark.colour))
                    let label = " \(mark.name)"
                    let width = measure.columns(of: label)
                    if labelEnd - width > max(used, column + 1) {
                        frame.put(label, row: textTop + row, column: labelEnd - width, style: .peerLabel(mark.colour), width: measure)
                        labelEnd -= width
                    }
                }
                if line == cursorLine, !isPager {
                    let place = layout.place(of: cursorPosition - lineStart)
                    var column = place.column
                    // On a tab, vim's block cursor stands on the tab's last column.
                    if place.row == index, keymap.blockCursorModes.contains(mode), cursorPosition < replica.count, replica.scalar(at: cursorPosition) == "\t",
                       let tab = visual.glyphs.first(where: { $0.column == place.column }) {
                        column += tab.glyph.width - 1
                    }
                    if place.row == index { frame.cursor = (textTop + row, min(max(0, gutter + column - shift), viewWidth - 1)) }
                }
                row += 1
            }
            skip = 0
            if isPager, filter != nil {
                guard let next = nextShown(from: line + 1) else { break }
                line = next
                lineStart = replica.lineStart(line)
            } else {
                line += 1
                lineStart += length + 1
            }
        }
        while row < viewHeight {
            frame.put("~", row: textTop + row, column: 0, style: .role(.filler), width: measure)
            row += 1
        }
    }

    private func drawStatus(into frame: inout Frame, row: Int) {
        guard row < frame.height else { return }
        frame.fill(row: row, style: .role(.status))
        let (line, character) = cursorLineColumn
        let name = " \(shownDocumentName)"
        var left: [(String, StyleRole)] = []
        if status.readOnly { left.append((" [read-only]", .status)) }
        if isPager {
            // A document is live while it syncs; a file or pipe only while it is still being read.
            let live = localTextState == nil ? (status.syncStopped ? nil : "LIVE") : localTextState == .reading ? "READING" : nil
            let label = followingEnd ? "FOLLOW" : live
            if let label { left += [(" ", .status), (" \(label) ", .statusMode)] }
            if let filter { left.append((" &\(filter.pattern)", .status)) }
        } else if keymap.modes.count > 1 {
            // As vim names its visual modes.
            let shown = mode == "visual" && vim.visualBlock ? "VISUAL BLOCK" : mode == "visual" && vim.visualLinewise ? "VISUAL LINE" : mode.uppercased()
            left += [(" ", .status), (" \(shown) ", .statusMode)]
            // As vim says it the whole time a macro is being recorded.
            if let recording = vim.recording { left.append((" recording @\(recording.register)", .status)) }
        }
        if let followed = followedName { left.append((" following \(followed)", .status)) }

        // On a narrow terminal the name is cut first (ten columns of it kept), then who is here
        // and the position give way to what is left of the left side (modes, the filter), then
        // the name is cut to its first letters so the mode stays whole (a vim user must see it);
        // the connection state and the unsent count always stay.
        let connection: (String, StyleRole) = (" \(status.connection) ", status.connectionTrouble ? .statusOffline : .status)
        let unsent: (String, StyleRole)? = status.unsent > 0 ? (" ↑\(status.unsent)", .status) : nil
        let people: (String, StyleRole)? = peers.isEmpty ? nil : (peopleHere(within: max(12, frame.width / 3)), .status)
        let position: (String, StyleRole) = isPager ? (atEnd ? "  END " : "  \(percentThrough)% ", .status) : ("  \(line):\(character) ", .status)
        func columns(_ pieces: [(String, StyleRole)]) -> Int { pieces.reduce(0) { $0 + measure.columns(of: $1.0) } }
        let nameWidth = measure.columns(of: name), nameAtLeast = min(10, nameWidth), nameAtFewest = min(3, nameWidth)
        let othersWidth = columns(left)
        // A session's label can be longer than the row: it is cut, last, to whatever is left.
        if isPager, let session = travelSession { left.append((" session \(session.index + 1) of \(session.count): \(session.label)", .status)) }
        var right: [(String, StyleRole)] = []
        for choice in [[connection, unsent, people, position], [connection, unsent, position], [connection, unsent]] {
            right = choice.compactMap { $0 }
            if frame.width - columns(right) >= nameAtLeast + othersWidth { break }
        }
        let rightWidth = columns(right)
        // The right side starts with a space of its own.
        let end = max(1, frame.width - rightWidth)
        var column = frame.putMarkingCut(name, row: row, column: 0, style: .role(.status), width: measure,
                                         end: min(end, max(nameAtFewest, end - othersWidth)))
        for (text, role) in left where column < end {
            column = frame.putMarkingCut(text, row: row, column: column, style: .role(role), width: measure, end: end)
        }
        if rightWidth > frame.width, let shownUnsent = unsent {
            // Narrower than the connection state and the unsent count: the state is cut, marked,
            // and the count shows whole at the end.
            let countWidth = measure.columns(of: shownUnsent.0)
            _ = frame.putMarkingCut(connection.0, row: row, column: 0, style: .role(connection.1), width: measure, end: max(0, frame.width - countWidth))
            frame.put(shownUnsent.0, row: row, column: max(0, frame.width - countWidth), style: .role(shownUnsent.1), width: measure)
            return
        }
        var start = max(column, frame.width - rightWidth)
        for (text, role) in right { start = frame.put(text, row: row, column: start, style: .role(role), width: measure) }
    }

    /// Who else is in the document, by name (`with ana, bo`), or how many when the names would
    /// take more than `columns`.
    private func peopleHere(within columns: Int) -> String {
        let names = peers.values.map(\.userName).sorted()
        let listed = " with " + names.joined(separator: ", ")
        if measure.columns(of: listed) <= columns { return listed }
        return " with \(names.count) \(names.count == 1 ? "person" : "people")"
    }

    /// - Parameters: `lines`: the message wrapped to the width (`Frame.wrap`); `rows`: how many
    ///   rows it may take.
    private func drawMessage(into frame: inout Frame, row: Int, lines: [String], rows: Int) {
        guard row < frame.height else { return }
        var messageEnd = 0
        if let prompt {
            let column = frame.put(prompt.label, row: row, column: 0, style: .role(.prompt), width: measure)
            let end = frame.put(prompt.text, row: row, column: column, style: .role(.text), width: measure)
            frame.cursor = (row, min(end, frame.width - 1))
        } else if let message {
            messageEnd = frame.putWrapped(lines, lastRow: row, maxRows: rows, style: .role(message.isError ? .error : .message), width: measure).column
        } else if !vim.keys.isEmpty {
            // The command being typed, as vim's `showcmd` shows it (`2d`, `"ay`).
            frame.put(vim.keys.map(\.description).joined(), row: row, column: 0, style: .role(.message), width: measure)
        } else if !pendingKeys.isEmpty || pendingCount != nil {
            let count = pendingCount.map(String.init) ?? ""
            let keys = pendingKeys.isEmpty ? "" : (count.isEmpty ? "" : " ") + pendingKeys.keyNames + "-"
            frame.put(count + keys, row: row, column: 0, style: .role(.message), width: measure)
        }
        if isPager, prompt == nil {
            // As in less: the terminal's cursor waits on the bottom line, after any message.
            frame.cursor = (row, min(messageEnd, frame.width - 1))
        }
    }
}
