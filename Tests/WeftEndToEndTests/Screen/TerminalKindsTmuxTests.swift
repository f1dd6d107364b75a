import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft edit` on terminals with eight colours, 24-bit colour, and none of the cursor movement a
/// screen needs.
@Suite("terminal kinds in tmux", .serialized, .ownThread)
struct TerminalKindsTmuxTests {
    @Test("TERM=xterm (8 colours): the status line is reverse video and the ~ filler and a search match are not black")
    func eightColours() throws {
        let screen = try weftScreen(["edit", offlineDocument("eight")], home: TemporaryDirectory.path("eight"), environment: ["TERM": "xterm", "NO_COLOR": ""])
        defer { screen.kill() }
        try screen.waitFor(text: "reconnecting in")
        try screen.type("find me")
        try screen.press("C-f")
        try screen.type("me")
        try screen.press("Enter")
        let styled = try waitForStyled(screen, "the match in bold reverse") { $0[0].contains("\u{1B}[1;7mme") }
        #expect(styled[28].hasPrefix("\u{1B}[7m"), "\(styled[28].debugDescription)")
        for row in [styled[0], styled[1], styled[28]] {
            #expect(!row.contains("[30m") && !row.contains(";30m") && !row.contains("[30;"), "nothing black: \(row.debugDescription)")
        }
        #expect(styled[1].hasSuffix("~"), "\(styled[1].debugDescription)")
    }

    @Test("COLORTERM=truecolor with TERM=tmux-256color: the theme's colours go out as 24-bit")
    func trueColour() throws {
        let screen = try weftScreen(["edit", offlineDocument("direct")], home: TemporaryDirectory.path("direct"), environment: ["COLORTERM": "truecolor", "NO_COLOR": ""])
        defer { screen.kill() }
        let styled = try waitForStyled(screen, "the status line") { $0[28].contains("reconnecting in") }
        #expect(styled[28].contains("48;2;62;68;81"), "the dark theme's status background, #3e4451: \(styled[28].debugDescription)")
    }

    @Test("TERM=xterm-direct gives 24-bit colour with or without ncurses-term; an unknown TERM is said once, in plain words")
    func directAndUnknown() throws {
        let screen = try weftScreen(["edit", offlineDocument("xterm-direct")], home: TemporaryDirectory.path("xterm-direct"), environment: ["TERM": "xterm-direct", "NO_COLOR": ""])
        defer { screen.kill() }
        let styled = try waitForStyled(screen, "the status line") { $0[28].contains("reconnecting in") }
        #expect(styled[28].contains("48;2;62;68;81"), "the dark theme's status background, #3e4451: \(styled[28].debugDescription)")
        let unknown = try weftScreen(["edit", offlineDocument("unknown")], home: TemporaryDirectory.path("unknown"), environment: ["TERM": "no-such-terminal"])
        defer { unknown.kill() }
        let rows = try unknown.waitFor(text: "[exit 3]").joined(separator: "\n")
        #expect(rows.contains("\"no-such-terminal\" is unknown"), "\(rows)")
        #expect(!rows.contains("Error opening terminal"), "ncurses's own line stays off the screen: \(rows)")
    }

    /// The styled screen once `condition` holds for it (the tmux tests' usual 30 s at most).
    private func waitForStyled(_ screen: TmuxSession, _ what: String, _ condition: ([String]) -> Bool) throws -> [String] {
        var styled: [String] = []
        try screen.waitFor(what) { _ in
            styled = (try? screen.styledScreen()) ?? []
            return styled.count > 28 && condition(styled)
        }
        return styled
    }

    @Test("TERM=dumb: weft edit refuses in plain words; weft view prints a file through")
    func dumb() throws {
        let home = TemporaryDirectory.path("dumb")
        // On a local address where nothing listens: refused before a background relay is started.
        let relays = home.appendingPathComponent("xdg-data/weft/relays")
        let editor = try weftScreen(["edit", "notes"], home: home, server: "ws://127.0.0.1:\(unusedLoopbackPort())",
                                    environment: ["TERM": "dumb", "XDG_DATA_HOME": home.appendingPathComponent("xdg-data").path])
        defer { editor.kill() }
        let rows = try editor.waitFor(text: "[exit 3]")
        #expect(rows.joined().contains("cannot move the cursor"), "\(rows)")
        #expect(!FileManager.default.fileExists(atPath: relays.path), "a relay was started for an editor that could not open")
        let file = TemporaryDirectory.path("file.txt")
        try "first\nsecond\n".write(to: file, atomically: true, encoding: .utf8)
        let pager = try weftScreen(["view", file.path], home: home, environment: ["TERM": "dumb"])
        defer { pager.kill() }
        let paged = try pager.waitFor(text: "[exit 0]")
        #expect(paged.contains("first") && paged.contains("second"), "\(paged)")
    }
}
