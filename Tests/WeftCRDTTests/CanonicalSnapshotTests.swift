import Testing
import WeftCRDT
import WeftTestSupport

/// Snapshots in the canonical form (FORMAT.md, "Canonical snapshots"): the same document, the
/// same bytes, whoever writes it; and every other form a writer may choose still loads.
@Suite struct CanonicalSnapshotTests {
    /// Three replicas' concurrent edits, as batches.
    static func batches() throws -> [[Op]] {
        var alice = Replica(replicaID: ReplicaID(0xA)), bob = Replica(replicaID: ReplicaID(0x8000_0000_0000_000B))
        let base = [try alice.insert("shared text", at: 0)!]
        try bob.apply(base)
        let fromAlice = [try alice.insert("alice ", at: 0)!, try alice.delete(7..<9)!]
        let fromBob = [try bob.insert(" bob", at: 11)!, try bob.delete(0..<3)!]
        var carol = Replica(replicaID: ReplicaID(0xC))
        try carol.apply(base + fromAlice)
        let fromCarol = [try carol.insert("carol ", at: 6)!]
        return [base, fromAlice, fromBob, fromCarol]
    }

    @Test func replicasThatAppliedTheSameOpsInAnyOrderWriteTheSameBytes() throws {
        let batches = try Self.batches()
        var random = SeededGenerator(seed: 42)
        var written: Set<[UInt8]> = []
        for id in [ReplicaID(0), ReplicaID(0xA), ReplicaID(0xFFFF_FFFF_FFFF_FFFF)] {
            for _ in 0..<5 {
                var replica = Replica(replicaID: id)
                for batch in batches.shuffled(using: &random) { try replica.apply(batch) }
                #expect(replica.pendingCount == 0)
                written.insert(replica.encodeSnapshot())
            }
        }
        #expect(written.count == 1)
    }

    @Test func aReplicaThatInsertedNothingIsNotListedAndTheOldFormStillLoads() throws {
        var relay = Replica(replicaID: ReplicaID(0))
        for batch in try Self.batches() { try relay.apply(batch) }
        let canonical = relay.encodeSnapshot()
        let legacy = relay.encodeSnapshot(SnapshotChoices(tableOrder: .local))
        // The old form lists the relay's replica 0 first, with a count of 0; the canonical one does not.
        #expect(Array(legacy[6..<14]) == [UInt8](repeating: 0, count: 8))
        #expect(canonical[5] == 3 && legacy[5] == 4)
        for form in [legacy, relay.encodeSnapshot(SnapshotChoices(referencesEverywhere: true, explicitZeroOffsets: true))] {
            let loaded = try Replica(snapshot: form, replicaID: ReplicaID(0x99))
            loaded.checkInvariants()
            #expect(loaded.text == relay.text)
            #expect(loaded.encodeSnapshot() == canonical)
        }
    }

    @Test func aReplicaListedTwiceIsRefusedEvenWhenItIsTheLoadersOwn() throws {
        // Replica 1 typed "a", and is listed twice, with a count of 1 each time.
        let bytes: [UInt8] = [0x57, 0x46, 0x54, 0x53, 1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0x61, 0]
        #expect(throws: DecodingError.self) { try Replica(snapshot: bytes, replicaID: ReplicaID(2)) }
        #expect(throws: DecodingError.self) { try Replica(snapshot: bytes, replicaID: ReplicaID(1)) }
    }

    @Test func waitingOpsAreKeptOnceInTheOrderTheyCame() throws {
        var alice = Replica(replicaID: ReplicaID(1))
        let first = try alice.insert("abc", at: 0)!
        let deletion = try alice.delete(0..<1)!
        let insertion = try alice.insert("X", at: 1)!
        var bob = Replica(replicaID: ReplicaID(2))
        try bob.apply([insertion, deletion, insertion, deletion])
        #expect(bob.pendingCount == 2)
        #expect(bob.pendingOps == [insertion, deletion])
        let loaded = try Replica(snapshot: bob.encodeSnapshot(), replicaID: ReplicaID(3))
        #expect(loaded.pendingOps == [insertion, deletion])
        try bob.apply(first)
        #expect(bob.pendingCount == 0 && bob.text == alice.text)
    }
}
