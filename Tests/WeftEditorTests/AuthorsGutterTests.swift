import Testing
import WeftCRDT
import WeftWire
@testable import WeftEditor

/// The authors gutter: asked for with a key, drawn from the history the app hands over, each
/// line named after the newest of its characters' authors, with its age and colour; text typed
/// since is the user's own, "now"; the same key hides it; a file has none.
@Suite("Authors gutter")
struct AuthorsGutterTests {
    static let readAt: UInt64 = 1_800_000_000_000

    /// "first line\n" (ids 0–10 of replica 1) by ana three hours before the read, "second line"
    /// (ids 11–21) by bo two days before.
    @Sendable static func anaAndBo(_ id: CharID) -> (author: Authorship.Author, run: UInt32)? {
        guard id.replica == ReplicaID(1) else { return nil }
        if id.counter < 11 { return (Authorship.Author(name: "ana", time: readAt - 3 * 3_600_000, order: 1), 11 - id.counter) }
        if id.counter < 22 { return (Authorship.Author(name: "bo", time: readAt - 2 * 86_400_000, order: 2), 22 - id.counter) }
        return nil
    }
    static let history = Authorship(readAt: readAt, replicaNames: [:], authors: ["ana", "bo"], lookup: anaAndBo)

    /// An editor on a document `text`, the gutter asked for (and, given `authorship`, shown).
    static func asked(_ text: String = "first line\nsecond line", width: Int = 60, authorship: Authorship? = history) throws -> EditorHarness {
        var harness = try EditorHarness(text, width: width)
        harness.editor.hasDocumentHistory = true
        harness.press("Alt-b")
        _ = harness.editor.takeTerminalRequests()
        if let authorship { harness.editor.showAuthors(authorship) }
        return harness
    }

    @Test("Alt-b asks for the history, shows who last changed each line and when, and hides it again")
    func showsAndHides() throws {
        var harness = try EditorHarness("first line\nsecond line", width: 60)
        harness.press("Alt-b")
        #expect(harness.lines.contains { $0.contains("a file has no authors") }, "\(harness.lines)")
        #expect(harness.editor.takeTerminalRequests().isEmpty)

        harness.editor.hasDocumentHistory = true
        harness.press("Alt-b")
        #expect(harness.editor.takeTerminalRequests() == [.readAuthors])
        harness.editor.showAuthors(Self.history)
        #expect(harness.lines[0] == "ana        3h   first line", "\(harness.lines)")
        #expect(harness.lines[1] == "bo         2d   second line")
        let frame = harness.editor.frame()
        #expect(frame.rows[0][0].style == .peerLabel(Authorship.palette[0]) && frame.rows[1][0].style == .peerLabel(Authorship.palette[1]),
                "the first authors get the first colours, all different")

        // Typed now, by this user: the newest on its line.
        harness.press("Down")
        harness.press("End")
        harness.type("!")
        #expect(harness.lines[1] == "me         now  second line!", "\(harness.lines)")
        #expect(harness.lines[0].hasPrefix("ana        3h"))

        harness.press("Alt-b")
        #expect(harness.lines[0] == "first line" && harness.lines[1] == "second line!")
        harness.editor.showAuthors(Self.history)
        #expect(harness.lines[0] == "first line", "a history arriving after the gutter was hidden is not shown")
    }

    @Test("a narrow window gets a narrow gutter, and one too narrow none")
    func narrowWindows() throws {
        var harness = try Self.asked(width: 30)
        #expect(harness.lines[0] == "ana  3h   first line", "\(harness.lines)")
        harness.editor.resize(width: 20, height: 8)
        #expect(harness.lines[0] == "first line", "\(harness.lines)")
    }

    @Test("text from a writer the history does not name has the history read again, once")
    func newWriters() throws {
        var harness = try Self.asked()
        var ivy = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(9))
        try harness.editor.applyRemote([ivy.insert("ivy: ", at: 0)!])
        #expect(harness.lines[0].hasPrefix("someone    now  ivy: first line"), "\(harness.lines)")
        #expect(harness.editor.takeTerminalRequests() == [.readAuthors])
        harness.editor.showAuthors(Authorship(readAt: Self.readAt, replicaNames: [ReplicaID(9): "ivy"], authors: ["ana", "bo", "ivy"]) { id in
            id.replica == ReplicaID(9) ? (Authorship.Author(name: "ivy", time: Self.readAt, order: 3), 5 - id.counter) : Self.anaAndBo(id)
        })
        #expect(harness.lines[0].hasPrefix("ivy        now  ivy: first line"), "\(harness.lines)")
        try harness.editor.applyRemote([ivy.insert("!", at: 5)!])
        #expect(harness.editor.takeTerminalRequests().isEmpty, "a known writer asks for nothing")
    }

    @Test("a name is cut to ten columns, wide characters counted as two")
    func wideNames() throws {
        let wide = Authorship(readAt: Self.readAt, replicaNames: [:]) { _ in
            (Authorship.Author(name: "日本語の名前さん", time: Self.readAt - 3 * 3_600_000, order: 1), 5)
        }
        let harness = try Self.asked("line", authorship: wide)
        #expect(harness.lines[0] == "日本語の名 3h   line", "\(harness.lines)")
    }

    @Test("the history not read is said, and the gutter stays hidden")
    func unavailable() throws {
        var harness = try Self.asked("text", authorship: nil)
        harness.editor.authorsUnavailable("nothing answers at 127.0.0.1:7878")
        #expect(harness.lines[0] == "text")
        #expect(harness.lines.contains { $0.contains("cannot show authors: nothing answers") }, "\(harness.lines)")
    }

    @Test("ages in one short word")
    func ages() {
        let minute: UInt64 = 60_000
        let cases: [(UInt64?, String)] = [(nil, "now"), (Self.readAt, "now"), (Self.readAt - 5 * minute, "5m"), (Self.readAt - 47 * 60 * minute, "47h"),
                                          (Self.readAt - 3 * 24 * 60 * minute, "3d"), (Self.readAt - 30 * 24 * 60 * minute, "4w"),
                                          (Self.readAt - 800 * 24 * 60 * minute, "2y")]
        for (time, word) in cases { #expect(Self.history.age(of: time) == word) }
    }
}
