import Testing
import WeftCRDT
import WeftWire
@testable import WeftEditor

@Suite("Editor frames")
struct EditorFrameTests {
    @Test("wide characters take two columns and the cursor lands after them")
    func wideCharacters() throws {
        var harness = try EditorHarness("", width: 20)
        harness.type("a日本b")
        let frame = harness.editor.frame()
        #expect(frame.lines[0] == "a日本b")
        #expect(frame.rows[0][1].text == "日" && frame.rows[0][2].text == "" && frame.rows[0][3].text == "本")
        #expect(frame.rows[0][5].text == "b")
        #expect(frame.cursor?.row == 0 && frame.cursor?.column == 6)
        #expect(frame.lines[6].hasSuffix("1:5"), "the status counts characters: \(frame.lines[6])")
    }

    @Test("combining marks stay on their base; the cursor steps over whole characters")
    func combiningCharacters() throws {
        var harness = try EditorHarness("e\u{301}x", width: 20)
        harness.press("Ctrl-Home Right")
        #expect(harness.cursor == 2, "one step over e + combining acute")
        #expect(harness.editor.frame().rows[0][0].text == "e\u{301}")
        #expect(harness.editor.frame().rows[0][1].text == "x")
    }

    @Test("long lines wrap (a wide character that does not fit moves down) or are cut off with a marker")
    func wrapping() throws {
        var harness = try EditorHarness("abcdefghijklmno\nabcdefghi日z", width: 10, height: 8)
        #expect(Array(harness.lines.prefix(4)) == ["abcdefghij", "klmno", "abcdefghi", "日z"])
        harness.press("Ctrl-W")
        #expect(Array(harness.lines.prefix(2)) == ["abcdefghi›", "abcdefghi›"])
        harness.press("Ctrl-End")
        let frame = harness.editor.frame()
        #expect(frame.cursor?.row == 1 && frame.lines[1].hasPrefix("‹"), "scrolled sideways to the cursor: \(frame.lines[1])")
    }

    @Test("tabs reach the next stop and control characters show as ^X")
    func tabsAndControls() throws {
        let harness = try EditorHarness("a\tb\u{1B}[2J", width: 20)
        #expect(harness.lines[0] == "a       b^[[2J")
        #expect(harness.editor.frame().rows[0][9].style == .role(.control))
    }

    @Test("the cursor stays on its character when others insert and delete before it")
    func cursorAnchoredUnderRemoteEdits() throws {
        var harness = try EditorHarness("hello world", width: 30)
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        harness.press("Ctrl-Home Ctrl-Right")
        #expect(harness.cursor == 6)
        let ops = try [remote.insert("XYZ ", at: 0)!, remote.delete(0..<1)!]
        try harness.editor.applyRemote(ops)
        #expect(harness.text == "YZ hello world")
        #expect(harness.cursor == 9)
        harness.type("big ")
        #expect(harness.text == "YZ hello big world")
    }

    @Test("the view stays on the text being read while others add lines above")
    func viewportAnchored() throws {
        let text = (1...40).map { "line \($0)" }.joined(separator: "\n")
        var harness = try EditorHarness(text, width: 20, height: 8)
        harness.press("Ctrl-G")
        harness.type("20\n")
        let before = harness.lines
        #expect(before.contains("line 20"))
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        try harness.editor.applyRemote([remote.insert("new 1\nnew 2\nnew 3\n", at: 0)!])
        #expect(harness.lines == before.map { $0.replacingOccurrences(of: "20:1", with: "23:1") })
    }

