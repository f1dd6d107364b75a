import Foundation
import Testing
import WeftCRDT
import WeftTestSupport

/// The byte examples in Sources/WeftCRDT/FORMAT.md, read from that file, decode to what it says.
@Suite struct FormatExampleTests {
    /// The example labelled `name` (a fenced block opened with "```hex name").
    static func example(_ name: String) throws -> [UInt8] {
        try DocumentedExample.bytes(name, in: "Sources/WeftCRDT/FORMAT.md")
    }

    let one = ReplicaID(1)
    let bob = ReplicaID(0xB0B)

    @Test func insertBatch() throws {
        let bytes = try Self.example("op-batch-insert")
        let expected: [Op] = [.insert(Insertion(id: CharID(replica: one, counter: 0), originLeft: nil, originRight: nil, text: "hi"))]
        #expect(try OpCodec.decode(bytes) == expected)
        #expect(OpCodec.encode(expected) == bytes)
    }

    @Test func mixedBatch() throws {
        let bytes = try Self.example("op-batch-mixed")
        let expected: [Op] = [
            .delete(Deletion(spans: [IDSpan(start: CharID(replica: one, counter: 1), length: 1)])),
            .insert(Insertion(id: CharID(replica: bob, counter: 0), originLeft: CharID(replica: one, counter: 0),
                              originRight: CharID(replica: one, counter: 1), text: "é")),
        ]
        #expect(try OpCodec.decode(bytes) == expected)
        #expect(OpCodec.encode(expected) == bytes)
        // Applied to the document of the first example, it gives "hé" with the "i" gone.
        var replica = Replica(replicaID: ReplicaID(7))
        try replica.apply(OpCodec.decode(Self.example("op-batch-insert")))
        try replica.apply(OpCodec.decode(bytes))
        #expect(replica.text == "hé")
    }

    @Test func smallSnapshot() throws {
        let bytes = try Self.example("snapshot-small")
        let loaded = try Replica(snapshot: bytes, replicaID: one)
        loaded.checkInvariants()
        #expect(loaded.text == "h!")
        #expect(loaded.version == VersionVector([one: 3]))
        #expect(loaded.id(at: 1) == CharID(replica: one, counter: 2))
        var typed = Replica(replicaID: one)
        try typed.insert("hi", at: 0)
        try typed.delete(1..<2)
        try typed.insert("!", at: 1)
        #expect(typed.encodeSnapshot() == bytes)
    }

    @Test func splitSnapshot() throws {
        let bytes = try Self.example("snapshot-split")
        let loaded = try Replica(snapshot: bytes, replicaID: bob)
        #expect(loaded.text == "aXbc")
        #expect(loaded.id(at: 2) == CharID(replica: one, counter: 1))
        var typed = Replica(replicaID: one)
        try typed.insert("abc", at: 0)
        try typed.insert("X", at: 1)
        #expect(typed.encodeSnapshot() == bytes)
    }

    /// A snapshot written with references everywhere, as a writer may, loads to the document of
    /// `snapshot-split` and is written back in the canonical form.
    @Test func referencesSnapshot() throws {
        let loaded = try Replica(snapshot: Self.example("snapshot-references"), replicaID: bob)
        loaded.checkInvariants()
        #expect(loaded.text == "aXbc")
        #expect(loaded.encodeSnapshot() == (try Self.example("snapshot-split")))
        var typed = Replica(replicaID: one)
        try typed.insert("abc", at: 0)
        try typed.insert("X", at: 1)
        #expect(typed.encodeSnapshot(SnapshotChoices(referencesEverywhere: true, explicitZeroOffsets: true)) == (try Self.example("snapshot-references")))
    }
}
