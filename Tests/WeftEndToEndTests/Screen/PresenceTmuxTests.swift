import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Who is in a document shows as soon as they open it, by name.
@Suite("presence in tmux", .serialized, .ownThread)
struct PresenceTmuxTests {
    @Test("two people open a document and each sees the other's name at once, before pressing a key")
    func presenceOnArrival() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/meeting"
        let ana = try weftScreen(["edit", document], home: TemporaryDirectory.path("ana"), user: "ana")
        defer { ana.kill() }
        try ana.waitFor(text: "online")
        let bo = try weftScreen(["view", document], home: TemporaryDirectory.path("bo"), user: "bo")
        defer { bo.kill() }
        try bo.waitFor("ana on Bo's status line", timeout: .seconds(5)) { $0[28].contains("with ana") }
        try ana.waitFor("bo on Ana's status line", timeout: .seconds(5)) { $0[28].contains("with bo") }
    }

    /// Ana opens a document, leaves; Bo adds to it; Ana opens it again: Bo's text is marked and
    /// said, `]c` goes to it, another key clears the marks.
    @Test("what others added while you were away is marked on opening, and ]c goes to it")
    func changedWhileAway() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/report"
        let anaHome = TemporaryDirectory.path("ana"), boHome = TemporaryDirectory.path("bo")
        #expect(try WeftRun(home: anaHome)(["put", document], input: "intro\nend\n").status == 0)
        let bo = WeftRun(home: boHome, environment: ["USER": "bo"])
        #expect(try bo(["cat", document]).status == 0)
        #expect(try bo(["apply", document], input: #"{"pos": 6, "ins": "from bo\n"}"# + "\n").status == 0)

        let ana = try weftScreen(["edit", "--keymap", "vim", document], home: anaHome, user: "ana")
        defer { ana.kill() }
        try ana.waitFor("the message about what changed") { $0[29].contains("while you were away: 8 characters added by") }
        // The added line is drawn in the theme's `changed` style (dark: underlined); the rest is not.
        let styled = try ana.styledScreen()
        #expect(styled[1].contains("\u{1B}[4m") && !styled[0].contains("\u{1B}[4m"), "\(styled.prefix(3))")
        try ana.type("]c")
        try ana.waitFor("the cursor on the change") { $0[28].hasSuffix("2:1") && $0[29].contains("change 1 of 1") }
        try ana.type("l")
        try ana.waitFor("the marks cleared") { _ in !((try? ana.styledScreen())?[1].contains("\u{1B}[4m") ?? true) }
    }

    /// Ana writes two lines, Bo one between them; the pager's `A` reads the history and shows
    /// beside each line who last changed it, and `A` again hides it.
    @Test("A in the pager shows who wrote each line, read from the relay's history")
    func authorsGutter() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/minutes"
        let ana = WeftRun(home: TemporaryDirectory.path("ana"), environment: ["USER": "ana"]), bo = WeftRun(home: TemporaryDirectory.path("bo"), environment: ["USER": "bo"])
        #expect(try ana(["put", document], input: "intro\nend\n").status == 0)
        #expect(try bo(["cat", document]).status == 0)
        #expect(try bo(["apply", document], input: #"{"pos": 6, "ins": "from bo\n"}"# + "\n").status == 0)

        let reader = try weftScreen(["view", document], home: TemporaryDirectory.path("cy"), user: "cy")
        defer { reader.kill() }
        try reader.waitFor(text: "online")
        try reader.type("A")
        try reader.waitFor("the authors gutter") { rows in
            rows[0].hasPrefix("ana ") && rows[0].hasSuffix(" intro") && rows[1].hasPrefix("bo ") && rows[1].hasSuffix(" from bo")
                && rows[2].hasPrefix("ana ") && rows[2].hasSuffix(" end")
        }
        try reader.type("A")
        try reader.waitFor("the gutter hidden") { $0[0] == "intro" && $0[1] == "from bo" }
    }

    /// The message saying the relay cannot be reached goes when it answers again, so it never
    /// stands beside "online".
    @Test("the relay stopped and started again: the message says it is gone, then that it answers")
    func troubleMessageGoesWhenTheRelayIsBack() throws {
        let data = TemporaryDirectory.path("relay")
        var relay = try RelayProcess(dataDirectory: data)
        let port = relay.port
        let ana = try weftScreen(["edit", "ws://127.0.0.1:\(port)/standup"], home: TemporaryDirectory.path("ana"), user: "ana")
        defer { ana.kill() }
        try ana.waitFor(text: "online")
        relay.kill()
        try ana.waitFor("the trouble said", timeout: .seconds(30)) { $0[29].contains("nothing answers") }
        relay = try RelayProcess(dataDirectory: data, port: port)
        defer { relay.kill() }
        try ana.waitFor("the relay back", timeout: .seconds(60)) { $0[29].contains("the relay answers again") && $0[28].contains("online") }
    }
}