    @Test("undo takes back only this user's edits, in typing bursts")
    func undoOwnEditsOnly() throws {
        var harness = try EditorHarness("", width: 30)
        harness.type("abc")
        harness.now += 5  // a pause ends the burst
        harness.type(" def")
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        try harness.editor.applyRemote([remote.insert("X", at: 1)!, remote.insert("[r]", at: 8)!])
        #expect(harness.text == "aXbc def[r]")
        harness.press("Ctrl-Z")
        #expect(harness.text == "aXbc[r]")
        harness.press("Ctrl-Z")
        #expect(harness.text == "X[r]")
        harness.press("Ctrl-Z")
        #expect(harness.text == "X[r]")
        #expect(harness.rows(from: 6).contains("nothing to undo"))
        harness.press("Ctrl-Y Ctrl-Y")
        #expect(harness.text == "aXbc def[r]")
        // Typing, undos and redos since the last take go as one batch, and carry them all.
        let batches = harness.editor.takeBatches()
        #expect(batches.count == 1)
        for batch in batches { try remote.apply(batch) }
        #expect(remote.text == "aXbc def[r]")
    }

    @Test("undo of a burst of Delete or Backspace types the text back in order")
    func undoDeletionBursts() throws {
        var harness = try EditorHarness("abcdef", width: 30)
        harness.press("Right Delete Delete Delete")
        #expect(harness.text == "aef")
        harness.press("Ctrl-Z")
        #expect(harness.text == "abcdef")
        harness.press("End Backspace Backspace Backspace")
        #expect(harness.text == "abc")
        harness.press("Ctrl-Z")
        #expect(harness.text == "abcdef")
        harness.press("Ctrl-Y")
        #expect(harness.text == "abc")
        // A remote edit between two deletions keeps them apart, and both still undo in place.
        harness.press("Ctrl-Z Home Right Delete")
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        try harness.editor.applyRemote([remote.insert("R", at: 0)!])
        harness.press("Delete")
        #expect(harness.text == "Radef")
        harness.press("Ctrl-Z")
        #expect(harness.text == "Rabcdef")
    }

    @Test("undo of a cut line types it back where it was")
    func undoRestoresDeletedText() throws {
        var harness = try EditorHarness("one\ntwo\nthree", width: 30)
        harness.press("Ctrl-Home Down Ctrl-K")
        #expect(harness.text == "one\nthree")
        harness.press("Ctrl-Z")
        #expect(harness.text == "one\ntwo\nthree")
    }

    @Test("default keymap: cut and paste a line, select, find, go to line, quit")
    func defaultKeymap() throws {
        var harness = try EditorHarness("one\ntwo\nthree", width: 30)
        harness.press("Ctrl-Home Ctrl-K Down Ctrl-U")
        #expect(harness.text == "two\none\nthree", "pasted above the cursor's line, as nano does")
        harness.press("Ctrl-Home Shift-Right Shift-Right Ctrl-X End Ctrl-V")
        #expect(harness.text == "otw\none\nthree")
        harness.press("Ctrl-F")
        harness.type("thr")
        #expect(harness.cursor == 8, "incremental")
        harness.press("Enter")
        let frame = harness.editor.frame()
        #expect(frame.rows[2][0].style == .role(.searchCurrent) && frame.rows[2][2].style == .role(.searchCurrent))
        #expect(frame.rows[2][3].style == .role(.text))
        harness.press("Ctrl-G")
        harness.type("3\n")
        #expect(harness.editor.cursorLineColumn.line == 3)
        #expect(!harness.editor.wantsQuit)
        harness.press("Ctrl-Q")
        #expect(harness.editor.wantsQuit)
    }

    @Test("a far jump puts its line in the middle of the screen, as vim does; a near one scrolls; the end stays at the bottom")
    func farJumpsCentre() throws {
        let text = (1...100).map { "line \($0)" }.joined(separator: "\n")
        var harness = try EditorHarness(text, keymap: "vim", width: 30, height: 12)  // 10 text rows
        harness.press("/")
        harness.type("line 60\n")
        #expect(harness.lines[5] == "line 60", "the match in the middle, not on the bottom row: \(harness.lines)")
        harness.press("j j j j j")
        #expect(harness.lines[9] == "line 65", "a move just off the screen scrolls it by a line")
        harness.press("?")
        harness.type("line 20\n")
        #expect(harness.lines[5] == "line 20", "far above: in the middle too")
        harness.press("G")
        #expect(harness.lines[9] == "line 100", "the end stays at the bottom, with no rows past it")
        harness.press("?")
        harness.type("line 97\n")
        #expect(harness.lines[9] == "line 100" && harness.lines[6] == "line 97", "near the end: the screen is not scrolled past it")
    }

