import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Job control and signals: the terminal is the shell's again whatever ends or stops the editor.
@Suite("signals in tmux", .serialized, .ownThread)
struct SignalsTmuxTests {
    private var weft: String { get throws { try BuiltProduct.url("weft").path } }

    private func environment(_ home: URL) -> [String: String] {
        ["WEFT_HOME": home.path, "TERM": "tmux-256color", "LANG": "C.UTF-8", "PS1": "$ ", "USER": "me",
         // A crash's backtrace is the Swift runtime's business; the test wants the terminal after it.
         "SWIFT_BACKTRACE": "enable=no"]
    }

    /// The process whose command line is `command` (`pgrep -f`).
    private func processID(of command: String) throws -> Int32? {
        let text = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/pgrep"), arguments: ["-f", "\(command)$"]).stdout
        // The shell running the command line matches too; the editor is its newest child.
        return text.split(separator: "\n").compactMap { Int32($0) }.max()
    }

    /// `stty -a`'s settings that a usable shell needs: canonical input, echo, signals, output processing.
    private func saneModes(in rows: [String]) -> Bool {
        let words = Set(rows.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init))
        return ["icanon", "echo", "isig", "icrnl", "opost", "onlcr"].allSatisfy { words.contains($0) && !words.contains("-\($0)") }
    }

    @Test("Ctrl-Z (vim) and Alt-z (default) stop the editor under a shell, which says Stopped and works; fg draws it again")
    func suspendAndResume() throws {
        let home = TemporaryDirectory.path("suspend")
        let shell = try TmuxSession(["bash", "--norc", "--noprofile", "-i"], environment: environment(home))
        defer { shell.kill() }
        try shell.waitFor("the prompt") { $0.first == "$" }
        for (keymap, suspend) in [("vim", "C-z"), ("default", "M-z")] {
            try shell.type("clear; \(try weft) edit \(offlineDocument(keymap)) --keymap \(keymap)")
            try shell.press("Enter")
            try shell.waitFor(text: "reconnecting in")
            try shell.type(keymap == "vim" ? "ihello" : "hello")
            if keymap == "vim" { try shell.press("Escape") }
            try shell.waitFor("hello typed") { $0.first == "hello" }
            try shell.press(suspend)
            var rows = try shell.waitFor(text: "Stopped")
            #expect(!rows.contains { $0.contains("reconnecting in") }, "the editor's screen is gone: \(rows)")
            try shell.type("stty -a; echo check\"ed\"")
            try shell.press("Enter")
            rows = try shell.waitFor("stty's answer") { $0.contains("checked") }
            #expect(saneModes(in: rows), "\(rows)")
            try shell.type("fg")
            try shell.press("Enter")
            rows = try shell.waitFor("the editor drawn again") { $0.first == "hello" && $0[28].contains("reconnecting in") }
            try shell.press(keymap == "vim" ? "Escape" : "C-q")
            if keymap == "vim" {
                try shell.type(":q")
                try shell.press("Enter")
            }
            try shell.waitFor(text: "queued on this machine and go out")
        }
    }

    /// A paste without bracketed paste arrives as keys, one a character, queued faster than the
    /// editor works through them: SIGTERM (and SIGHUP, the terminal closing) ends the editor at
    /// once, with what it took of them saved, not after minutes of the rest.
    @Test("SIGTERM while a long paste arrives as typed keys ends the editor at once")
    func aSignalWaitsBehindNoTypedAhead() throws {
        let document = offlineDocument("typed-ahead")
        let script = "\(try weft) edit \(document) --keymap vim; echo \"[weft $?]\""
        let screen = try TmuxSession(["sh", "-c", script], environment: environment(TemporaryDirectory.path("typed-ahead")))
        defer { screen.kill() }
        try screen.waitFor(text: "reconnecting in")
        try screen.press("i")
        try screen.paste((1...30_000).map { "line \($0)" }.joined(separator: "\n"), bracketed: false)
        try screen.waitFor("the first keys taken") { $0.first?.hasPrefix("line ") == true }
        let pid = try #require(try processID(of: "weft edit \(document) --keymap vim"))
        let sent = ContinuousClock.now
        kill(pid, SIGTERM)
        let rows = try screen.waitFor(text: "[weft", timeout: .seconds(20))
        // The terminal echoes what is still being pasted once the editor is gone: the status
        // may follow some of it on its row.
        #expect(rows.contains { $0.hasSuffix("[weft 143]") }, "\(rows)")
        #expect(ContinuousClock.now - sent < .seconds(10), "ended \(ContinuousClock.now - sent) after SIGTERM")
    }

    @Test("SIGTERM, SIGHUP, SIGQUIT and a crash (SIGSEGV) give the terminal back sane, and the exit status says which")
    func signalsRestoreTheTerminal() throws {
        for (name, number) in [("TERM", 15), ("HUP", 1), ("QUIT", 3), ("SEGV", 11)] {
            let document = offlineDocument("signal")
            let script = "\(try weft) edit \(document); echo \"[weft $?]\"; stty -a"
            let screen = try TmuxSession(["sh", "-c", script], environment: environment(TemporaryDirectory.path("signal")))
            defer { screen.kill() }
            try screen.waitFor(text: "reconnecting in")
            let pid = try #require(try processID(of: "weft edit \(document)"), "\(name)")
            kill(pid, Int32(number))
            let rows = try screen.waitFor(text: "[exit")
            #expect(rows.contains("[weft \(128 + number)]"), "\(name): \(rows)")
            #expect(saneModes(in: rows), "\(name): \(rows)")
            #expect(!rows.contains { $0.contains("reconnecting in") }, "\(name): the editor's screen is gone: \(rows)")
        }
    }
}
