import Synchronization
import Testing
import WeftCRDT
import WeftWire
@testable import WeftEditor

/// The pager stepping through a past version's editing sessions: each shown with its
/// insertions and the text it deleted marked, named on the status line, its changes visited one
/// by one.
@Suite("Time travel in the pager")
struct TimeTravelTests {
    /// Three sessions over a document longer than the screen; the second changes nothing that is left.
    static let filler = (1...9).map { "line \($0)\n" }.joined()
    static let sessions: [TimeTravel.Changes] = [
        TimeTravel.Changes(text: "one\ntwo\n" + filler, inserted: [0..<8], deleted: []),
        TimeTravel.Changes(text: "one\ntwo\n" + filler, inserted: [], deleted: []),
        TimeTravel.Changes(text: "one\ntwoTWO\n日本 three\n" + filler, inserted: [7..<10, 11..<20], deleted: [4..<7]),
    ]

    func harness(start: Int = 0, failing: Int? = nil) throws -> EditorHarness {
        var harness = try EditorHarness("one\ntwo\n", keymap: "less", width: 90, height: 8)
        harness.editor.enterPager(keymap: harness.editor.keymap)
        let stops = (1...3).map { TimeTravel.Stop(label: "author\($0) · seq \($0)", lastSeq: UInt64($0 * 10)) }
        harness.editor.beginTimeTravel(TimeTravel(stops: stops, start: start) { index in
            index == failing ? .failure(TimeTravelProblem("the history is damaged")) : .success(Self.sessions[index])
        })
        return harness
    }

    func styles(_ harness: EditorHarness, row: Int) -> [CellStyle] { harness.editor.frame().rows[row].map(\.style) }

    @Test("} and { step through the sessions from the one that made the version; the status line names it")
    func stepping() throws {
        var harness = try harness(start: 2)
        harness.editor.status.document = "notes@25"
        #expect(harness.lines[6].hasPrefix(" notes@25 "), "the version opened, before any step")
        harness.press("}")
        #expect(harness.lines[6].hasPrefix(" notes@30 "), "then the version the session left: \(harness.lines[6])")
        #expect(harness.lines[0] == "one")
        #expect(harness.lines[1] == "twoTWO", "the deleted text shown again beside what replaced it")
        #expect(harness.lines[2] == "日本 three")
        #expect(harness.lines[6].contains("session 3 of 3: author3 · seq 3"), "\(harness.lines[6])")
        #expect(harness.lines[7].contains("session 3 of 3"))
        let second = styles(harness, row: 1)
        #expect(second[0..<3].allSatisfy { $0 == .role(.deleted) } && second[3..<6].allSatisfy { $0 == .role(.inserted) })
        #expect(styles(harness, row: 0).allSatisfy { $0 == .role(.text) })
        // A wide character takes two cells, both marked.
        let third = styles(harness, row: 2)
        #expect(third[0..<4].allSatisfy { $0 == .role(.inserted) })
        harness.press("}")
        #expect(harness.lines[7].contains("no later session: this is the last of 3"))
        harness.press("{")
        #expect(harness.lines[1] == "two" && harness.lines[7].contains("session 2 of 3") && harness.lines[7].contains("left no change to show"))
        #expect(!harness.editor.frame().rows.contains { $0.contains { $0.style == .role(.inserted) || $0.style == .role(.deleted) } })
        harness.press("{")
        #expect(styles(harness, row: 0)[0..<3].allSatisfy { $0 == .role(.inserted) })
        harness.press("{")
        #expect(harness.lines[7].contains("no earlier session: this is the first of 3"))
    }