    @Test("vim keymap: modes, dd p, x, u, Ctrl-R, / n, :q")
    func vimKeymap() throws {
        var harness = try EditorHarness("alpha\nbeta\ngamma", keymap: "vim", width: 30)
        harness.press("g g d d p")
        #expect(harness.text == "beta\nalpha\ngamma")
        harness.press("x")
        #expect(harness.text == "beta\nlpha\ngamma")
        harness.press("u")
        #expect(harness.text == "beta\nalpha\ngamma")
        harness.press("Ctrl-R")
        #expect(harness.text == "beta\nlpha\ngamma")
        harness.press("G A")
        #expect(harness.editor.mode == "insert")
        harness.type("s!")
        harness.press("Esc")
        #expect(harness.text == "beta\nlpha\ngammas!" && harness.editor.mode == "normal")
        harness.press("i Alt-x")
        #expect(harness.editor.mode == "normal" && harness.text == "beta\nlpha\ngamma!", "Esc x typed fast arrives as Alt-x")
        #expect(harness.editor.frame().lines[6].contains("NORMAL"))
        harness.press("$ x")
        #expect(harness.text == "beta\nlpha\ngamma", "$ lands on the last character, x deletes it")
        harness.press("g g /")
        harness.type("mm\n")
        #expect(harness.cursor == 12)
        harness.press(":")
        harness.type("w\n")
        #expect(harness.rows(from: 6).contains("nothing to save"), "\(harness.lines)")
        harness.press("v l l d")
        #expect(harness.text == "beta\nlpha\nga" && harness.editor.mode == "normal", "visual selections include the character under the cursor")
        harness.press(":")
        harness.type("q\n")
        #expect(harness.editor.wantsQuit)
    }

    @Test("vim counts: 3j, 2dd as one undo, 2yy P, 3x, 12G, 10l, Esc drops a count")
    func vimCounts() throws {
        let lines = (1...15).map { "line \($0)" }
        var harness = try EditorHarness(lines.joined(separator: "\n"), keymap: "vim", width: 40, height: 12)
        harness.press("3 j")
        #expect(harness.editor.cursorLineColumn.line == 4)
        harness.press("2")
        #expect(harness.lines[11].hasPrefix("2"), "a count being typed shows on the message line")
        harness.press("d d")
        #expect(harness.text == (lines[0..<3] + lines[5...]).joined(separator: "\n"))
        harness.press("p")
        #expect(harness.text == (lines[0..<3] + [lines[5]] + lines[3..<5] + lines[6...]).joined(separator: "\n"), "both cut lines are on the clipboard")
        harness.press("u u")
        #expect(harness.text == lines.joined(separator: "\n"), "2dd undoes in one step")
        harness.press("g g 2 y y G P")
        #expect(harness.text == (lines[0..<14] + lines[0..<2] + lines[14...]).joined(separator: "\n"))
        harness.press("1 2 G")
        #expect(harness.editor.cursorLineColumn.line == 12)
        harness.press("1 0 l")
        #expect(harness.cursor == harness.editor.replica.lineStart(11) + 6, "10l stops at the line's last character")
        harness.press("0 3 x")
        #expect(harness.editor.replica.line(11) == "e 12")
        harness.press("5 Esc x")
        #expect(harness.editor.replica.line(11) == " 12", "Esc drops the count, so x deletes one character")
    }

