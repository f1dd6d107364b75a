import Testing
import WeftCRDT
import WeftWire
@testable import WeftEditor

/// Text others added while this user was away: marked once the copy has caught up, said in the
/// message line, visited with the next-change key, and gone at any other key.
@Suite("Changed while away")
struct AwayMarksTests {
    @Test("what others inserted during the catch-up is marked and counted; deletions are not; any other key clears it")
    func marksAndTheirKey() throws {
        var harness = try EditorHarness("first line\nsecond line", width: 100)
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        harness.editor.beginAwayCatchUp()
        try harness.editor.applyRemote([remote.insert("NEW ", at: 6)!])
        try harness.editor.applyRemote([remote.insert("top: ", at: 0)!, remote.delete(26..<31)!])
        harness.editor.endAwayCatchUp()
        #expect(harness.text == "top: first NEW line\nsecond")
        let frame = harness.editor.frame()
        let marked = frame.rows[0].indices.filter { frame.rows[0][$0].style == .role(.changedWhileAway) }
        #expect(marked == Array(0..<5) + Array(11..<15), "the inserted text, nothing else: \(marked)")
        #expect(harness.lines.contains { $0.contains("while you were away: 9 characters added by someone not here now · Alt-n goes to each") },
                "\(harness.lines)")

        harness.press("Alt-n")
        #expect(harness.cursor == 11, "to the next change after the cursor")
        harness.press("Alt-n")
        #expect(harness.cursor == 0, "round to the first")
        #expect(harness.lines.contains { $0.contains("change 1 of 2") })
        harness.press("Right")
        #expect(!harness.editor.frame().rows[0].contains { $0.style == .role(.changedWhileAway) }, "any other key clears the marks")
        harness.press("Alt-n")
        #expect(harness.lines.contains { $0.contains("nothing others added") })
    }

    /// A relay that lost history is healed by copies given back: their restore batches hold the
    /// whole document, most of which this copy held already. Only what is new here is marked and
    /// counted, and only its authors named.
    @Test("a copy given back elsewhere marks only what this copy did not hold")
    func aCopyGivenBackMarksOnlyWhatIsNew() throws {
        var harness = try EditorHarness("", width: 100)
        var ana = Replica(replicaID: ReplicaID(2))
        let shared = [try ana.insert("shared text\n", at: 0)!]
        try harness.editor.applyRemote(shared)
        var bo = try Replica(snapshot: ana.encodeSnapshot(), replicaID: ReplicaID(3))
        _ = try bo.insert("bo's line\n", at: bo.count)
        let given = try Replica(snapshot: bo.encodeSnapshot(), replicaID: ReplicaID(4))
        harness.editor.beginAwayCatchUp()
        try harness.editor.applyRemote(given.restorationOps())
        harness.editor.endAwayCatchUp()
        #expect(harness.text == "shared text\nbo's line\n")
        let frame = harness.editor.frame()
        #expect(!frame.rows[0].contains { $0.style == .role(.changedWhileAway) }, "what this copy held is not marked")
        #expect(frame.rows[1].prefix(9).allSatisfy { $0.style == .role(.changedWhileAway) }, "bo's line is")
        #expect(harness.lines.contains { $0.contains("while you were away: 10 characters added by someone not here now") }, "\(harness.lines)")
    }

    @Test("an author whose presence arrives just after the catch-up is named in the message still shown, not after a key")
    func anAuthorArrivingLateIsNamed() throws {
        var harness = try EditorHarness("abc", width: 100)
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        harness.editor.beginAwayCatchUp()
        try harness.editor.applyRemote([remote.insert("XY", at: 0)!])
        harness.editor.endAwayCatchUp()
        #expect(harness.lines.contains { $0.contains("added by someone not here now") }, "\(harness.lines)")
        harness.editor.setPresence(Presence(userName: "bo", colour: 0, cursor: .start), of: ReplicaID(9))
        #expect(harness.lines.contains { $0.contains("added by someone not here now") }, "someone else arriving changes nothing")
        harness.editor.setPresence(Presence(userName: "ana", colour: 0, cursor: .start), of: ReplicaID(2))
        #expect(harness.lines.contains { $0.contains("while you were away: 2 characters added by ana") }, "\(harness.lines)")

        var later = try EditorHarness("abc", width: 100)
        var other = try Replica(snapshot: later.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        later.editor.beginAwayCatchUp()
        try later.editor.applyRemote([other.insert("XY", at: 0)!])
        later.editor.endAwayCatchUp()
        later.press("Right")
        later.editor.setPresence(Presence(userName: "ana", colour: 0, cursor: .start), of: ReplicaID(2))
        #expect(!later.lines.contains { $0.contains("while you were away") }, "a message gone stays gone: \(later.lines)")
    }

    @Test("a copy seen for the first time marks nothing; text arriving after the catch-up is not marked")
    func onlyDuringTheCatchUp() throws {
        var harness = try EditorHarness("abc", width: 20)
        var remote = try Replica(snapshot: harness.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        try harness.editor.applyRemote([remote.insert("X", at: 0)!])
        harness.editor.endAwayCatchUp()
        #expect(!harness.editor.frame().rows[0].contains { $0.style == .role(.changedWhileAway) })
        harness.editor.beginAwayCatchUp()
        harness.editor.endAwayCatchUp()
        try harness.editor.applyRemote([remote.insert("Y", at: 0)!])
        #expect(!harness.editor.frame().rows[0].contains { $0.style == .role(.changedWhileAway) })
    }
}
