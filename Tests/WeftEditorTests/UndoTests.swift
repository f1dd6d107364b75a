import Testing
import WeftTestTraits
import WeftCRDT
@testable import WeftEditor

/// Undo and redo as people meet them: each case as it was found by hand.
@Suite("Undo", .ownThread)
struct UndoTests {
    @Test("default keymap: Backspace, Backspace, Delete in the middle of a word undo to the word as it was")
    func deletionsAroundTheCursor() throws {
        var harness = try EditorHarness("", width: 30)
        harness.type("abcdef")
        harness.now += 1.5
        harness.press("Left Left Left Backspace Backspace Delete")
        #expect(harness.text == "aef")
        harness.press("Ctrl-Z")
        #expect(harness.text == "abcdef")
        harness.press("Ctrl-Y")
        #expect(harness.text == "aef")
        harness.press("Ctrl-Z")
        #expect(harness.text == "abcdef")
    }

    /// A paste in a terminal without bracketed paste arrives as keys: in the default keymap its
    /// lines (Enter ends a typing burst) undo as one step, as a bracketed paste does; a key typed
    /// after the keys came together is a step of its own. In vim's keymap an insert is one step
    /// already, and commands typed ahead stay steps of their own.
    @Test("keys that arrive together undo as one step in the default keymap, and as vim's steps in vim's")
    func keysTogetherUndoAsOne() throws {
        var harness = try EditorHarness("start\n", width: 30)
        harness.press("Ctrl-End")
        harness.editor.beginKeysTogether()
        harness.type("one\ntwo\nthree\n")
        harness.press("Backspace")
        harness.editor.endKeysTogether()
        harness.type("x")
        #expect(harness.text == "start\none\ntwo\nthreex")
        harness.press("Ctrl-Z")
        #expect(harness.text == "start\none\ntwo\nthree")
        harness.press("Ctrl-Z")
        #expect(harness.text == "start\n", "the lines that came together went in one step")
        harness.press("Ctrl-Y")
        #expect(harness.text == "start\none\ntwo\nthree")

        var vim = try EditorHarness("a\nb\n", keymap: "vim", width: 30)
        vim.editor.beginKeysTogether()
        vim.type("ddGoc")
        vim.press("Esc")
        vim.editor.endKeysTogether()
        #expect(vim.text == "b\nc\n")
        vim.press("u")
        #expect(vim.text == "b\n", "the insert undoes on its own")
        vim.press("u")
        #expect(vim.text == "a\nb\n")
    }

    /// The relay lost its data and was given this copy back: the session's replica holds the same
    /// characters, and undo goes on. A document made again under the name holds other text: the
    /// old steps would type old text into it, so undo starts afresh there.
    @Test("undo goes on across a replica with the same characters, and starts afresh on another text")
    func undoAcrossAReplacedReplica() throws {
        var harness = try EditorHarness("", width: 30)
        harness.type("kept")
        harness.now += 1.5
        harness.press("Enter")
        harness.type("undo me")
        harness.editor.replaceReplica(try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: harness.editor.replica.replicaID))
        harness.press("Ctrl-Z")
        #expect(harness.text == "kept\n", "\(harness.text.debugDescription)")
        harness.press("Ctrl-Y")
        #expect(harness.text == "kept\nundo me")

