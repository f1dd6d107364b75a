import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// `weft edit` in tmux where the data path meets the editor: big pastes, and the background
/// relay going away under open editors and coming back from another home.
@Suite("weft edit data path in tmux", .serialized, .ownThread)
struct DataPathTmuxTests {
    /// An editor for `home`; `xdgData` is where background relays keep their data (one place for
    /// every home of the same user).
    private func editor(_ arguments: [String], home: URL, xdgData: URL, user: String, server: String? = nil) throws -> TmuxSession {
        var environment = ["WEFT_HOME": home.path, "XDG_DATA_HOME": xdgData.path, "USER": user, "TERM": "tmux-256color", "LANG": "C.UTF-8"]
        if let server { environment["WEFT_SERVER"] = server }
        return try TmuxSession([try BuiltProduct.url("weft").path, "edit"] + arguments, environment: environment)
    }

    private func weft(_ arguments: [String], home: URL, xdgData: URL, server: String? = nil) throws -> WeftRun.Result {
        var environment = ["XDG_DATA_HOME": xdgData.path]
        if let server { environment["WEFT_SERVER"] = server }
        return try WeftRun(home: home, environment: environment)(arguments)
    }

    /// Two editors in two homes on the background relay: it is stopped under them and they start
    /// it again themselves, with everything still there (no reset, nothing set aside); stopped
    /// again, it is started from a third home and still has the document.
    @Test("the background relay stopped under two editors comes back, from any home, with every document")
    func backgroundRelayComesBack() throws {
        let xdg = TemporaryDirectory.path("xdg")
        let server = "ws://127.0.0.1:\(unusedLoopbackPort())"
        let (homeA, homeB, homeC) = (TemporaryDirectory.path("ana"), TemporaryDirectory.path("bo"), TemporaryDirectory.path("cy"))
        defer { _ = try? weft(["relay", "stop"], home: homeA, xdgData: xdg) }
        let ana = try editor(["notes"], home: homeA, xdgData: xdg, user: "ana", server: server)
        defer { ana.kill() }
        try ana.waitFor(text: "online")
        try ana.type("from ana")
        let bo = try editor(["notes"], home: homeB, xdgData: xdg, user: "bo", server: server)
        defer { bo.kill() }
        try bo.waitFor(text: "from ana")

        let port = server.split(separator: ":").last!
        let pidFile = xdg.appendingPathComponent("weft/relays/127.0.0.1-\(port)/relay.pid")
        let pid = try String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stop = try weft(["relay", "stop"], home: homeC, xdgData: xdg)
        #expect(stop.stdout.contains("stopped the relay"), "\(stop.stdout)")
        // Gone for good, not left a zombie of the editor that started it (which `stop` waited on).
        let deadline = ContinuousClock.now + .seconds(10)
        while FileManager.default.fileExists(atPath: "/proc/\(pid)"), ContinuousClock.now < deadline { usleep(20_000) }
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)"), "relay \(pid) is still in the process table")
        // Whichever editor notices first starts it; the other finds it listening.
        try ana.waitFor("a relay started again", timeout: .seconds(40)) { _ in
            try! (ana.screen() + bo.screen()).contains { $0.contains("started it again") }
        }
        try bo.waitFor("bo online again") { $0.last { !$0.isEmpty }?.contains("reset") == false && $0.contains { $0.contains("online") } }
        try bo.type("bo: ")
        try ana.waitFor(text: "bo: from ana")
        for screen in [try ana.screen(), try bo.screen()] {
            #expect(!screen.joined().contains("was reset") && !screen.joined().contains("recovered-"), "\(screen.joined(separator: "\n"))")
        }
        try ana.press("C-q")
        try ana.waitFor(text: "[exit 0]")
        try bo.press("C-q")
        try bo.waitFor(text: "[exit 0]")

