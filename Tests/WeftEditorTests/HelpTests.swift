import Foundation
import Testing
import WeftTestSupport
import WeftCRDT
@testable import WeftEditor

/// Help in the program: the first screen says how to quit and get help; the help key opens every
/// key of the active keymap, listed from the keymap itself.
@Suite("Help")
struct HelpTests {
    @Test("the first screen's words, for each keymap")
    func welcome() throws {
        #expect(try EditorHarness(keymap: "default").editor.welcome == "Ctrl-Q quits · F1 shows every key")
        #expect(try EditorHarness(keymap: "emacs").editor.welcome == "Ctrl-X Ctrl-C quits · F1 shows every key")
        #expect(try EditorHarness(keymap: "vim").editor.welcome == "type :q and Enter to quit · :help shows every key")
        #expect(try EditorHarness(keymap: "less").editor.welcome == "q quits · h shows every key")
    }

    @Test("F1 opens a page of every binding with what it does; it scrolls with less's keys and q closes it")
    func helpPage() throws {
        var harness = try EditorHarness("text", width: 80, height: 10)
        harness.press("F1")
        #expect(harness.editor.isShowingHelp)
        #expect(harness.lines[0].hasPrefix("Keys of the default keymap: modeless"))
        #expect(harness.lines[8].hasPrefix(" help: default keymap") && harness.lines[8].hasSuffix("%"))
        let all = HelpPage(keymap: harness.editor.keymap).lines
        #expect(all.contains { $0.hasPrefix("  Ctrl-Z ") && $0.hasSuffix("undo your last edit") })
        #expect(all.contains { $0.hasPrefix("  Alt-z ") && $0.hasSuffix("suspend to the shell (fg brings it back)") })
        #expect(all.contains { $0.hasPrefix("  Home  Ctrl-A ") }, "every key of a command on its line")
        harness.press("Space")
        #expect(harness.lines[0] == all[8])
        harness.press("G")
        #expect(harness.lines[7] == "q or Esc closes this page." && harness.lines[8].hasSuffix("END"))
        harness.press("x")
        #expect(harness.text == "text" && harness.lines[9] == "q or Esc closes the help")
        harness.press("q")
        #expect(!harness.editor.isShowingHelp && harness.lines[0] == "text")
    }

    @Test("vim's :help and F1, the pager's h; a user's own binding shows")
    func otherKeymaps() throws {
        var vim = try EditorHarness("text", keymap: "vim", width: 80, height: 10)
        vim.press(":")
        vim.type("help\n")
        #expect(vim.lines[0].hasPrefix("Keys of the vim keymap") && vim.lines[2] == "normal mode")
        vim.press("Esc F1")
        #expect(vim.editor.isShowingHelp)
        var pager = try PagerFrameTests.pager()
        pager.press("h")
        #expect(pager.lines[0].hasPrefix("Keys of the less keymap"))

        let config = TemporaryDirectory.path("help")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("keymaps"), withIntermediateDirectories: true)
        try "inherits = \"default\"\n[edit]\nCtrl-O = \"quit\"\n".write(to: config.appendingPathComponent("keymaps/default.toml"), atomically: true, encoding: .utf8)
        let mine = try Keymap.load("default", from: .keymaps(config: config))
        #expect(HelpPage(keymap: mine).lines.contains { $0.hasPrefix("  Ctrl-O  Ctrl-Q ") })
    }

    @Test("suspend and redraw keys ask the terminal, in every keymap; the default keymap keeps Ctrl-Z for undo")
    func suspendAndRedraw() throws {
        for (keymap, suspend) in [("default", "Alt-z"), ("emacs", "Ctrl-Z"), ("vim", "Ctrl-Z"), ("less", "Ctrl-Z")] {
            var harness = try EditorHarness("text", keymap: keymap)
            if keymap == "less" { harness.editor.enterPager(keymap: harness.editor.keymap) }
            harness.press("\(suspend) Ctrl-L")
            #expect(harness.editor.takeTerminalRequests() == [.suspend, .redraw], "\(keymap)")
        }
        var standard = try EditorHarness("text")
        standard.press("End Backspace Ctrl-Z")
        #expect(standard.text == "text" && standard.editor.takeTerminalRequests().isEmpty)
        var vim = try EditorHarness("text", keymap: "vim")
        vim.press("i Ctrl-Z")
        #expect(vim.editor.takeTerminalRequests() == [.suspend], "in insert mode too")
    }
}
