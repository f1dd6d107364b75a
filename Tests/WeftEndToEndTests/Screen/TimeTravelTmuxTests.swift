import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft view DOC --at POINT` steps through the document's editing sessions with `}` and `{`,
/// the real binary against a real relay. Sessions end at pauses of over five minutes; the relay
/// stamps batches with its own clock, so the test moves the first batches an hour back in the
/// relay's store (with Python's sqlite3 module) while the relay is stopped.
@Suite("time travel in tmux", .serialized, .ownThread)
struct TimeTravelTmuxTests {
    @Test("} and { step through the sessions of a past version, each marked and named on the status line")
    func steppingThroughSessions() throws {
        let data = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: data) }
        var relay = try RelayProcess(dataDirectory: data)
        // The relay running at the end: the second one, once started.
        defer { relay.kill() }
        let port = relay.port
        let document = "ws://127.0.0.1:\(port)/diary"
        let ana = WeftRun(home: TemporaryDirectory.path("ana"), environment: ["USER": "ana"]), bo = WeftRun(home: TemporaryDirectory.path("bo"), environment: ["USER": "bo"])
        #expect(try ana(["put", document], input: "intro\nend\n").status == 0)
        #expect(try ana(["apply", document], input: #"{"pos": 6, "ins": "ana was here\n"}"# + "\n").status == 0)
        // An hour passes (moved back below); bo changes the last line, then ana the first.
        #expect(try bo(["cat", document]).status == 0)
        #expect(try bo(["apply", document], input: #"{"pos": 19, "del": 3, "ins": "END"}"# + "\n").status == 0)
        #expect(try ana(["apply", document], input: #"{"pos": 0, "del": 6, "ins": "日本 title\n"}"# + "\n").status == 0)
        relay.kill()
        let moved = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: [
            "python3", "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()",
            data.appendingPathComponent("relay.sqlite").path,
            "UPDATE log SET committed_at = committed_at - 3600000 WHERE server_seq <= 2; UPDATE history SET committed_at = committed_at - 3600000 WHERE server_seq <= 2;",
        ])
        #expect(moved.status == 0, "\(moved.stderr)")
        relay = try RelayProcess(dataDirectory: data, port: port)
        let log = try WeftRun(home: TemporaryDirectory.path("cy"))(["log", document])
        #expect(log.stdout.split(separator: "\n").count == 3, "three sessions: \(log.stdout)\(log.stderr)")

        let reader = try weftScreen(["view", document, "--at", "1"], home: TemporaryDirectory.path("cy"), user: "cy")
        defer { reader.kill() }
        try reader.waitFor("the version of batch 1") { $0[0] == "intro" && $0[1] == "end" }
        // The status line may cut the label with … (a session whose batches straddle a minute
        // names two times), so the figures are read from the message line, which has it whole.
        try reader.type("}")
        try reader.waitFor("ana's first session") { rows in
            rows[0] == "intro" && rows[1] == "ana was here" && rows[2] == "end"
                && rows[28].contains("session 1 of 3: ana? · ") && rows[29].contains("+23 -0 · seq 1–2")
        }
        try reader.type("}")
        try reader.waitFor("bo's session, the old last line shown again") { rows in
            rows[1] == "ana was here" && rows[2] == "endEND"
                && rows[28].contains("session 2 of 3: bo? · ") && rows[29].contains("+3 -3 · seq 3")
                && rows[28].hasPrefix(" diary@3 ")
        }
        // The deleted and inserted text are drawn on backgrounds of their own (the dark theme's
        // rose and leaf), the rest plainly.
        let styled = try reader.styledScreen()
        #expect(styled[2].contains("48;5;168m") && styled[2].contains("48;5;108m") && !styled[1].contains("48;"), "\(styled.prefix(3))")
        try reader.type("}")
        try reader.waitFor("ana's second session") { rows in
            rows[0] == "intro" && rows[1] == "日本 title" && rows[28].contains("session 3 of 3: ana? · ") && rows[29].contains("seq 4")
        }
        try reader.type("]c")
        try reader.waitFor("its one change") { $0[29].contains("change 1 of 1 in session 3 of 3") }
        try reader.type("}")
        try reader.waitFor("the end said") { $0[29].contains("no later session: this is the last of 3") }
        try reader.type("{")
        try reader.waitFor("back to bo's") { $0[28].contains("session 2 of 3: bo? · ") }
        try reader.type("{{")
        try reader.waitFor("back to the first") { $0[28].contains("session 1 of 3: ana? · ") && $0[29].contains("no earlier session") }
    }
}