    @Test("emacs keymap: C-a C-k C-y, mark and C-w, C-x C-c")
    func emacsKeymap() throws {
        var harness = try EditorHarness("first line\nsecond", keymap: "emacs", width: 30)
        harness.press("Ctrl-N Ctrl-A Ctrl-K Ctrl-P Ctrl-A Ctrl-Y")
        #expect(harness.text == "secondfirst line\n")
        harness.press("Ctrl-A Ctrl-Space Alt-f Ctrl-W")
        #expect(harness.text == " line\n", "M-f goes to the end of the word")
        harness.press("Ctrl-X Ctrl-C")
        #expect(harness.editor.wantsQuit)
    }

    @Test("others' cursors show in their colour with their name")
    func remoteCursors() throws {
        var harness = try EditorHarness("hello\nworld", width: 40)
        let replica = harness.editor.replica
        harness.editor.setPresence(Presence(userName: "ana", colour: 0xE06C75, cursor: replica.anchor(at: 8)), of: ReplicaID(7))
        let frame = harness.editor.frame()
        #expect(frame.rows[1][2].style == .peerCursor(0xE06C75))
        #expect(frame.lines[1] == "world                                ana")
        #expect(frame.lines[6].contains("with ana"))
        harness.press("Ctrl-T")
        #expect(harness.editor.frame().lines[6].contains("following ana"))
        harness.press("Esc")
        harness.editor.setPresence(Presence(userName: "bo", colour: 0x98C379, cursor: .start), of: ReplicaID(8))
        #expect(harness.lines[6].contains("with ana, bo"), "\(harness.lines[6])")
        for number in 9...14 { harness.editor.setPresence(Presence(userName: "person \(number)", colour: 0, cursor: .start), of: ReplicaID(UInt64(number))) }
        #expect(harness.lines[6].contains("with 8 people"), "too many names for the status line: \(harness.lines[6])")
    }

