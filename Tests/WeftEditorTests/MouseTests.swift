import Testing
import WeftCRDT
@testable import WeftEditor

/// The mouse at frame level: clicks, drags, the wheel.
@Suite("Mouse")
struct MouseTests {
    static let text = (1...40).map { "line \($0)" }.joined(separator: "\n")

    @Test("a click puts the cursor on the character clicked, on wrapped rows and wide characters too")
    func click() throws {
        var harness = try EditorHarness("ab日本cd\n" + String(repeating: "x", count: 25) + "yz", width: 20, height: 8)
        harness.editor.handle(MouseEvent(.press, row: 0, column: 5), now: 0)
        #expect(harness.cursor == 3, "column 5 is the second half of 本: the cursor goes before it")
        harness.editor.handle(MouseEvent(.press, row: 2, column: 6), now: 0)
        #expect(harness.editor.cursorLineColumn == (2, 27), "the wrapped row's seventh column is the line's 27th character")
        harness.editor.handle(MouseEvent(.press, row: 5, column: 3), now: 0)
        #expect(harness.cursor == harness.editor.replica.count, "below the text: its end")
        harness.editor.handle(MouseEvent(.press, row: 0, column: 0), now: 0)
        harness.editor.handle(MouseEvent(.press, row: 6, column: 3), now: 0)
        #expect(harness.cursor == 0, "the status line is not text")
    }

    @Test("a drag selects from where the button went down; in vim it is visual mode")
    func drag() throws {
        var harness = try EditorHarness(Self.text, width: 20, height: 8)
        harness.editor.handle(MouseEvent(.press, row: 1, column: 2), now: 0)
        harness.editor.handle(MouseEvent(.drag, row: 2, column: 4), now: 0)
        harness.editor.handle(MouseEvent(.release, row: 2, column: 4), now: 0)
        #expect(harness.editor.selection.map { harness.editor.replica.text(in: $0) } == "ne 2\nline")
        harness.press("Ctrl-X")
        #expect(harness.editor.replica.line(1) == "li 3")
        var vim = try EditorHarness(Self.text, keymap: "vim", width: 20, height: 8)
        vim.editor.handle(MouseEvent(.press, row: 0, column: 0), now: 0)
        vim.editor.handle(MouseEvent(.drag, row: 0, column: 3), now: 0)
        #expect(vim.editor.mode == "visual" && vim.editor.selection == 0..<4)
        vim.press("d")
        #expect(vim.editor.replica.line(0) == " 1")
    }

    @Test("the wheel scrolls three lines a notch and brings the cursor along only when it would leave the screen")
    func wheel() throws {
        var harness = try EditorHarness(Self.text, width: 20, height: 8)
        harness.editor.handle(MouseEvent(.wheelDown, row: 2, column: 0), now: 0)
        #expect(harness.lines[0] == "line 4" && harness.editor.cursorLineColumn.line == 4, "the cursor was on line 1, now off screen")
        harness.press("Down Down")
        harness.editor.handle(MouseEvent(.wheelDown, row: 2, column: 0), now: 0)
        #expect(harness.lines[0] == "line 7" && harness.editor.cursorLineColumn.line == 7)
        harness.editor.handle(MouseEvent(.wheelUp, row: 2, column: 0), now: 0)
        #expect(harness.lines[0] == "line 4" && harness.editor.cursorLineColumn.line == 7, "still on screen: it stays")
        var pager = try PagerFrameTests.pager()
        pager.editor.handle(MouseEvent(.wheelDown, row: 2, column: 0), now: 0)
        #expect(pager.lines[0] == "line 4")
        pager.press("h")
        pager.editor.handle(MouseEvent(.wheelDown, row: 2, column: 0), now: 0)
        #expect(pager.editor.isShowingHelp && !pager.lines[0].hasPrefix("Keys of"), "the wheel scrolls the help page")
    }

    @Test("a copy or a cut asks for the system clipboard too")
    func clipboard() throws {
        var harness = try EditorHarness("hello world", width: 30)
        harness.press("Shift-Right Shift-Right Ctrl-C")
        #expect(harness.editor.takeTerminalRequests() == [.copyToClipboard("he")])
        harness.press("Ctrl-K")
        #expect(harness.editor.takeTerminalRequests() == [.copyToClipboard("hello world\n")])
        var vim = try EditorHarness("one\ntwo", keymap: "vim")
        vim.press("y y")
        #expect(vim.editor.takeTerminalRequests() == [.copyToClipboard("one\n")])
    }
}
