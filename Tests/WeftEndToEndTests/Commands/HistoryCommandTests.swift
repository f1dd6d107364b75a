import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft blame`, `weft log`, `weft diff` and `weft view --at` as processes, on a history two people
/// made with `weft apply` through a real relay: with SQLite, after compaction, and on PostgreSQL.
@Suite(.serialized, .ownThread) struct HistoryCommandTests {
    /// The scripted history: ana types two lines, bo adds a third, ana changes the second.
    /// Returns a run for reading (a third home).
    func script(relay: RelayProcess, root: URL) throws -> WeftRun {
        let server = ["WEFT_SERVER": "ws://127.0.0.1:\(relay.port)"]
        let ana = WeftRun(home: root.appendingPathComponent("ana"), environment: server.merging(["USER": "ana"]) { $1 })
        let bo = WeftRun(home: root.appendingPathComponent("bo"), environment: server.merging(["USER": "bo"]) { $1 })
        for (step, (run, edit)) in [(ana, #"{"pos": 0, "ins": "one\ntwo\n"}"#), (bo, #"{"pos": 8, "ins": "three\n"}"#),
                                    (ana, #"{"pos": 4, "del": 3, "ins": "TWO"}"#)].enumerated() {
            // Before anyone typed, there is no document to read (5); then there is.
            #expect(try run(["cat", "notes"]).status == (step == 0 ? 5 : 0))
            let applied = try run(["apply", "notes"], input: edit + "\n")
            #expect(applied.status == 0, "\(applied.stderr)")
        }
        return WeftRun(home: root.appendingPathComponent("reader"), environment: server.merging(["USER": "reader"]) { $1 })
    }

    /// Porcelain without its time lines (times are the relay's clock).
    func withoutTimes(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("time ") }.joined(separator: "\n")
    }

    func checkCommands(_ reader: WeftRun) throws {
        let blame = try reader(["blame", "notes", "--porcelain"])
        #expect(blame.status == 0, "\(blame.stderr)")
        #expect(withoutTimes(blame.stdout) == """
            1 1
            author ana
            verified no
            \tone
            3 2
            author ana
            verified no
            \tTWO
            2 3
            author bo
            verified no
            \tthree

            """)
        #expect(blame.stdout.split(separator: "\n").filter { $0.hasPrefix("time ") }.count == 3)
        let human = try reader(["blame", "notes"]).stdout.split(separator: "\n")
        #expect(human.count == 3 && human[1].hasPrefix("3 (ana?") && human[1].hasSuffix(" 2) TWO") && human[2].hasPrefix("2 (bo? "))

        let chars = try reader(["blame", "notes", "--chars"]).stdout.split(separator: "\n").map { line in
            // START-END SEQ AUTHOR DATE TIME TEXT: drop the date and time.
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            return (fields[0...2] + fields[5...]).joined(separator: " ")
        }
        #expect(chars == ["0-8 3 ana? one\\nTWO\\n", "8-14 2 bo? three\\n"])

        let log = try reader(["log", "notes"])
        #expect(log.status == 0, "\(log.stderr)")
        let sessions = log.stdout.split(separator: "\n")
        #expect(sessions.count == 2)
        #expect(sessions.first?.hasSuffix("  ana?  +11 -3  seq 1–3  \"one two TWO\"") == true, "\(log.stdout)")
        #expect(sessions.last?.hasSuffix("  bo?  +6 -0  seq 2  \"three\"") == true, "\(log.stdout)")
        #expect(try reader(["log", "notes", "--author", "bo", "--since", "1h"]).stdout.split(separator: "\n").count == 1)
        // --since takes what --at takes: a sequence (sessions with a batch after it), a time.
        let afterTwo = try reader(["log", "notes", "--since", "2"]).stdout.split(separator: "\n")
        #expect(afterTwo.count == 1 && afterTwo.first?.contains("ana?") == true, "\(afterTwo)")
        #expect(try reader(["log", "notes", "--since", "2000-01-01"]).stdout.split(separator: "\n").count == 2)
        #expect(try reader(["log", "notes", "--since", "3"]).stdout.isEmpty)
        let pastTheEnd = try reader(["log", "notes", "--since", "4"])
        #expect(pastTheEnd.status == 2 && pastTheEnd.stdout.isEmpty && pastTheEnd.stderr.contains("the history of notes ends at batch 3; --since 4 is past it"), "\(pastTheEnd.stderr)")

        let diff = try reader(["diff", "notes", "--since", "1"])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout == """
            --- notes@1
            +++ notes@3
            @@ -1,2 +1,3 @@
             one
            -two
            +TWO
            +three

            """)
        for (seq, text) in [(0, ""), (1, "one\ntwo\n"), (2, "one\ntwo\nthree\n"), (3, "one\nTWO\nthree\n")] {
            let view = try reader(["view", "notes", "--at", "\(seq)"])
            #expect(view.status == 0, "\(view.stderr)")
            #expect(view.stdout == text, "--at \(seq)")
        }
        #expect(try reader(["view", "notes", "--at", "1h"]).stdout == "", "before the first batch")
        // The next whole minute (less than a minute ahead, so not refused) is after every batch.
        let nextMinute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.up) * 60)
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        let atNextMinute = try reader(["view", "notes", "--at", String(format.string(from: nextMinute).prefix(16))])
        #expect(atNextMinute.stdout == "one\nTWO\nthree\n", "\(atNextMinute.stderr)")
    }

    @Test(arguments: [[], ["--compact-every", "1", "--compact-keep", "0"]])
    func historyCommandsOnSQLite(_ relayArguments: [String]) throws {
        let root = TemporaryDirectory.path("history")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"), extraArguments: relayArguments)
        try checkCommands(try script(relay: relay, root: root))
    }

    @Test func historyCommandsOnPostgreSQLAfterCompaction() async throws {
        let cluster = try await offCooperativePool { try PostgresCluster() }
        let root = TemporaryDirectory.path("history-pg")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"),
                                     extraArguments: ["--store", cluster.url(), "--compact-every", "1", "--compact-keep", "0"])
        try checkCommands(try script(relay: relay, root: root))
    }

    /// A restore is a new batch by whoever restores: everyone gets it, history shows it, and the
    /// sequence it prints takes it back.
    @Test func restoreMakesAPastVersionAgainAsANewBatchThatCanBeRestoredAway() throws {
        let root = TemporaryDirectory.path("restore")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let reader = try script(relay: relay, root: root)

        let restored = try reader(["restore", "notes", "--at", "1"])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout == "notes is as batch 1 left it; to go back: weft restore notes --at 3\n")
        let other = WeftRun(home: root.appendingPathComponent("other"), environment: ["WEFT_SERVER": "ws://127.0.0.1:\(relay.port)"])
        #expect(try other(["cat", "notes"]).stdout == "one\ntwo\n", "everyone reads the restored text")
        let blame = try reader(["blame", "notes"]).stdout.split(separator: "\n")
        #expect(blame.count == 2 && blame[0].hasPrefix("1 (ana?") && blame[1].hasPrefix("4 (reader?"), "\(blame)")
        #expect(try reader(["log", "notes"]).stdout.split(separator: "\n").first?.contains("reader?") == true)

        let back = try reader(["restore", "notes", "--at", "3"])
        #expect(back.status == 0 && back.stdout.hasSuffix("--at 4\n"), "\(back.stdout)\(back.stderr)")
        #expect(try other(["cat", "notes"]).stdout == "one\nTWO\nthree\n")
        // Only the lines that differ were changed: the first keeps its author through both restores.
        let kept = try reader(["blame", "notes"]).stdout.split(separator: "\n")
        #expect(kept.count == 3 && kept[0].hasPrefix("1 (ana?") && kept[1].hasPrefix("5 (reader?"), "\(kept)")
        let again = try reader(["restore", "notes", "--at", "5"])
        #expect(again.status == 0 && again.stdout == "notes already is as batch 5 left it; nothing changed\n", "\(again.stdout)")

        // Points outside the history, and names without one, change nothing and say why.
        let past = try reader(["restore", "notes", "--at", "99"])
        #expect(past.status == 2 && past.stderr.contains("ends at batch 5"), "\(past.stdout)\(past.stderr)")
        let before = try reader(["restore", "notes", "--at", "2h"])
        #expect(before.status == 2 && before.stderr.contains("had no text yet"), "\(before.stderr)")
        let typo = try reader(["restore", "ntoes", "--at", "1"])
        #expect(typo.status == 2 && typo.stderr.contains("no history"), "\(typo.stderr)")
        #expect(try other(["cat", "notes"]).stdout == "one\nTWO\nthree\n")
        // The same for every history command: a typo or a point outside is never an empty answer.
        for arguments in [["log", "ntoes"], ["blame", "ntoes"], ["diff", "ntoes", "--since", "1"], ["view", "ntoes", "--at", "1"]] {
            let run = try reader(arguments)
            #expect(run.status == 2 && run.stdout.isEmpty && run.stderr.contains("ntoes has no history (is the name right?)"), "\(arguments): \(run.stderr)")
        }
        // A document made empty has no history yet, and is no typo: blame and log print nothing.
        #expect(try other(["put", "empty"], input: "").status == 0)
        for arguments in [["log", "empty"], ["blame", "empty"]] {
            let run = try reader(arguments)
            #expect(run.status == 0 && run.stdout.isEmpty && run.stderr.isEmpty, "\(arguments): \(run.stderr)")
        }
        let emptyPast = try reader(["diff", "empty", "--since", "1"])
        #expect(emptyPast.status == 2 && emptyPast.stderr.contains("the history of empty has no batch yet (the document is empty); --since 1 is past it"), "\(emptyPast.stderr)")
        let viewPast = try reader(["view", "notes", "--at", "99"])
        #expect(viewPast.status == 2 && viewPast.stderr.contains("the history of notes ends at batch 5; --at 99 is past it"), "\(viewPast.stderr)")
        let diffPast = try reader(["diff", "notes", "--since", "6"])
        #expect(diffPast.status == 2 && diffPast.stderr.contains("--since 6 is past it"), "\(diffPast.stderr)")
        let viewBefore = try reader(["view", "notes", "--at", "2h"])
        #expect(viewBefore.status == 2 && viewBefore.stderr.contains("had no text yet at that point"), "\(viewBefore.stderr)")
        #expect(try reader(["view", "notes", "--at", "5"]).stdout == "one\nTWO\nthree\n", "the last batch is inside")
        // A time ahead of the clock (a typo, or a local time read as UTC) is refused, as is a
        // point that is none, in words rather than the argument parser's.
        for arguments in [["view", "notes", "--at", "2099-01-01T10:00"], ["diff", "notes", "--since", "2099-01-01"], ["log", "notes", "--since", "2099-01-01"], ["restore", "notes", "--at", "2099-01-01"]] {
            let future = try reader(arguments)
            #expect(future.status == 2 && future.stdout.isEmpty && future.stderr.contains("2099-01-01 \(arguments[0] == "view" ? "10" : "00"):00Z is in the future: it is 20") && future.stderr.contains("(times are UTC)"), "\(arguments): \(future.stderr)")
        }
        let minus = try reader(["view", "notes", "--at", "-5"])
        #expect(minus.status != 0 && minus.stderr.contains("-5 is not a point of the history: sequences count up from 1, and a while ago is written without a minus (5)") && !minus.stderr.contains("Missing value"), "\(minus.stderr)")
        let word = try reader(["diff", "notes", "--since", "yesterday"])
        #expect(word.status != 0 && word.stderr.contains("\"yesterday\" is not a point of the history: give a sequence (120), a while ago (90s, 30m, 2h, 7d) or a UTC time"), "\(word.stderr)")
        let file = try reader(["view", "/etc/hostname", "--at", "1"])
        #expect(file.status != 0 && file.stderr.contains("--at pages a shared document as it was; /etc/hostname is a file, and weft keeps no history of files"), "\(file.stderr)")
        #expect(try other(["cat", "notes"]).stdout == "one\nTWO\nthree\n", "nothing refused changed the document")
    }
}