    @Test("a message longer than its row takes more, the status line moving up, until the next key; one longer than the screen ends in …")
    func longMessagesWrap() throws {
        var harness = try EditorHarness("one\ntwo\nthree\nfour\nfive\nsix", width: 20, height: 12)
        #expect(harness.lines[10].hasPrefix(" ") && harness.lines[11].isEmpty, "the status line, then the message line: \(harness.lines)")
        harness.editor.show("saved in /home/ana/.local/share/weft/recovered-1.txt: paste back")
        let lines = harness.lines
        #expect(Array(lines[8...]) == ["saved in /home/ana/.", "local/share/weft/rec", "overed-1.txt: paste", "back"], "the whole message: \(lines)")
        #expect(lines[7] == harness.editor.frame().lines[7] && lines[7].hasPrefix(" ") && lines[5] == "six", "the status line moved up: \(lines)")
        harness.press("Down")
        #expect(harness.lines[11].isEmpty && harness.lines[10].hasPrefix(" "), "gone at the next key: \(harness.lines)")

        harness.editor.show(String(repeating: "word ", count: 40))
        let long = harness.lines
        #expect(long[2].hasPrefix(" ") && long[3...].allSatisfy { $0.hasPrefix("word word") } && long[11].hasSuffix("…"),
                "at most all but one row of the text: \(long)")
        harness.editor.show("short")
        #expect(harness.editor.frame().lines.last == "short" && harness.lines[10].hasPrefix(" "))
    }

    @Test("a banner longer than the row ends in … where it is cut")
    func cutBannersSaySo() throws {
        var harness = try EditorHarness("text", width: 20)
        harness.editor.enterPager(keymap: harness.editor.keymap, banner: "a banner much longer than twenty columns")
        #expect(harness.lines.first == " a banner much long…", "\(harness.lines)")
    }

    @Test("a name of wide characters is placed by its columns: the whole name shows at the row's end")
    func wideNames() throws {
        var harness = try EditorHarness("hello\nworld", width: 40)
        harness.editor.setPresence(Presence(userName: "日本", colour: 0xE06C75, cursor: harness.editor.replica.anchor(at: 8)), of: ReplicaID(7))
        let line = harness.editor.frame().lines[1]
        #expect(line.hasPrefix("world") && line.hasSuffix(" 日本"), "\(line.debugDescription)")
    }

    @Test("a bracketed paste is one edit, one batch and one undo, with CR LF made LF")
    func pasteIsOneEdit() throws {
        var harness = try EditorHarness("", keymap: "vim", width: 30)
        harness.editor.paste("one\r\ntwo\rthree", now: 1)
        #expect(harness.text == "one\ntwo\nthree")
        #expect(harness.editor.takeBatches().count == 1)
        harness.press("u")
        #expect(harness.text == "")
    }

    @Test("the status line shows the document, connection, unsent batches and read-only")
    func statusLine() throws {
        var harness = try EditorHarness("x", width: 60)
        harness.editor.status = StatusInfo(document: "notes", connection: "reconnecting in 3s", connectionTrouble: true, unsent: 3, readOnly: true)
        let status = harness.lines[6]
        #expect(status.hasPrefix(" notes [read-only]"))
        #expect(status.hasSuffix("reconnecting in 3s  ↑3  1:1"), "\(status)")
        harness.type("y")
        #expect(harness.text == "x" && harness.lines[7].hasPrefix("read-only"))
    }

    /// On a narrow terminal the document's name is cut, marked, to leave the connection state
    /// and the unsent count whole; the position gives way only when even they barely fit.
    /// `:%s` over a whole file is one command: its changes reach the relay as one batch (the
    /// queue cuts it to the protocol's limit), not one per match, and undo takes it back whole,
    /// again as one batch. Others applying the batches get the same text.
    @Test("a substitution over every line is one batch, and its undo another")
    func substitutionIsOneBatch() throws {
        let text = (1...300).map { "line \($0) weft and weft" }.joined(separator: "\n")
        var harness = try EditorHarness(text, keymap: "vim", width: 60)
        var other = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(77))
        harness.type(":%s/weft//g\n")
        let batches = harness.editor.takeBatches()
        let named = batches.joined().reduce(0) { if case .delete(let deletion) = $1 { $0 + deletion.length } else { $0 } }
        #expect(batches.count == 1 && named == 600 * 4, "\(batches.count) batches naming \(named) characters")
        for batch in batches { try other.apply(batch) }
        #expect(other.text == text.replacingOccurrences(of: "weft", with: "") && other.text == harness.text)
        harness.press("u")
        let undone = harness.editor.takeBatches()
        #expect(undone.count == 1 && harness.text == text, "\(undone.count) batches")
        for batch in undone { try other.apply(batch) }
        #expect(other.text == text)
        harness.press("x x")
        #expect(harness.editor.takeBatches().count == 1, "commands between two takes are one batch too")
    }

    @Test("the narrowest status line cuts the connection state, marked, and keeps the unsent count")
    func narrowestStatusLine() throws {
        var harness = try EditorHarness("x", width: 20)
        harness.editor.status = StatusInfo(document: "notes", connection: "reconnecting in 28s", connectionTrouble: true, unsent: 10)
        #expect(harness.lines[6] == " reconnecting i… ↑10", "\(harness.lines[6])")
        #expect(harness.lines[6].count == 20)
    }

    @Test("a narrow status line cuts the name, never the connection state or the unsent count", arguments: [30, 34, 40, 64])
    func narrowStatusLine(width: Int) throws {
        var harness = try EditorHarness("x", width: width)
        harness.editor.status = StatusInfo(document: "team/a-rather-long-document-name", connection: "reconnecting in 3s", connectionTrouble: true, unsent: 14)
        let status = harness.lines[6]
        #expect(status.count <= width, "\(status)")
        #expect(status.hasPrefix(" te"), "\(status)")
        #expect(status.contains("…") == (width < 64), "the name cut and marked only when it must be: \(status)")
        #expect(status.hasSuffix(width >= 40 ? "reconnecting in 3s  ↑14  1:1" : "reconnecting in 3s  ↑14"), "\(status)")
    }

    @Test("a narrow status line keeps vim's mode whole, cutting the name to its first letters", arguments: [20, 22, 25, 30])
    func narrowStatusLineKeepsTheMode(width: Int) throws {
        var harness = try EditorHarness("x", keymap: "vim", width: width)
        harness.editor.status = StatusInfo(document: "a-rather-long-document-name", connection: "online")
        #expect(harness.lines[6].contains(" NORMAL ") && harness.lines[6].hasPrefix(" a") && harness.lines[6].hasSuffix("online"), "\(harness.lines[6])")
        harness.press("i")
        #expect(harness.lines[6].contains(" INSERT ") && harness.lines[6].count <= width, "\(harness.lines[6])")
    }
}