        #expect(try weft(["relay", "stop"], home: homeA, xdgData: xdg).stdout.contains("stopped the relay"))
        let cy = try editor(["notes"], home: homeC, xdgData: xdg, user: "cy", server: server)
        defer { cy.kill() }
        try cy.waitFor(text: "started a relay in the background")
        try cy.waitFor(text: "bo: from ana")
        try cy.press("C-q")
        try cy.waitFor(text: "[exit 0]")
    }

    /// A paste without bracketed paste arrives as keys, a character each: what the editor takes
    /// of them between two frames goes to the relay as one batch, so the paste reaches it about
    /// as fast as it shows (as one batch a character, 3,000 lines took over a minute).
    @Test("a paste arriving as keys reaches the relay in a batch a frame, not a batch a character")
    func typedAheadPasteIsBatched() throws {
        let root = TemporaryDirectory.path("keys-paste")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/keys"
        let xdg = root.appendingPathComponent("xdg")
        let ana = try editor([url, "--keymap", "vim"], home: root.appendingPathComponent("ana"), xdgData: xdg, user: "ana")
        defer { ana.kill() }
        try ana.waitFor(text: "online")
        try ana.press("i")
        let pasted = (1...3_000).map { "line \($0)" }.joined(separator: "\n")
        try ana.paste(pasted, bracketed: false)
        try ana.waitFor("the paste in and sent", timeout: .seconds(120)) { rows in
            rows.contains { $0.hasPrefix("line 3000") } && rows.contains { $0.contains(" online ") } && !rows.contains { $0.contains("↑") }
        }
        let seen = try weft(["cat", url], home: root.appendingPathComponent("reader"), xdgData: xdg)
        #expect(seen.stdout == pasted, "the relay has \(seen.stdout.utf8.count) of \(pasted.utf8.count) bytes")
        let answer = try #require(relay.history(of: "keys"))
        let page = try HistoryPage(decoding: answer.body)
        #expect(!page.more && page.entries.count < 1_000, "\(page.entries.count) batches for \(pasted.unicodeScalars.count) characters")
    }

    /// The same paste in the default keymap, where Enter ends a typing burst: Ctrl-Z takes it
    /// back in one step, as it does a bracketed paste (a step a line was 2,000 presses, and more
    /// lines than undo keeps), and Ctrl-Y types it again.
    @Test("a paste arriving as keys undoes in one step in the default keymap")
    func typedAheadPasteUndoesAsOne() throws {
        let root = TemporaryDirectory.path("keys-undo")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = "wss://127.0.0.1:\(unusedLoopbackPort())/keys-undo"
        let ana = try editor([url], home: root.appendingPathComponent("ana"), xdgData: root.appendingPathComponent("xdg"), user: "ana")
        defer { ana.kill() }
        try ana.waitFor(text: "reconnecting in")
        try ana.paste((1...2_000).map { "line \($0)" }.joined(separator: "\n"), bracketed: false)
        try ana.waitFor("the paste in", timeout: .seconds(120)) { $0.contains { $0.hasPrefix("line 2000") } }
        try ana.press("C-z")
        try ana.waitFor("the whole paste taken back") { rows in rows[0].isEmpty && !rows.contains { $0.hasPrefix("line ") } }
        try ana.press("C-y")
        try ana.waitFor("the paste again") { $0.contains { $0.hasPrefix("line 2000") } }
    }

    /// A 2 MB bracketed paste is one edit, cut into batches the relay takes: it reaches a second
    /// editor whole, and so does what is typed after it.
    @Test("a 2 MB paste reaches a second editor, and the text typed after it")
    func aBigPasteReachesTheOthers() throws {
        let root = TemporaryDirectory.path("paste")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/big"
        let xdg = root.appendingPathComponent("xdg")
        let (homeA, homeB) = (root.appendingPathComponent("ana"), root.appendingPathComponent("bo"))
        let ana = try editor([url], home: homeA, xdgData: xdg, user: "ana")
        let bo = try editor([url], home: homeB, xdgData: xdg, user: "bo")
        defer { ana.kill(); bo.kill() }
        try ana.waitFor(text: "online")
        try bo.waitFor(text: "online")
        let lines = (0..<40_000).map { "pasted line \($0): the quick brown fox jumps over 日本語\n" }
        let pasted = lines.joined()
        #expect(pasted.utf8.count > 2_000_000)
        try ana.paste(pasted)
        try ana.waitFor("the paste in and sent", timeout: .seconds(120)) { rows in
            rows.contains { $0.contains("40001:1") } && !rows.contains { $0.contains("↑") }
        }
        try ana.type("TAIL")
        try bo.waitFor(text: "pasted line 0: the quick", timeout: .seconds(120))
        try ana.press("C-q")
        try ana.waitFor(text: "[exit 0]")
        // Bo's cursor stays on its character as the paste arrives: go to the end until it is there.
        try bo.waitFor("the end of the paste, and TAIL, at bo's", timeout: .seconds(120)) { rows in
            if rows.contains(where: { $0.hasPrefix("pasted line 39999:") }), rows.contains(where: { $0.hasPrefix("TAIL") }) { return true }
            try? bo.press("C-End")
            return false
        }
        try bo.press("C-q")
        try bo.waitFor(text: "[exit 0]")
        let seen = try weft(["cat", "--offline", url], home: homeB, xdgData: xdg)
        #expect(seen.stdout == pasted + "TAIL", "bo's copy has \(seen.stdout.utf8.count) bytes")
    }
}
