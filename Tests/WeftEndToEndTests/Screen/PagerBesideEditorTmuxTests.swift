import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// A pager pane beside an editing pane in one home: an ordinary tmux layout.
@Suite("weft view beside weft edit and weft apply", .serialized, .ownThread)
struct PagerBesideEditorTmuxTests {
    @Test("with weft view open, weft apply and weft edit in the same home work, and the pager shows their edits live")
    func pagerTakesNoLock() throws {
        let relayData = TemporaryDirectory.path("relay")
        let relay = try RelayProcess(dataDirectory: relayData)
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/together"
        let home = TemporaryDirectory.path("home")
        let run = WeftRun(home: home)
        #expect(try run(["apply", document], input: "{\"pos\": 0, \"ins\": \"first line\"}\n").status == 0)

        let pager = try weftScreen(["view", document], home: home)
        defer { pager.kill() }
        try pager.waitFor("the document, online") { $0.first == "first line" && $0[28].contains("online") }
        let applied = try run(["apply", document], input: "{\"pos\": 10, \"ins\": \"\\nadded by apply\"}\n")
        #expect(applied.status == 0, "\(applied.stderr)")
        try pager.waitFor("the applied line, live") { $0.count > 1 && $0[1].hasPrefix("added by apply") }

        let editor = try weftScreen(["edit", document], home: home)
        defer { editor.kill() }
        // The pager's place shows as a cursor, its reader's name at the row's end.
        try editor.waitFor("the editor, online") { $0.first?.hasPrefix("first line") == true && $0[28].contains("online") }
        try editor.press("C-End", "Enter")
        try editor.type("typed in the editor")
        try pager.waitFor("the editor's line, live") { $0.count > 2 && $0[2].hasPrefix("typed in the editor") }
        try editor.press("C-q")
        try editor.waitFor(text: "[exit 0]")
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")

        relay.kill()
    }

    @Test("the pager opens at once from this machine's cache, with the relay out of reach")
    func pagerOpensFromTheCache() throws {
        let home = TemporaryDirectory.path("offline")
        let document = offlineDocument("kept")
        let editor = try weftScreen(["edit", document], home: home)
        defer { editor.kill() }
        try editor.waitFor(text: "reconnecting in")
        try editor.type("written offline")
        try editor.press("C-q")
        try editor.waitFor(text: "[exit 0]")
        let pager = try weftScreen(["view", document], home: home)
        defer { pager.kill() }
        try pager.waitFor("the cached text, reconnecting") { $0.first == "written offline" && $0[28].contains("reconnecting") }
    }
}
