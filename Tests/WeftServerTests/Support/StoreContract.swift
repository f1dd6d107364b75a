import Testing
import WeftCRDT
import WeftServer
import WeftWire

/// What every `RelayStore` must do, checked the same way for SQLite and PostgreSQL.
/// `reopen` makes a second store on the same data (a restart, or another relay).
struct StoreContract {
    let reopen: () async throws -> any RelayStore
    let notes = try! DocumentName("notes")

    func batch(replica: UInt64 = 1, _ clientSeq: UInt64) -> PendingBatch {
        PendingBatch(replica: ReplicaID(replica), clientSeq: clientSeq, ops: [1, 2, UInt8(clientSeq), UInt8(replica)])
    }

    func entry(_ serverSeq: UInt64, _ batch: PendingBatch) -> LogEntry {
        LogEntry(serverSeq: serverSeq, replica: batch.replica, clientSeq: batch.clientSeq, ops: batch.ops)
    }

    func committedEntriesSurviveReopening() async throws {
        let first = try await reopen().open(notes)
        #expect(first.epoch != 0 && first.head == 0 && first.tail.isEmpty)
        do {
            let store = try await reopen()
            #expect(try await store.commit([batch(1), batch(2)], to: notes) == CommitResult(serverSeqs: [1, 2], appended: [true, true], head: 2))
            #expect(try await store.commit([batch(replica: 2, 1)], to: notes) == CommitResult(serverSeqs: [3], appended: [true], head: 3))
        }
        let reopened = try await reopen()
        let document = try await reopened.open(notes)
        #expect(document.epoch == first.epoch)
        #expect(document.head == 3)
        #expect(document.tail == [entry(1, batch(1)), entry(2, batch(2)), entry(3, batch(replica: 2, 1))])
        #expect(document.lastClientSeqs == [ReplicaID(1): 2, ReplicaID(2): 1])
        #expect(try await reopened.entries(of: notes, after: 1, limit: 1) == [entry(2, batch(2))])
        // Another document has its own epoch and log.
        let other = try await reopened.open(try DocumentName("other"))
        #expect(other.head == 0 && other.epoch != first.epoch)
    }

    func resendsKeepTheirSequenceAndGapsAreRefusedWhole() async throws {
        let store = try await reopen()
        _ = try await store.open(notes)
        _ = try await store.commit([batch(1)], to: notes)
        // Batch 1 again (another relay committed it first), with a new one after it.
        #expect(try await store.commit([batch(1), batch(2)], to: notes) == CommitResult(serverSeqs: [1, 2], appended: [false, true], head: 2))
        // A gap: nothing of the transaction stays behind.
        await #expect(throws: (any Error).self) { try await store.commit([batch(replica: 2, 1), batch(4)], to: notes) }
        let document = try await store.open(notes)
        #expect(document.head == 2 && document.tail == [entry(1, batch(1)), entry(2, batch(2))])
        #expect(document.lastClientSeqs == [ReplicaID(1): 2])
        await #expect(throws: (any Error).self) { try await store.commit([batch(1)], to: try DocumentName("never-opened")) }
    }

    /// A renewed epoch is stored, seen by every store on the same data, and renewed once when
    /// two relays find the same loss at once; the log goes on untouched.
    func epochsRenewOnceAndTheLogGoesOn() async throws {
        let store = try await reopen()
        let first = try await store.open(notes)
        _ = try await store.commit([batch(1)], to: notes)
        let renewed = try await store.renewEpoch(of: notes, from: first.epoch)
        #expect(renewed != first.epoch && renewed != 0)
        #expect(try await reopen().renewEpoch(of: notes, from: first.epoch) == renewed, "a second relay renewing from the old epoch")
        #expect(try await reopen().epoch(of: notes) == renewed)
        let document = try await reopen().open(notes)
        #expect(document.epoch == renewed && document.head == 1)
        #expect(try await store.commit([batch(2)], to: notes).serverSeqs == [2])
    }

    /// A replica is bound to the first key hash it is given, for good, on every store on the
    /// same data, and per document.
    func replicasBindToTheirFirstKey() async throws {
        let store = try await reopen()
        _ = try await store.open(notes)
        let replica = ReplicaID(7)
        #expect(try await store.replicaKey(replica, in: notes, bindingTo: nil) == nil)
        #expect(try await store.replicaKey(replica, in: notes, bindingTo: [1, 2, 3]) == [1, 2, 3])
        #expect(try await reopen().replicaKey(replica, in: notes, bindingTo: [9, 9]) == [1, 2, 3], "bound already")
        #expect(try await reopen().replicaKey(replica, in: notes, bindingTo: nil) == [1, 2, 3])
        let other = try DocumentName("other")
        _ = try await store.open(other)
        #expect(try await store.replicaKey(replica, in: other, bindingTo: [4]) == [4])

        // Bound in this epoch: writing. A new epoch (a relay that lost history) leaves it bound,
        // to a copy that is given back: no longer writing, unlike a replica bound afterwards.
        let unbound = ReplicaID(8), later = ReplicaID(9)
        #expect(try await reopen().replicasWriting(in: notes, among: [replica, unbound]) == [replica])
        #expect(try await reopen().replicasWriting(in: notes, among: []) == [])
        let epoch = try await store.epoch(of: notes)
        _ = try await store.renewEpoch(of: notes, from: epoch)
        _ = try await store.replicaKey(later, in: notes, bindingTo: [5])
        #expect(try await reopen().replicasWriting(in: notes, among: [replica, unbound, later]) == [later])
        let many = Set((100..<2_100).map { ReplicaID(UInt64($0)) })
        #expect(try await reopen().replicasWriting(in: notes, among: many.union([later])) == [later], "thousands asked at once")
        #expect(try await reopen().replicaKey(replica, in: notes, bindingTo: nil) == [1, 2, 3], "still bound")
        #expect(try await reopen().replicasWriting(in: other, among: [replica]) == [replica], "per document")

        // Retired with its key (its copy gave itself back): no longer writing, still bound to it.
        #expect(try await store.retireReplica(later, in: notes, keyHash: [6]) == false, "another key retires nothing")
        #expect(try await reopen().replicasWriting(in: notes, among: [later]) == [later])
        #expect(try await store.retireReplica(later, in: notes, keyHash: [5]))
        #expect(try await reopen().replicasWriting(in: notes, among: [later, replica]) == [])
        #expect(try await reopen().replicaKey(later, in: notes, bindingTo: [7]) == [5], "still bound to its key")
        #expect(try await reopen().replicasWriting(in: other, among: [replica]) == [replica], "per document")
    }

    func compactionKeepsASnapshotAndTheRecentTail() async throws {
        let store = try await reopen()
        _ = try await store.open(notes)
        _ = try await store.commit((1...5).map { batch($0) }, to: notes)
        try await store.compact(notes, snapshot: [9, 9, 9], serverSeq: 4, keepAfter: 3)
        let document = try await reopen().open(notes)
        #expect(document.snapshot == [9, 9, 9] && document.snapshotSeq == 4 && document.logFloor == 3)
        #expect(try await store.snapshot(of: notes) == ([9, 9, 9], 4))
        #expect(document.tail == [entry(5, batch(5))])
        #expect(try await store.entries(of: notes, after: 0, limit: 10).map(\.serverSeq) == [4, 5])
        #expect(document.lastClientSeqs[ReplicaID(1)] == 5)
        // A resend of a batch whose entry is gone is answered with the snapshot's sequence.
        #expect(try await store.commit([batch(2)], to: notes) == CommitResult(serverSeqs: [4], appended: [false], head: 5))
    }
}
