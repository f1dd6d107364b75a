import Foundation
import Logging
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// The shared store against a real PostgreSQL cluster: the store contract, server sequences from
/// concurrent relays, and notifications between them.
@Suite(.serialized) final class PostgresStoreTests {
    let cluster: PostgresCluster
    /// Pools to stop when the test ends.
    private var running: [Task<Void, Never>] = []

    init() async throws {
        cluster = try await offCooperativePool { try PostgresCluster() }
    }

    deinit {
        for task in running { task.cancel() }
    }

    /// A store on the cluster's database, its pool running (as a relay would hold one).
    func store(database: String = "weft", runPool: Bool = true) throws -> PostgresStore {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .error
        let store = PostgresStore(location: try PostgresLocation(parsing: cluster.url(database: database)), logger: logger)
        if runPool { running.append(Task { await store.runPool() }) }
        return store
    }

    func contract(_ database: String) async throws -> StoreContract {
        try await offCooperativePool { [cluster] in try cluster.createDatabase(database) }
        return StoreContract(reopen: { try self.store(database: database) })
    }

    @Test func meetsTheStoreContract() async throws {
        try await contract("reopening").committedEntriesSurviveReopening()
        try await contract("resends").resendsKeepTheirSequenceAndGapsAreRefusedWhole()
        try await contract("compaction").compactionKeepsASnapshotAndTheRecentTail()
        try await contract("epochs").epochsRenewOnceAndTheLogGoesOn()
        try await contract("keys").replicasBindToTheirFirstKey()
        try await contract("history").historyKeepsEveryBatchWithItsAuthorAndTime()
        try await contract("history-limits").historyReadsStopAtTheirLimit()
        try await contract("revocations").revocationsAreKept()
        try await contract("documents").documentsAreListedDeletedAndRenamed()
        // The schema is made once and found again.
        #expect(try cluster.query("SELECT max(version) FROM weft_schema", database: "reopening").trimmingCharacters(in: .whitespacesAndNewlines) == "6")
    }

    /// Three relays commit to one document at once, each batch sent through two of them (a client
    /// that reconnected elsewhere and resent): every batch gets exactly one sequence, with no gaps.
    /// History an earlier version kept one row a batch reads the same once a compaction packed it,
    /// and two relays compacting at once pack each entry once.
    @Test func historyRowsFromBeforeArePackedOnce() async throws {
        _ = try await contract("repack")
        let notes = try DocumentName("notes")
        let first = try store(database: "repack"), second = try store(database: "repack")
        _ = try await first.open(notes)
        let values = (1...40).map { "('notes', \($0), 1, \($0), '\\x01\(String(format: "%02x", $0))', \($0 % 3 == 0 ? "NULL" : "'ana'"), TRUE, \($0 * 1_000))" }
        _ = try await offCooperativePool { [cluster] in
            try cluster.query("""
                INSERT INTO weft_history (document, server_seq, replica, client_seq, ops, author, author_verified, committed_at) VALUES \(values.joined(separator: ", "));
                UPDATE weft_documents SET head = 40, snapshot_seq = 40, log_floor = 40 WHERE name = 'notes'
                """, database: "repack")
        }
        _ = try await first.commit((1...6).map { PendingBatch(replica: ReplicaID(2), clientSeq: UInt64($0), ops: [1, 2, UInt8($0)]) }, to: notes)
        let before = try await first.history(of: notes, after: 0, limit: 100).entries
        #expect(before.map(\.serverSeq) == Array(1...46))
        async let one: Void = first.compact(notes, snapshot: [9], serverSeq: 44, keepAfter: 43)
        async let two: Void = second.compact(notes, snapshot: [9], serverSeq: 45, keepAfter: 44)
        _ = try await (one, two)
        #expect(try await second.history(of: notes, after: 0, limit: 100).entries == before)
        #expect(try await first.history(of: notes, after: 30, limit: 12).entries == Array(before[30..<42]))
        let left = try await offCooperativePool { [cluster] in
            try cluster.query("SELECT (SELECT count(*) FROM weft_history) || ' ' || (SELECT sum(entry_count) FROM weft_history_packs)", database: "repack")
        }
        #expect(left.trimmingCharacters(in: .whitespacesAndNewlines) == "0 44")
        // Many small packs: a page is read from as many of them as it takes, in order.
        for seq in 47...56 {
            _ = try await first.commit([PendingBatch(replica: ReplicaID(2), clientSeq: UInt64(seq - 40), ops: [1, 2, UInt8(seq)])], to: notes)
            try await first.compact(notes, snapshot: [9], serverSeq: UInt64(seq), keepAfter: UInt64(seq - 1))
        }
        let all = try await second.history(of: notes, after: 0, limit: 100).entries
        #expect(all.map(\.serverSeq) == Array(1...56) && Array(all.prefix(46)) == before)
        #expect(try await first.history(of: notes, after: 43, limit: 9).entries == Array(all[43..<52]))
    }

