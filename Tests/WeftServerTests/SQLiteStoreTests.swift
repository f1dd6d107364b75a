import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftWire

/// The embedded store keeps what it committed, refuses gaps and repeats, and compacts.
@Suite struct SQLiteStoreTests {
    let notes = try! DocumentName("notes")

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("weft-store-\(UUID())")
    }

    func entry(_ serverSeq: UInt64, replica: UInt64 = 1, clientSeq: UInt64? = nil) -> LogEntry {
        LogEntry(serverSeq: serverSeq, replica: ReplicaID(replica), clientSeq: clientSeq ?? serverSeq, ops: [1, 2, UInt8(serverSeq)])
    }

    @Test func committedEntriesSurviveReopening() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await SQLiteStore(directory: directory).open(notes)
        #expect(first.epoch != 0 && first.head == 0 && first.tail.isEmpty)
        do {
            let store = try SQLiteStore(directory: directory)
            try await store.append([entry(1), entry(2)], to: notes)
            try await store.append([entry(3, replica: 2, clientSeq: 1)], to: notes)
        }
        let reopened = try SQLiteStore(directory: directory)
        let document = try await reopened.open(notes)
        #expect(document.epoch == first.epoch)
        #expect(document.head == 3)
        #expect(document.tail == [entry(1), entry(2), entry(3, replica: 2, clientSeq: 1)])
        #expect(document.lastClientSeqs == [ReplicaID(1): 2, ReplicaID(2): 1])
        #expect(try await reopened.entries(of: notes, after: 1, limit: 1) == [entry(2)])
        #expect(try await reopened.serverSeq(of: notes, replica: 2, clientSeq: 1) == 3)
        #expect(try await reopened.serverSeq(of: notes, replica: 2, clientSeq: 2) == nil)
        // Another document has its own epoch and log.
        let other = try await reopened.open(try DocumentName("other"))
        #expect(other.head == 0 && other.epoch != first.epoch)
    }

    @Test func gapsAndRepeatsAreRefusedWhole() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        _ = try await store.open(notes)
        try await store.append([entry(1)], to: notes)
        await #expect(throws: (any Error).self) { try await store.append([entry(3)], to: notes) }
        // (replica 1, clientSeq 1) again, even under a new server sequence, and nothing of the
        // transaction stays behind.
        await #expect(throws: (any Error).self) { try await store.append([entry(2, clientSeq: 2), entry(3, clientSeq: 1)], to: notes) }
        let document = try await store.open(notes)
        #expect(document.head == 1 && document.tail == [entry(1)])
        await #expect(throws: (any Error).self) { try await store.append([entry(1)], to: try DocumentName("never-opened")) }
    }

    @Test func compactionKeepsASnapshotAndTheRecentTail() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        _ = try await store.open(notes)
        try await store.append((1...5).map { entry($0) }, to: notes)
        try await store.compact(notes, snapshot: [9, 9, 9], serverSeq: 4, keepAfter: 3)
        let document = try await SQLiteStore(directory: directory).open(notes)
        #expect(document.snapshot == [9, 9, 9] && document.snapshotSeq == 4 && document.logFloor == 3)
        #expect(try await store.snapshot(of: notes) == ([9, 9, 9], 4))
        #expect(document.tail == [entry(5)])
        #expect(try await store.entries(of: notes, after: 0, limit: 10).map(\.serverSeq) == [4, 5])
        #expect(document.lastClientSeqs[ReplicaID(1)] == 5)
    }
}