    @Test("A line broken or joined shows its line feed as a marked ⏎; a whole line's text is mark enough")
    func lineFeeds() throws {
        var harness = try EditorHarness("x\n", keymap: "less", width: 40, height: 8)
        harness.editor.enterPager(keymap: harness.editor.keymap)
        let sessions = [
            TimeTravel.Changes(text: "one\ntwo\n\nnew\nend", inserted: [3..<4, 8..<13], deleted: [7..<8]),
        ]
        harness.editor.beginTimeTravel(TimeTravel(stops: [TimeTravel.Stop(label: "ana · seq 1")], start: 0) { .success(sessions[$0]) })
        harness.press("}")
        #expect(Array(harness.lines.prefix(5)) == ["one⏎", "two⏎", "⏎", "new", "end"], "\(harness.lines)")
        #expect(styles(harness, row: 0)[3] == .role(.inserted) && styles(harness, row: 0)[0] == .role(.text))
        #expect(styles(harness, row: 1)[3] == .role(.deleted))
        #expect(styles(harness, row: 2)[0] == .role(.inserted), "an empty line inserted")
        #expect(styles(harness, row: 3)[0..<3].allSatisfy { $0 == .role(.inserted) }, "a whole line: its text, no ⏎")
    }

    @Test("]c and [c go from change to change of the session shown, round the ends")
    func changes() throws {
        var harness = try harness(start: 2)
        harness.press("] c")
        #expect(harness.lines[7].contains("no session is shown yet: } shows one"), "\(harness.lines[7])")
        harness.press("}")
        harness.press("] c")
        #expect(harness.lines[7].contains("change 1 of 2 in session 3 of 3"), "\(harness.lines[7])")
        #expect(harness.lines[0] == "twoTWO", "the change's line at the top")
        harness.press("] c")
        #expect(harness.lines[7].contains("change 2 of 2"))
        harness.press("] c")
        #expect(harness.lines[7].contains("change 1 of 2"), "round to the first")
        harness.press("[ c")
        #expect(harness.lines[7].contains("change 2 of 2"), "round to the last")
    }

    @Test("without a past version, or when a session cannot be rebuilt, the message line says so in words")
    func problems() throws {
        var plain = try EditorHarness("abc", keymap: "less", width: 120, height: 6)
        plain.editor.enterPager(keymap: plain.editor.keymap)
        plain.press("}")
        #expect(plain.lines[5].contains("no history to step through"))
        plain.press("[ c")
        #expect(plain.lines[5].contains("no session is shown"))
        var broken = try harness(start: 0, failing: 0)
        broken.press("}")
        #expect(broken.lines[7].contains("cannot show session 1 of 3: the history is damaged"))
        #expect(broken.lines[0] == "one", "the text stays")
        broken.press("A")
        #expect(broken.lines[7].contains("a past version is paged without the authors gutter"))
    }

