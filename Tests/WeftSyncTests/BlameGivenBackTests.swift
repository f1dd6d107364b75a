import Testing
import WeftCRDT
import WeftSync
import WeftWire

/// A relay that lost its data is given copies back: a batch of one person's replica then holds
/// characters others typed. Blame, its `--chars` and the editor's authorship name who typed
/// them, with the sequence and time of the batch that gave them back.
@Suite struct BlameGivenBackTests {
    @Test func charactersGivenBackAreTheirTypists() throws {
        let ana = BatchAuthor(name: "ana", verified: true), bo = BatchAuthor(name: "bo", verified: true)
        var boReplica = Replica(replicaID: ReplicaID(0xB0))
        var anaReplica = Replica(replicaID: ReplicaID(0xA0))
        let boTyped = try boReplica.insert("one\n", at: 0)!
        _ = try anaReplica.apply([boTyped])
        // Bo's next line reached ana but not the relay's restored data; ana's copy gives it back,
        // with her own line.
        let boLost = try boReplica.insert("bo after backup\n", at: 4)!
        _ = try anaReplica.apply([boLost])
        let anaLine = try anaReplica.insert("ana after backup\n", at: anaReplica.count)!
        let entries = [
            HistoryEntry(serverSeq: 1, replica: ReplicaID(0xB0), clientSeq: 1, author: bo, committedAt: 1_000, ops: OpCodec.encode([boTyped])),
            HistoryEntry(serverSeq: 2, replica: ReplicaID(0xA0), clientSeq: 1, author: ana, committedAt: 2_000, ops: OpCodec.encode([boLost, anaLine])),
        ]
        var replay = try HistoryReplay(DocumentHistory(floor: 0, entries: entries))
        try replay.advance()
        let blame = Blame(replay)
        #expect(blame.lines.map(\.text) == ["one", "bo after backup", "ana after backup"])
        #expect(blame.lines.map { $0.entry?.author?.name } == ["bo", "bo", "ana"], "the line bo typed is bo's, though ana's copy gave it back")
        #expect(blame.lines.map { $0.entry?.serverSeq } == [1, 2, 2], "with the sequence of the batch that gave it back")
        #expect(blame.authorSpans.map { $0.entry?.author?.name } == ["bo", "ana"])
        let printed = String(decoding: HistoryFormat.blame(blame), as: UTF8.self)
        #expect(printed.split(separator: "\n").map { $0.contains("(bo ") } == [true, true, false], "\(printed)")

        let bosCharacter = CharID(replica: ReplicaID(0xB0), counter: 5)
        #expect(replay.author(of: bosCharacter, insertedBy: 1) == bo)
        #expect(replay.author(of: CharID(replica: ReplicaID(0xA0), counter: 0), insertedBy: 1) == ana)
    }
}
