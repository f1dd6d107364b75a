import WeftCRDT

extension Editor {
    /// Whether edits are allowed; says why not on the message line.
    mutating func canEdit() -> Bool {
        if status.readOnly {
            show("read-only: this document cannot be changed from here", isError: true)
            return false
        }
        return true
    }

    /// Replaces `range` with `text` as one local edit: applied at once, queued as one batch,
    /// undoable. The cursor goes after the new text.
    mutating func replace(_ range: Range<Int>, with text: String, kind: UndoHistory.Kind, now: Double) {
        guard canEdit(), !(range.isEmpty && text.isEmpty) else { return }
        var ops: [Op] = []
        var steps: [UndoHistory.Step] = []
        do {
            if !range.isEmpty {
                let removed = replica.text(in: range)
                // After the character before the text, not before the one after it: removals in
                // a row leave tombstones where the next restore types, and anchoring on what
                // precedes keeps a run of restores in their original order.
                let place = replica.anchor(at: range.lowerBound)
                if let op = try replica.delete(range), case .delete(let deletion) = op {
                    ops.append(op)
                    steps.append(.restore(text: removed, ids: deletion.spans, at: place))
                }
            }
            if !text.isEmpty, let op = try replica.insert(text, at: range.lowerBound), case .insert(let insertion) = op {
                ops.append(op)
                steps.append(.remove([IDSpan(start: insertion.id, length: UInt32(insertion.length))]))
            }
        } catch {
            show("\(error.message)", isError: true)
        }
        guard !ops.isEmpty else { return }
        // Typing bursts are for modes that type; elsewhere (vim's normal mode) each command
        // undoes on its own, as `x x` in vim.
        undoHistory.record(steps, kind: keymap.types(in: mode) ? kind : .other, now: now, burst: settings.undoBurstSeconds)
        send(ops)
        version += 1
        moveCursor(to: range.lowerBound + text.unicodeScalars.count)
    }

    /// Types `text` at the cursor, over the selection if there is one.
    mutating func type(_ text: String, now: Double) {
        var range = selection ?? cursorPosition..<cursorPosition
        if vim.overwriting, range.isEmpty, text != "\n", !replica.isLineEnd(range.lowerBound) {
            // Vim's replace mode: the character under the cursor gives way to the one typed.
            range = range.lowerBound..<nextBoundary(after: range.lowerBound)
        }
        markActive = false
        selectionAnchor = nil
        replace(range, with: text, kind: range.isEmpty && !text.contains("\n") ? .typing : .other, now: now)
    }

    mutating func perform(edit command: EditorCommand, now: Double) {
        let position = cursorPosition
        let line = replica.line(containing: position)
        switch command {
        case .insertNewline:
            type("\n", now: now)
        case .insertTab:
            type("\t", now: now)
        case .deleteBackward:
            if let range = selection { cut(range, linewise: false, copying: false, now: now); return }
            guard position > 0 else { return }
            replace(previousBoundary(before: position)..<position, with: "", kind: .typing, now: now)
        case .deleteForward:
            if let range = selection { cut(range, linewise: false, copying: false, now: now); return }
            guard position < replica.count else { return }
            replace(position..<nextBoundary(after: position), with: "", kind: .typing, now: now)
            clampToCharacter()
        case .deleteWordBackward:
            replace(wordPrevious(from: position)..<position, with: "", kind: .other, now: now)
        case .deleteWordForward:
            let end = min(wordNext(from: position), max(position, replica.lineRange(line).upperBound))
            replace(position..<(end == position ? wordNext(from: position) : end), with: "", kind: .other, now: now)
            clampToCharacter()
        case .deleteToLineEnd:
            let end = replica.lineRange(line).upperBound
            let range = position..<(end == position ? min(replica.count, end + 1) : end)
            cut(range, linewise: false, copying: true, appending: lastCommand == .deleteToLineEnd, now: now)
            clampToCharacter()
        case .cutLine, .copyLine:
            let range = wholeLine(line)
            let appending = command == .cutLine && lastCommand == .cutLine
            var text = replica.text(in: range)
            if !text.endsWithLineFeed { text += "\n" }
            keep(Clipboard(text: appending ? (clipboard?.text ?? "") + text : text, linewise: true))
            if command == .cutLine {
                replace(range, with: "", kind: .other, now: now)
                moveCursor(to: firstNonBlank(ofLine: min(line, replica.lineCount - 1)))
            } else {
                show("copied 1 line")
            }
        case .cutSelection, .copySelection:
            guard let range = selection else { show("nothing is selected", isError: true); return }
            cut(range, linewise: false, copying: true, keeping: command == .copySelection, now: now)
            if command == .copySelection {
                moveCursor(to: range.lowerBound)
                show("copied \(range.count) characters")
            }
            markActive = false
            selectionAnchor = nil
            if keymap.modes.contains("visual"), mode == "visual" { mode = keymap.modes[0] }
            clampToCharacter()
        case .paste, .pasteAfter, .pasteBefore:
            paste(after: command == .pasteAfter, now: now)
        default:
            break
        }
    }

