import Testing
import WeftCRDT
import WeftServer
import WeftWire

/// The in-memory store meets the contract every store meets, so the simulator's relays, which
/// share one, behave as relays sharing SQLite or PostgreSQL do.
@Suite struct MemoryStoreTests {
    /// One store shared by every "reopening": memory survives a relay restart only this way,
    /// as a database survives its clients.
    func contract() -> StoreContract {
        let store = MemoryStore(epochSeed: 42)
        return StoreContract(reopen: { store })
    }

    @Test func committedEntriesSurviveReopening() async throws {
        try await contract().committedEntriesSurviveReopening()
    }

    @Test func resendsKeepTheirSequenceAndGapsAreRefusedWhole() async throws {
        try await contract().resendsKeepTheirSequenceAndGapsAreRefusedWhole()
    }

    @Test func epochsRenewOnceAndTheLogGoesOn() async throws {
        try await contract().epochsRenewOnceAndTheLogGoesOn()
    }

    @Test func replicasBindToTheirFirstKey() async throws {
        try await contract().replicasBindToTheirFirstKey()
    }

    @Test func historyKeepsEveryBatchWithItsAuthorAndTime() async throws {
        try await contract().historyKeepsEveryBatchWithItsAuthorAndTime()
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func historyReadsStopAtTheirLimit(seed: UInt64) async throws {
        try await contract().historyReadsStopAtTheirLimit(seed: seed)
    }

    @Test func documentsAreListedDeletedAndRenamed() async throws {
        try await contract().documentsAreListedDeletedAndRenamed()
    }

    @Test func revocationsAreKept() async throws {
        try await contract().revocationsAreKept()
    }

    @Test func compactionKeepsASnapshotAndTheRecentTail() async throws {
        try await contract().compactionKeepsASnapshotAndTheRecentTail()
    }

    @Test func anUnavailableStoreRefusesEverythingAndCommitsNothing() async throws {
        let store = MemoryStore()
        let notes = try DocumentName("notes")
        _ = try await store.open(notes)
        store.withState { $0.unavailable = "down for the test" }
        await #expect(throws: StoreError.self) { try await store.commit([PendingBatch(replica: .init(1), clientSeq: 1, ops: [1])], to: notes) }
        #expect(await store.healthProblem() != nil)
        store.withState { $0.unavailable = nil }
        #expect(try await store.open(notes).head == 0)
    }
}
