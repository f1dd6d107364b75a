import Foundation
import Testing
import WeftEditor
import WeftTestSupport
import WeftTestTraits

/// The real `weft edit` in tmux, against a real relay on loopback.
@Suite("weft edit in tmux", .serialized, .ownThread)
struct EditorTmuxTests {
    /// Runs `weft ARGUMENTS` to the end with `WEFT_HOME` (and `WEFT_SERVER` when given).
    private func weft(_ arguments: [String], home: URL, server: String? = nil) throws -> WeftRun.Result {
        try WeftRun(home: home, environment: server.map { ["WEFT_SERVER": $0] } ?? [:])(arguments)
    }

    private func editor(_ arguments: [String], home: URL, user: String, server: String? = nil, width: Int = 100, height: Int = 30) throws -> TmuxSession {
        var environment = ["WEFT_HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("xdg-data").path,
                           "USER": user, "TERM": "tmux-256color", "LANG": "C.UTF-8"]
        if let server { environment["WEFT_SERVER"] = server }
        return try TmuxSession([try BuiltProduct.url("weft").path, "edit"] + arguments, environment: environment, width: width, height: height)
    }

    private func columns(_ text: String) -> Int {
        text.reduce(0) { $0 + max(0, ColumnWidths.unicode($1.unicodeScalars.first!)) }
    }

    @Test("two editors on one document: typing (日本語 too) shows in the other at the right columns; resize; Ctrl-Q; cat agrees")
    func twoEditors() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/shared"
        let (homeA, homeB) = (TemporaryDirectory.path("ana"), TemporaryDirectory.path("bo"))
        let ana = try editor([document], home: homeA, user: "ana")
        let bo = try editor([document], home: homeB, user: "bo")
        defer { ana.kill(); bo.kill() }
        try ana.waitFor(text: "online")
        try bo.waitFor(text: "online")

        try ana.type("hello 日本語 wide")
        // Bo sees the text at the start of the row and Ana's name tag at the right edge: the
        // row is exactly 100 columns only if every wide glyph took the columns tmux gave it.
        let seen = try bo.waitFor("Ana's text and name") { $0.first?.hasPrefix("hello 日本語 wide") == true && $0.first?.hasSuffix("ana") == true }
        #expect(columns(seen[0]) == 100, "\(seen[0])")
        #expect(seen[28].contains("with ana"), "\(seen[28])")

        try bo.press("C-End", "Enter")
        try bo.type("bo's line")
        try ana.waitFor(text: "bo's line")
        let rows = try ana.screen()
        #expect(rows[0].hasPrefix("hello 日本語 wide"))
        #expect(rows[1].hasPrefix("bo's line"))
        // Ana's cursor stayed after "wide" while Bo typed below.
        #expect(rows[28].hasSuffix("1:15"), "\(rows[28])")

        try ana.resize(width: 60, height: 12)
        let resized = try ana.waitFor("the status line on row 11 of 12") { $0.count >= 11 && $0[10].contains("online") }
        #expect(columns(resized[10]) <= 60, "\(resized[10])")
        #expect(resized[0].hasPrefix("hello 日本語 wide"))