    /// The range of line `line` with its line feed (or the one before it, for the last line).
    /// Copies `count` lines from the cursor's (vim's `3yy`) as one line-wise clipboard.
    mutating func copyLines(_ count: Int) {
        let first = replica.line(containing: cursorPosition)
        let last = min(first + count, replica.lineCount) - 1
        var text = replica.text(in: replica.lineStart(first)..<replica.lineStart(last + 1))
        if !text.endsWithLineFeed { text += "\n" }
        keep(Clipboard(text: text, linewise: true))
        show("copied \(last - first + 1) line\(last == first ? "" : "s")")
    }

    /// Puts cut or copied text on the clipboard, and asks for it on the system's too (OSC 52).
    mutating func keep(_ cut: Clipboard) {
        clipboard = cut
        if cut.text.utf8.count <= TerminalRequest.clipboardLimit { terminalRequests.append(.copyToClipboard(cut.text)) }
    }

    func wholeLine(_ line: Int) -> Range<Int> {
        let range = replica.lineRange(line)
        if range.upperBound < replica.count { return range.lowerBound..<range.upperBound + 1 }
        return max(0, range.lowerBound - (line > 0 ? 1 : 0))..<range.upperBound
    }

    /// Removes `range` (unless `keeping`) and, when `copying`, puts it on the clipboard.
    mutating func cut(_ range: Range<Int>, linewise: Bool, copying: Bool, keeping: Bool = false, appending: Bool = false, now: Double) {
        if copying {
            let text = replica.text(in: range)
            keep(Clipboard(text: appending ? (clipboard?.text ?? "") + text : text, linewise: linewise))
        }
        if !keeping {
            selectionAnchor = nil
            markActive = false
            replace(range, with: "", kind: .other, now: now)
        }
    }

    mutating func paste(after: Bool, now: Double) {
        guard let clipboard else { show("the clipboard is empty", isError: true); return }
        if clipboard.blockwise, selection == nil { return pasteBlock(clipboard.text, after: after, now: now) }
        let position = cursorPosition
        guard clipboard.linewise else {
            let at = after && position < replica.lineRange(replica.line(containing: position)).upperBound ? nextBoundary(after: position) : position
            if let range = selection {
                selectionAnchor = nil
                markActive = false
                replace(range, with: clipboard.text, kind: .other, now: now)
            } else {
                replace(at..<at, with: clipboard.text, kind: .other, now: now)
            }
            if keymap.blockCursorModes.contains(mode) {
                // As vim: on the last character pasted, or the first when it spans lines.
                let multiline = clipboard.text.contains("\n")
                moveCursor(to: multiline ? cursorPosition - clipboard.text.unicodeScalars.count : previousBoundary(before: cursorPosition))
            }
            return
        }
        let line = replica.line(containing: position)
        var target = after ? line + 1 : line
        var text = clipboard.text
        if target >= replica.lineCount || (after && replica.lineRange(line).upperBound == replica.count) {
            // After the last line, which has no line feed: start the pasted lines with one.
            text = "\n" + String(text.dropLast())
            replace(replica.count..<replica.count, with: text, kind: .other, now: now)
            target = line + 1
        } else {
            let start = replica.lineStart(target)
            replace(start..<start, with: text, kind: .other, now: now)
        }
        moveCursor(to: firstNonBlank(ofLine: target))
    }
}
