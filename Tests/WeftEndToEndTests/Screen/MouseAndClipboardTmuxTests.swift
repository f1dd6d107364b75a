import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// The mouse and the system clipboard through tmux, as a user's terminal sends and takes them.
@Suite("mouse and clipboard in tmux", .serialized, .ownThread)
struct MouseAndClipboardTmuxTests {
    /// `weft edit` on an offline document with `lines` in it, seen through a tmux client attached
    /// from another session's pane: what is typed into that pane reaches tmux as a terminal's
    /// input, and tmux turns mouse reports into mouse events for the program, as for a real mouse.
    private func editorBehindAClient(_ lines: [String], config: String = "") throws -> (editor: TmuxSession, client: TmuxSession) {
        let home = TemporaryDirectory.path("mouse")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("config"), withIntermediateDirectories: true)
        try config.write(to: home.appendingPathComponent("config/config.toml"), atomically: true, encoding: .utf8)
        let document = offlineDocument("mouse")
        let text = lines.joined(separator: "\\n")
        #expect(try WeftRun(home: home)(["apply", document, "--offline"], input: "{\"pos\": 0, \"ins\": \"\(text)\"}\n").status == 0)
        let editor = try weftScreen(["edit", document], home: home)
        try editor.setOption("status", "off")
        try editor.setOption("mouse", "on")
        let client = try TmuxSession(editor.attachCommand, environment: ["TERM": "xterm-256color"])
        try client.waitFor("the editor through the client") { $0.first == lines.first }
        return (editor, client)
    }

    private let lines = (1...60).map { "line \($0)" }

    /// Waits until tmux's newest paste buffer holds `text`.
    private func waitForBuffer(_ session: TmuxSession, _ text: String) throws {
        try session.waitFor("\(text.debugDescription) in tmux's buffer") { _ in (try? session.pasteBuffer()) == text }
    }

    @Test("a click puts the cursor where it was clicked, a drag selects, the wheel scrolls")
    func mouse() throws {
        let (editor, client) = try editorBehindAClient(lines)
        defer { client.kill(); editor.kill() }
        try client.type("\u{1B}[<0;4;3M\u{1B}[<0;4;3m")
        try editor.waitFor("the cursor on line 3, column 4") { $0[28].hasSuffix("3:4") }
        try client.type("\u{1B}[<65;10;10M\u{1B}[<65;10;10M")
        try editor.waitFor("two notches down: line 7 at the top") { $0.first == "line 7" }
        try client.type("\u{1B}[<0;1;1M\u{1B}[<32;3;2M\u{1B}[<0;3;2m")
        try editor.press("C-x")
        try editor.waitFor("the drag's selection cut") { $0.first == "ne 8" }
    }

    @Test("mouse = false in the config leaves the mouse to the terminal: a click does not reach the editor")
    func mouseOff() throws {
        let (editor, client) = try editorBehindAClient(lines, config: "mouse = false\n")
        defer { client.kill(); editor.kill() }
        try client.type("\u{1B}[<0;4;3M\u{1B}[<0;4;3m")
        try editor.type("x")
        try editor.waitFor("x typed at the start: the click did not move the cursor") { $0.first == "xline 1" }
    }

    @Test("a copy goes to the terminal's clipboard (OSC 52, here tmux's buffer); clipboard = false keeps it in")
    func clipboard() throws {
        let (editor, client) = try editorBehindAClient(lines)
        defer { client.kill(); editor.kill() }
        try editor.setOption("set-clipboard", "on", server: true)
        try editor.press("S-Right", "S-Right", "S-Right", "S-Right", "C-c")
        try waitForBuffer(editor, "line")
        try editor.press("Down", "C-k")
        try editor.waitFor("line 2 cut") { $0[1] == "line 3" }
        try waitForBuffer(editor, "line 2")

        let (quiet, quietClient) = try editorBehindAClient(["kept here"], config: "clipboard = false\n")
        defer { quietClient.kill(); quiet.kill() }
        try quiet.press("C-k")
        try quiet.waitFor("the line cut") { $0.first == "" || $0.first == "~" }
        #expect(try quiet.pasteBuffer() == "line 2", "the buffer still holds the earlier copy")
    }
}