        var other = Replica(replicaID: ReplicaID(9))
        _ = try other.insert("another document", at: 0)
        harness.editor.replaceReplica(other)
        harness.press("Ctrl-Z")
        #expect(harness.text == "another document")
        #expect(harness.lines.contains { $0.contains("nothing to undo") }, "\(harness.lines)")
    }

    /// Undoing a long paste at the end took out everything the screen showed: the lines before it
    /// fill the screen again (they stayed above a screen of `~`, and the view was saved so).
    @Test(arguments: ["default", "vim"]) func undoingAPasteAtTheEndShowsTheLinesBefore(keymap: String) throws {
        var harness = try EditorHarness("", keymap: keymap, width: 30, height: 8)
        if keymap == "vim" { harness.press("i") }
        harness.type("line 1\nline 2\nline 3\nline 4\nline 5\n")
        if keymap == "vim" { harness.press("Esc") }
        harness.now += 1.5
        harness.editor.paste((1...1000).map { "\($0)" }.joined(separator: "\n") + "\n", now: harness.now)
        #expect(harness.lines.first != "line 1")
        harness.press(keymap == "vim" ? "u" : "Ctrl-Z")
        #expect(harness.text == "line 1\nline 2\nline 3\nline 4\nline 5\n")
        #expect(harness.lines.first == "line 1" && harness.lines[4] == "line 5", "\(harness.lines)")
    }

    @Test("text brought back by undo goes with the typing that made it")
    func restoredTextUndoesWithItsTyping() throws {
        var harness = try EditorHarness("", width: 30)
        harness.type("hello world")
        harness.now += 1.5
        harness.press("Shift-Left Shift-Left Shift-Left Shift-Left Shift-Left Ctrl-X")
        #expect(harness.text == "hello ")
        harness.press("Ctrl-Z")
        #expect(harness.text == "hello world")
        harness.press("Ctrl-Z")
        #expect(harness.text == "")
        harness.press("Ctrl-Y")
        #expect(harness.text == "hello world")
        harness.press("Ctrl-Y")
        #expect(harness.text == "hello ")
    }

    @Test("vim: X X x then u takes back only the x")
    func vimEachNormalCommandIsOneStep() throws {
        var harness = try EditorHarness("abcdef", keymap: "vim", width: 30)
        harness.press("0 l l l")
        harness.press("X X x")
        #expect(harness.text == "aef")
        harness.press("u")
        #expect(harness.text == "adef")
        harness.press("u")
        #expect(harness.text == "abdef")
        harness.press("u")
        #expect(harness.text == "abcdef")
    }

    @Test("vim: o, text, Esc, u takes back the opened line too")
    func vimInsertIsOneStep() throws {
        var harness = try EditorHarness("first", keymap: "vim", width: 30)
        harness.press("o")
        harness.type("second")
        harness.press("Esc")
        #expect(harness.text == "first\nsecond")
        harness.press("u")
        #expect(harness.text == "first")
        harness.press("Ctrl-R")
        #expect(harness.text == "first\nsecond")
    }

    @Test("vim: an arrow key during an insert starts a new undo step")
    func vimArrowSplitsInsert() throws {
        var harness = try EditorHarness("", keymap: "vim", width: 30)
        harness.press("i")
        harness.type("ab")
        harness.press("Left")
        harness.type("X")
        harness.press("Esc u")
        #expect(harness.text == "ab")
        harness.press("u")
        #expect(harness.text == "")
    }

    @Test("a paste that arrives in parts is one edit: one undo takes all of it back, one redo brings it all")
    func pasteInPartsIsOneStep() throws {
        for keymap in ["default", "vim"] {
            var harness = try EditorHarness("before after", keymap: keymap, width: 40, height: 10)
            harness.press(keymap == "vim" ? "w i" : "Ctrl-Right")
            harness.editor.paste("one ", now: harness.now, moreFollows: true)
            harness.editor.paste("two ", now: harness.now, moreFollows: true)
            harness.editor.paste("three ", now: harness.now)
            if keymap == "vim" { harness.press("Esc") }
            #expect(harness.text == "before one two three after", "\(keymap)")
            harness.press(keymap == "vim" ? "u" : "Ctrl-Z")
            #expect(harness.text == "before after", "\(keymap): one undo takes the whole paste back")
            harness.press(keymap == "vim" ? "Ctrl-R" : "Ctrl-Y")
            #expect(harness.text == "before one two three after", "\(keymap): one redo brings it all")
        }
    }

    @Test("a 1 MB deletion is one undo step: undo brings every line back in order, redo takes it again")
    func hugeDeletionUndone() throws {
        let text = (0..<25_000).map { "line \($0) of the text, the quick brown fox 日本語" }.joined(separator: "\n") + "\n"
        #expect(text.utf8.count > 1_000_000, "twice the batch limit at least")
        var vim = try EditorHarness(text, keymap: "vim", width: 40, height: 10)
        vim.press("g g d G")
        #expect(vim.text == "")
        vim.press("u")
        #expect(vim.text == text, "one undo brings the whole text back, in order")
        vim.press("Ctrl-R")
        #expect(vim.text == "")
    }

    @Test("undo and redo of a 200-line paste bring the change into view")
    func undoShowsTheChange() throws {
        let top = (1...30).map { "line \($0)" }.joined(separator: "\n")
        var harness = try EditorHarness(top, width: 30, height: 12)
        harness.press("Ctrl-End Enter")
        harness.editor.paste((1...200).map { "pasted \($0)" }.joined(separator: "\n"), now: harness.now)
        harness.press("Ctrl-Home")
        #expect(harness.lines[0] == "line 1")
        harness.press("Ctrl-Z")
        #expect(harness.lines.contains("line 30"), "the place the paste was taken from is on screen: \(harness.lines)")
        harness.press("Ctrl-Home Ctrl-Y")
        #expect(harness.lines.contains { $0.hasPrefix("pasted") }, "the pasted text is on screen again: \(harness.lines)")
        harness.press("Ctrl-Z Ctrl-Home")
        var vim = try EditorHarness(top, keymap: "vim", width: 30, height: 12)
        vim.press("G A")
        vim.editor.paste("\n" + (1...200).map { "pasted \($0)" }.joined(separator: "\n"), now: vim.now)
        vim.press("Esc g g u")
        #expect(vim.lines.contains("line 30"), "\(vim.lines)")
        vim.press("g g Ctrl-R")
        #expect(vim.lines.contains("pasted 1"), "vim's redo shows the start of the change: \(vim.lines)")
    }
}
