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
    static let history = Authorship(readAt: readAt, replicaNames: [:]) { id in
        guard id.replica == ReplicaID(1) else { return nil }
        if id.counter < 11 { return (Authorship.Author(name: "ana", time: readAt - 3 * 3_600_000, order: 1), 11 - id.counter) }
        if id.counter < 22 { return (Authorship.Author(name: "bo", time: readAt - 2 * 86_400_000, order: 2), 22 - id.counter) }
        return nil
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
        #expect(frame.rows[0][0].style == .peerLabel(Authorship.colour(of: "ana")) && frame.rows[1][0].style == .peerLabel(Authorship.colour(of: "bo")))

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

    @Test("the history not read is said, and the gutter stays hidden")
    func unavailable() throws {
        var harness = try EditorHarness("text", width: 60)
        harness.editor.hasDocumentHistory = true
        harness.press("Alt-b")
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
