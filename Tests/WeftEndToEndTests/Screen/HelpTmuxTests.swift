import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Help in the real program: what the first screen says, and the page of keys.
@Suite("help in tmux", .serialized, .ownThread)
struct HelpTmuxTests {
    @Test("the first screen says how to quit and get help; F1 lists every key; q goes back to the text")
    func firstScreenAndHelpPage() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let screen = try weftScreen(["edit", "ws://127.0.0.1:\(relay.port)/help"], home: TemporaryDirectory.path("help"))
        defer { screen.kill() }
        try screen.waitFor("the first screen's words") { $0[29].hasPrefix("Ctrl-Q quits · F1 shows every key") }
        try screen.type("my text")
        try screen.press("F1")
        // The page's first row and its status line (tmux may show the screen half redrawn).
        let rows = try screen.waitFor("the help page") { $0.first?.hasPrefix("Keys of the default keymap") == true && $0[28].hasPrefix(" help: default keymap") }
        #expect(rows.contains { $0.hasPrefix("  Ctrl-Q") && $0.contains("quit") }, "\(rows)")
        try screen.press("q")
        try screen.waitFor("the text again") { $0.first == "my text" }
    }

    @Test("vim's :help and the pager's h open the page of their keymap")
    func vimAndPager() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let home = TemporaryDirectory.path("help-vim")
        let document = "ws://127.0.0.1:\(relay.port)/help-vim"
        let vim = try weftScreen(["edit", document, "--keymap", "vim"], home: home)
        defer { vim.kill() }
        try vim.waitFor("vim's first screen") { $0[29].hasPrefix("type :q and Enter to quit · :help shows every key") }
        try vim.type(":help")
        try vim.press("Enter")
        try vim.waitFor("vim's help page") { $0.first?.hasPrefix("Keys of the vim keymap") == true }
        try vim.press("q")
        try vim.type(":q")
        try vim.press("Enter")
        try vim.waitFor(text: "[exit 0]")

        let file = TemporaryDirectory.path("paged.txt")
        try "some text\n".write(to: file, atomically: true, encoding: .utf8)
        let pager = try weftScreen(["view", file.path], home: home)
        defer { pager.kill() }
        try pager.waitFor("the pager's first screen") { $0[29].hasPrefix("q quits · h shows every key") }
        try pager.press("h")
        try pager.waitFor("the pager's help page") { $0.first?.hasPrefix("Keys of the less keymap") == true }
    }
}