    @Test("a step asked for while the sessions are read is taken when they arrive unless another key came first; a failed read says why and is tried again at the next step")
    func sessionsReadBesideThePager() throws {
        var harness = try EditorHarness("one\ntwo\n", keymap: "less", width: 90, height: 8)
        harness.editor.enterPager(keymap: harness.editor.keymap)
        harness.editor.status.document = "notes@25"
        harness.editor.awaitTimeTravel()
        harness.press("A")
        #expect(harness.lines[7].contains("a past version is paged without the authors gutter"), "a past version already")
        harness.press("}")
        #expect(harness.lines[7].contains("reading the document's history to step through its sessions"), "\(harness.lines[7])")
        #expect(harness.lines[0] == "one" && harness.lines[6].hasPrefix(" notes@25 "), "the version opened stays meanwhile")
        let stops = (1...3).map { TimeTravel.Stop(label: "author\($0) · seq \($0)", lastSeq: UInt64($0 * 10)) }
        harness.editor.beginTimeTravel(TimeTravel(stops: stops, start: 2) { .success(Self.sessions[$0]) })
        #expect(harness.lines[6].hasPrefix(" notes@30 "), "the step was taken: \(harness.lines[6])")
        #expect(harness.lines[7].contains("session 3 of 3: author3 · seq 3"), "\(harness.lines[7])")

        // Another key meanwhile takes over from the step waiting.
        var moved = try EditorHarness("one\ntwo\n", keymap: "less", width: 90, height: 8)
        moved.editor.enterPager(keymap: moved.editor.keymap)
        moved.editor.status.document = "notes@25"
        moved.editor.awaitTimeTravel()
        moved.press("}")
        moved.press("j")
        moved.editor.beginTimeTravel(TimeTravel(stops: stops, start: 2) { .success(Self.sessions[$0]) })
        #expect(moved.lines[6].hasPrefix(" notes@25 ") && !moved.lines[7].contains("session"), "\(moved.lines)")

        // Arriving without a step asked for shows nothing until one is.
        var quiet = try EditorHarness("one\ntwo\n", keymap: "less", width: 90, height: 8)
        quiet.editor.enterPager(keymap: quiet.editor.keymap)
        quiet.editor.awaitTimeTravel()
        quiet.editor.beginTimeTravel(TimeTravel(stops: stops, start: 0) { .success(Self.sessions[$0]) })
        #expect(!quiet.lines[7].contains("session"))
        quiet.press("}")
        #expect(quiet.lines[7].contains("session 1 of 3"))

        // Unreadable: said at once when a step is waiting, and at every step after.
        var failing = try EditorHarness("one\ntwo\n", keymap: "less", width: 120, height: 8)
        failing.editor.enterPager(keymap: failing.editor.keymap)
        failing.editor.awaitTimeTravel()
        failing.press("{")
        failing.editor.timeTravelUnavailable("the relay cannot read this document's history now; try again later")
        #expect(failing.lines[7].contains("cannot step through this document's sessions: the relay cannot read"), "\(failing.lines[7])")
        #expect(failing.lines[0] == "one")
        // The next step asks for them again, and is taken when they come.
        _ = failing.editor.takeTerminalRequests()
        failing.press("}")
        #expect(failing.lines[7].contains("reading the document's history again"), "\(failing.lines[7])")
        #expect(failing.editor.takeTerminalRequests() == [.readPastSessions])
        failing.editor.beginTimeTravel(TimeTravel(stops: stops, start: 1) { .success(Self.sessions[$0]) })
        #expect(failing.lines[7].contains("session 2 of 3"), "\(failing.lines[7])")
    }

    @Test("a session label longer than the status line is cut, and the position stays on the right")
    func longLabelsKeepThePosition() throws {
        var harness = try EditorHarness("one\ntwo\n", keymap: "less", width: 80, height: 8)
        harness.editor.enterPager(keymap: harness.editor.keymap)
        harness.editor.status.document = "notes@25"
        let label = "someone with a long name · 2026-12-03 09:27–11:40Z · +16000 -14000 · seq 3–9000"
        harness.editor.beginTimeTravel(TimeTravel(stops: [TimeTravel.Stop(label: label, lastSeq: 30)], start: 0) { _ in .success(Self.sessions[0]) })
        harness.press("}")
        // The status line, moved up when the message below it takes two rows.
        let status = harness.lines.first { $0.hasPrefix(" ") && $0.contains("[read-only]") } ?? ""
        #expect(status.contains("session 1 of 1: someone") && status.contains("…"), "\(harness.lines)")
        #expect(status.hasSuffix("%") || status.hasSuffix("END"), "the position is kept: \(status)")
    }

    @Test("stepping back and forth rebuilds each session once")
    func rebuiltOnce() throws {
        let calls = Mutex<[Int]>([])
        var harness = try EditorHarness("one\ntwo\n", keymap: "less", width: 90, height: 8)
        harness.editor.enterPager(keymap: harness.editor.keymap)
        let stops = (1...3).map { TimeTravel.Stop(label: "author\($0)") }
        harness.editor.beginTimeTravel(TimeTravel(stops: stops, start: 0) { index in
            calls.withLock { $0.append(index) }
            return .success(Self.sessions[index])
        })
        harness.press("} } } { { } }")
        #expect(calls.withLock { $0 } == [0, 1, 2])
        #expect(harness.lines[6].contains("session 3 of 3"))
    }

    @Test("search, the filter and line numbers work on the text shown")
    func searchOnTheShownText() throws {
        var harness = try harness(start: 2)
        harness.press("}")
        harness.type("/three\n")
        #expect(harness.lines[0].hasPrefix("日本 three"))
        harness.press("- N")
        #expect(harness.lines[0].contains("3 日本 three"))
    }
}