extension EditorFrameTests {
    @Test("the place saved on leaving brings back the cursor and the view, on their characters after others' edits")
    func placeComesBack() throws {
        let text = (1...40).map { "line \($0)" }.joined(separator: "\n")
        var harness = try EditorHarness(text, width: 20, height: 8)
        harness.press("Ctrl-G")
        harness.type("25\n")
        harness.press("Right Right")
        let saved = try #require(EditorPlace(text: harness.editor.place.text), "the text form reads back")
        let shown = harness.lines

        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        _ = try remote.insert("new\n", at: 0)
        var reopened = try EditorHarness("", width: 20, height: 8)
        reopened.editor.replaceReplica(remote)
        reopened.editor.restore(saved)
        #expect(reopened.editor.cursorLineColumn == (26, 3))
        #expect(reopened.lines.prefix(6) == shown.prefix(6), "\(reopened.lines)")
        #expect(EditorPlace(text: "weft-place 1\ncursor sideways\ntop start\n") == nil)

        // A view at the start is saved as the start: it opens there, with what others put before.
        harness.press("Ctrl-Home")
        #expect(harness.editor.place.opensAtTheTop && harness.editor.place.text.contains("top start"), "\(harness.editor.place.text)")
        reopened.editor.restore(harness.editor.place)
        #expect(reopened.lines.first == "new", "\(reopened.lines)")
    }
}

extension EditorFrameTests {
    @Test("an Alt key that is not bound types nothing and says so (default and emacs); in vim it is Esc then the key")
    func unboundAltKeys() throws {
        for keymap in ["default", "emacs"] {
            var harness = try EditorHarness("ab", keymap: keymap, width: 40)
            harness.press("Alt-x Alt-q")
            #expect(harness.text == "ab", "\(keymap)")
            #expect(harness.rows(from: 4).contains("Alt-q is not bound"), "\(keymap): \(harness.lines)")
        }
        var vim = try EditorHarness("ab", keymap: "vim", width: 40)
        vim.press("i Alt-x")
        #expect(vim.text == "b" && vim.editor.mode == "normal")
    }

    @Test("Esc and a key typed fast in a prompt close it and run the key; Ctrl-W and Alt-Backspace take a word back")
    func altKeysInPrompts() throws {
        // vim: `/abc` then Esc : arrives as Alt-: and opens the command line.
        var vim = try EditorHarness("one\ntwo\nthree", keymap: "vim", width: 40)
        vim.press("/")
        vim.type("abc")
        vim.press("Alt-:")
        vim.type("2\n")
        #expect(vim.editor.cursorLineColumn.line == 2, "line 2 (lines count from 1): \(vim.lines)")
        vim.press(": Alt-j")
        #expect(vim.editor.cursorLineColumn.line == 3, "\(vim.lines)")
        vim.press("g g / Alt-x")
        #expect(vim.text == "ne\ntwo\nthree", "x after the prompt closed deletes a character")
        // default: an Alt key bound where the prompt was opened runs; one that is not says so.
        var modeless = try EditorHarness("one two", keymap: "default", width: 40)
        modeless.press("Ctrl-F")
        modeless.type("two")
        modeless.press("Alt-q")
        #expect(modeless.text == "one two" && modeless.rows(from: 4).contains("Alt-q is not bound"), "\(modeless.lines)")
        // Word by word back out of a prompt.
        func prompt(_ harness: EditorHarness) -> String { String(harness.lines.last!.reversed().drop { $0 == " " }.reversed()) }
        for keymap in ["vim", "default"] {
            var harness = try EditorHarness("text", keymap: keymap, width: 40)
            harness.press(keymap == "vim" ? ":" : "Ctrl-F")
            harness.type("s/foo bar/baz  ")
            harness.press("Ctrl-W")
            #expect(prompt(harness).hasSuffix("s/foo bar/"), "\(keymap): \(harness.lines)")
            harness.press("Alt-Backspace")
            #expect(prompt(harness).hasSuffix("s/foo bar"), "\(keymap): \(harness.lines)")
            harness.press("Ctrl-W")
            #expect(prompt(harness).hasSuffix("s/foo"), "\(keymap): \(harness.lines)")
        }
    }