        try ana.press("C-q")
        try ana.waitFor(text: "[exit 0]")
        try bo.press("C-q")
        try bo.waitFor(text: "[exit 0]")
        let cat = try weft(["cat", document], home: homeA)
        #expect(cat.status == 0)
        #expect(cat.stdout == "hello 日本語 wide\nbo's line")
    }

    @Test("weft edit NAME with only $WEFT_SERVER set starts a relay itself; weft relay status and stop see it")
    func startsRelay() throws {
        let home = TemporaryDirectory.path("solo")
        let server = "ws://127.0.0.1:\(unusedLoopbackPort())"
        let session = try editor(["notes"], home: home, user: "solo", server: server)
        defer {
            session.kill()
            _ = try? weft(["relay", "stop"], home: home)
        }
        try session.waitFor(text: "online")
        try session.waitFor(text: "started a relay in the background")
        try session.type("kept")
        try session.press("C-q")
        try session.waitFor(text: "[exit 0]")
        let status = try weft(["relay", "status"], home: home)
        #expect(status.status == 0, "\(status.stdout)")
        #expect(status.stdout.contains("pid "))
        #expect(try weft(["cat", "notes"], home: home, server: server).stdout == "kept")
        let stop = try weft(["relay", "stop"], home: home)
        #expect(stop.stdout.contains("stopped the relay"))
        #expect(try weft(["relay", "status"], home: home).status == 1)
    }

    /// The relay back while the editor waits out a long backoff: a key brings the attempt forward
    /// (as mosh reconnects on a keystroke) instead of leaving the user to watch the countdown.
    @Test("a key pressed while reconnecting in many seconds connects at once to a relay that is back")
    func aKeyBringsTheReconnectForward() throws {
        let root = TemporaryDirectory.path("key-retry")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("relay")
        var relay = try RelayProcess(dataDirectory: data)
        defer { relay.kill() }
        let port = relay.port
        let server = "ws://127.0.0.1:\(port)"
        let session = try editor(["notes", "--keymap", "vim"], home: root.appendingPathComponent("home"), user: "vi", server: server)
        defer { session.kill() }
        try session.waitFor(text: "online")
        relay.kill()
        // The backoff doubles from a quarter second: wait until the next attempt is far off.
        try session.waitFor("a long backoff", timeout: .seconds(60)) { rows in
            rows.contains { row in row.range(of: #"reconnecting in (\d+)s"#, options: .regularExpression).map { Int(row[$0].dropFirst(16).dropLast()) ?? 0 } ?? 0 >= 7 }
        }
        relay = try RelayProcess(dataDirectory: data, port: port)
        try session.type("ihello")
        try session.press("Escape")
        try session.waitFor("online again well before the countdown ends", timeout: .seconds(4)) { rows in
            rows.contains { $0.contains("online") } && rows.first == "hello"
        }
        #expect(RelayProcess.waitUntil(.seconds(10)) { (try? weft(["cat", "notes"], home: root.appendingPathComponent("cat"), server: server).stdout) == "hello" })
    }

    /// A frozen relay keeps the connection open until the pings give up (10 to 20 seconds):
    /// meanwhile the status line says how long edits have waited for an answer, and goes back to
    /// `online` once the relay answers.
    @Test("edits unanswered by a frozen relay show on the status line within seconds, and go once it answers")
    func aFrozenRelayIsSaid() throws {
        let root = TemporaryDirectory.path("frozen")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        defer {
            relay.process.signal(SIGCONT)
            relay.kill()
        }
        let server = "ws://127.0.0.1:\(relay.port)"
        let session = try editor(["notes"], home: root.appendingPathComponent("home"), user: "ana", server: server)
        defer { session.kill() }
        try session.waitFor(text: "online")
        relay.process.signal(SIGSTOP)
        try session.type("typed while frozen")
        try session.waitFor("how long the edits have waited", timeout: .seconds(9)) { rows in rows.contains { $0.contains("online, no answer for") } }
        relay.process.signal(SIGCONT)
        try session.waitFor("answered, online again") { rows in
            rows.contains { $0.hasSuffix("online   1:19") || ($0.contains(" online ") && !$0.contains("no answer")) } && !rows.contains { $0.contains("no answer for") }
        }
        #expect(RelayProcess.waitUntil(.seconds(10)) { (try? weft(["cat", "notes"], home: root.appendingPathComponent("cat"), server: server).stdout) == "typed while frozen" })
    }

    @Test("quitting with unsent edits keeps them queued and says so; vim keys drive the editor")
    func quitKeepsUnsent() throws {
        let home = TemporaryDirectory.path("unsent")
        // wss on a port nothing listens on: never local enough to start a relay, never online.
        let document = "wss://127.0.0.1:\(unusedLoopbackPort())/offline"
        let session = try editor([document, "--keymap", "vim"], home: home, user: "vi")
        defer { session.kill() }
        try session.waitFor(text: "reconnecting in")
        try session.type("ihello")
        try session.press("Escape")
        try session.waitFor(text: "NORMAL")
        // Five keys make one to five batches, as they arrive together or apart.
        let shown = try session.waitFor("the unsent count") { rows in rows.contains { $0.range(of: #"↑[1-5] "#, options: .regularExpression) != nil } }
        let unsent = shown.lazy.compactMap { $0.firstMatch(of: #/↑([1-5]) /#).map { String($0.output.1) } }.first ?? "?"
        try session.type(":q")
        try session.press("Enter")
        let rows = try session.waitFor(text: "[exit 0]")
        #expect(rows.joined().contains("\(unsent) \(unsent == "1" ? "edit is" : "edits are") not on the relay yet"), "\(rows)")
        let status = try weft(["status"], home: home)
        #expect(status.stdout.contains("offline") && status.stdout.contains(unsent), "\(status.stdout)")
        let queued = try weft(["cat", document, "--offline"], home: home)
        #expect(queued.stdout == "hello", "\(queued.stdout) \(queued.stderr)")
    }
}
