import WeftCRDT

/// less's marks: `m` and a letter marks the top line of the screen, `'` and the letter brings it
/// back to the top; `''` returns to where the last long move (`g`, `G`, `p`, a search, a mark)
/// started, `'^` and `'$` go to the start and the end. Marks follow their text as others edit it.
extension Editor {
    /// Sets or goes to the mark `key` names, for `command` (`set-mark`, or a `goto-mark`).
    mutating func pagerMark(_ command: EditorCommand, named key: Key) {
        guard let name = key.typedCharacter, name.isASCII, !name.isWhitespace else {
            if key != .named(.escape) { show("\(key) does not name a mark: marks are letters", isError: true) }
            return
        }
        if command == .setMark {
            guard name.isLetter else { return show("marks are named with a letter (a–z, A–Z)", isError: true) }
            vim.marks[name] = replica.anchor(at: replica.lineStart(topLine), stickToPrevious: false)
            return show("mark \(name) set")
        }
        switch name {
        case "^":
            rememberPagerJump()
            setTop(line: nextShown(from: 0) ?? 0, row: 0)
        case "$":
            rememberPagerJump()
            showEnd()
        default:
            guard let anchor = vim.marks[name], let position = replica.position(of: anchor) else {
                return show(name == "'" ? "no earlier position to go back to" : "mark \(name) is not set", isError: true)
            }
            putAtTop(position)
        }
        // The pager's cursor stays at the top of the view (see `bringCursorIntoPagerView`).
        moveCursor(to: replica.lineStart(topLine))
    }

    /// Keeps where the view is for `''`.
    mutating func rememberPagerJump() {
        vim.marks["'"] = replica.anchor(at: replica.lineStart(topLine), stickToPrevious: false)
    }
}