    @Test("a screen made small and big again shows the lines above the cursor, as vim does, not ~ rows under the last line")
    func growingFillsTheScreen() throws {
        for keymap in ["vim", "default"] {
            var harness = try EditorHarness("l1\nl2\nl3\nl4\nl5", keymap: keymap, width: 40, height: 10)
            harness.press(keymap == "vim" ? "G" : "Ctrl-End")
            harness.editor.resize(width: 10, height: 3)
            #expect(harness.lines[0] == "l5", "\(keymap): \(harness.lines)")
            harness.editor.resize(width: 40, height: 10)
            #expect(Array(harness.lines.prefix(5)) == ["l1", "l2", "l3", "l4", "l5"], "\(keymap): \(harness.lines)")
            // A long text: the last line at the bottom, every row above it filled.
            let numbered = (1...100).map { "line \($0)" }.joined(separator: "\n")
            var long = try EditorHarness(numbered, keymap: keymap, width: 40, height: 10)
            long.press(keymap == "vim" ? "G" : "Ctrl-End")
            long.editor.resize(width: 10, height: 3)
            long.editor.resize(width: 40, height: 10)
            #expect(long.lines[0] == "line 93" && long.lines[7] == "line 100", "\(keymap): \(long.lines)")
            // In the middle of a long text, growing keeps the top where it was.
            long.press(keymap == "vim" ? "g g" : "Ctrl-Home")
            for _ in 0..<40 { long.press(keymap == "vim" ? "j" : "Down") }
            long.editor.resize(width: 10, height: 3)
            let top = long.lines[0]
            long.editor.resize(width: 40, height: 10)
            #expect(long.lines[0] == top, "\(keymap): \(long.lines)")
        }
    }

    @Test("vim's block cursor on a tab stands on its last column, as in vim; typing puts it at the tab's start")
    func blockCursorOnATab() throws {
        var harness = try EditorHarness("abcdef\n\tx", keymap: "vim", width: 40)
        harness.press("4 l j")
        #expect(harness.editor.cursorPosition == 7)
        #expect(harness.editor.frame().cursor?.column == 7, "\(String(describing: harness.editor.frame().cursor))")
        harness.press("i")
        #expect(harness.editor.frame().cursor?.column == 0)
    }

    @Test("on a screen of two rows a prompt shows where the status line goes, and the status line comes back after it")
    func promptOnTwoRows() throws {
        var harness = try EditorHarness("one\ntwo", keymap: "vim", width: 40, height: 2)
        harness.press("l")
        #expect(harness.lines.prefix(2).last?.contains("1:2") == true, "\(harness.lines)")
        harness.press(":")
        harness.type("s/o/0")
        #expect(harness.lines.prefix(2).last?.hasPrefix(":s/o/0") == true, "\(harness.lines)")
        #expect(harness.editor.frame().cursor?.row == 1)
        harness.type("\n")
        #expect(harness.text == "0ne\ntwo")
        harness.press("j")
        #expect(harness.lines.prefix(2).last?.contains("2:1") == true, "\(harness.lines)")
    }
}