    @Test func concurrentRelaysNumberWithoutGapsOrRepeats() async throws {
        let notes = try DocumentName("notes")
        let stores = try (0..<3).map { _ in try store() }
        _ = try await stores[0].open(notes)
        let perReplica: UInt64 = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for replica in UInt64(1)...6 {
                group.addTask {
                    for clientSeq in 1...perReplica {
                        let batch = PendingBatch(replica: ReplicaID(replica), clientSeq: clientSeq, ops: [UInt8(replica), UInt8(clientSeq)])
                        // Through one relay, then again through the next, racing the others.
                        let first = stores[Int(replica) % 3], second = stores[Int(replica + 1) % 3]
                        let one = try await first.commit([batch], to: notes)
                        let two = try await second.commit([batch], to: notes)
                        #expect(one.serverSeqs == two.serverSeqs && two.appended == [false], "replica \(replica) batch \(clientSeq)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let document = try await stores[2].open(notes)
        #expect(document.head == 6 * perReplica)
        #expect(document.tail.map(\.serverSeq) == Array(1...(6 * perReplica)))
        #expect(Set(document.tail.map { "\($0.replica):\($0.clientSeq)" }).count == Int(6 * perReplica))
        for replica in UInt64(1)...6 {
            let mine = document.tail.filter { $0.replica == ReplicaID(replica) }.map(\.clientSeq)
            #expect(mine == Array(1...perReplica), "replica \(replica)'s batches are in order")
        }
    }

    /// A commit through one store reaches every listening store as HEAD NAME, and only once it commits.
    @Test func commitsNotifyOtherRelays() async throws {
        let notes = try DocumentName("notes")
        let writer = try store()
        let listener = try store(runPool: false)
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        running.append(Task {
            await listener.run(storeAdvanced: { name, head in continuation.yield("\(head) \(name)") },
                               listening: { continuation.yield("listening") })
        })
        var events = stream.makeAsyncIterator()
        #expect(await events.next() == "listening")
        #expect(await listener.healthProblem() == nil)
        _ = try await writer.open(notes)
        _ = try await writer.commit([PendingBatch(replica: ReplicaID(7), clientSeq: 1, ops: [1])], to: notes)
        _ = try await writer.commit([PendingBatch(replica: ReplicaID(7), clientSeq: 2, ops: [2]),
                                     PendingBatch(replica: ReplicaID(7), clientSeq: 3, ops: [3])], to: notes)
        // A commit that appends nothing (a pure resend) notifies nobody; the next one does.
        _ = try await writer.commit([PendingBatch(replica: ReplicaID(7), clientSeq: 3, ops: [3])], to: notes)
        _ = try await writer.commit([PendingBatch(replica: ReplicaID(8), clientSeq: 1, ops: [4])], to: notes)
        #expect(await events.next() == "1 notes")
        #expect(await events.next() == "3 notes")
        #expect(await events.next() == "4 notes")
        // The listener notices the database going away and coming back, and says so.
        try await offCooperativePool { [cluster] in try cluster.stop() }
        var problem: String?
        for _ in 0..<50 where problem == nil {
            problem = await listener.healthProblem()
            if problem == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(problem != nil)
        try await offCooperativePool { [cluster] in try cluster.start() }
        #expect(await events.next() == "listening")
        _ = try await writer.commit([PendingBatch(replica: ReplicaID(8), clientSeq: 2, ops: [5])], to: notes)
        #expect(await events.next() == "5 notes")
        #expect(await listener.healthProblem() == nil)
    }

    /// A delete or rename through one store reaches every listening store with the epoch it
    /// ended, once it commits, so their relays close their connections to it.
    @Test func deletesAndRenamesNotifyOtherRelays() async throws {
        let notes = try DocumentName("notes"), plan = try DocumentName("plan")
        let writer = try store()
        let listener = try store(runPool: false)
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        running.append(Task {
            await listener.run(storeAdvanced: { _, _ in }, listening: { continuation.yield("listening") },
                               documentGone: { name, epoch, newName in continuation.yield("gone \(epoch) \(name) \(newName.map { "\($0)" } ?? "-")") })
        })
        var events = stream.makeAsyncIterator()
        #expect(await events.next() == "listening")
        let first = try await writer.open(notes).epoch
        #expect(try await writer.rename(notes, to: plan) == .renamed(epoch: first))
        #expect(await events.next() == "gone \(first) notes plan")
        let second = try await writer.open(notes).epoch
        #expect(try await writer.delete(notes) == second)
        #expect(await events.next() == "gone \(second) notes -")
        // Refusals change nothing and notify nobody.
        #expect(try await writer.delete(notes) == nil)
        _ = try await writer.open(notes)
        #expect(try await writer.rename(notes, to: plan) == .targetExists)
        #expect(try await writer.delete(plan) == first)
        #expect(await events.next() == "gone \(first) plan -")
    }
}
