import Foundation
import Testing
import WeftServer
import WeftTestSupport

/// The embedded store keeps what it committed, numbers batches, deduplicates resends, refuses
/// gaps, and compacts (the contract every store meets).
@Suite struct SQLiteStoreTests {
    func contract(_ directory: URL) -> StoreContract {
        StoreContract(reopen: { try SQLiteStore(directory: directory) })
    }

    @Test func documentsAreListedDeletedAndRenamed() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).documentsAreListedDeletedAndRenamed()
    }

    @Test func committedEntriesSurviveReopening() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).committedEntriesSurviveReopening()
    }

    @Test func resendsKeepTheirSequenceAndGapsAreRefusedWhole() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).resendsKeepTheirSequenceAndGapsAreRefusedWhole()
    }

    @Test func epochsRenewOnceAndTheLogGoesOn() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).epochsRenewOnceAndTheLogGoesOn()
    }

    @Test func replicasBindToTheirFirstKey() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).replicasBindToTheirFirstKey()
    }

    @Test func historyKeepsEveryBatchWithItsAuthorAndTime() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).historyKeepsEveryBatchWithItsAuthorAndTime()
    }

    @Test(arguments: [1, 2, 3] as [UInt64]) func historyReadsStopAtTheirLimit(seed: UInt64) async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).historyReadsStopAtTheirLimit(seed: seed)
    }

    @Test func revocationsAreKept() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).revocationsAreKept()
    }

    @Test func compactionKeepsASnapshotAndTheRecentTail() async throws {
        let directory = TemporaryDirectory.path("store")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await contract(directory).compactionKeepsASnapshotAndTheRecentTail()
    }
}
