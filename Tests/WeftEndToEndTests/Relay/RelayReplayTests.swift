import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// The replay a relay sends a joining client, and how it is healed by clients when it lost
/// history: PROTOCOL.md's rules 3 and 7 and "Healing a relay", against a real relay process.
@Suite(.serialized) struct RelayReplayTests {
    /// While someone types, clients keep joining: each one's replay ends in `caught-up(N)` only
    /// after the broadcast of N, and what follows live starts at N + 1. (Entries committed while a
    /// replay ran used to be counted in `caught-up` but left for the live stream, so `caught-up`
    /// named batches not sent yet, and a client recording N as applied skipped them.)
    @Test func caughtUpNeverNamesABatchNotSentYet() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var typist = Replica(replicaID: ReplicaID(0x7))
        let (writer, _, _) = try await RelayTests.join(relay, replica: typist.replicaID)
        var inserts: [[Op]] = []
        for _ in 0..<2_000 { inserts.append([try typist.insert("x", at: typist.count)!]) }
        let typing = Task {
            for (index, ops) in inserts.enumerated() {
                try await writer.send(.batch(clientSeq: UInt64(index + 1), ops: ops))
                if index % 4 == 3 { try await Task.sleep(for: .milliseconds(10)) }  // under the rate limit
            }
        }
        for join in 0..<40 {
            let reader = try await RelayTestClient(port: relay.port, path: "notes")
            try await reader.send(.hello(Hello(document: try DocumentName("notes"), epoch: 0, replica: ReplicaID(0x1000 + UInt64(join)),
                                               lastServerSeq: 0)))
            guard case .welcome? = await reader.receive() else { throw RelayTestFailure(description: "join \(join): no welcome") }
            var received: UInt64 = 0
            var caughtUp: UInt64?
            var live: UInt64?
            // Up to 30 s for each message of the replay (a busy machine); once caught up, a live
            // batch comes within 2 s or typing has ended.
            while live == nil, let message = await reader.receive(timeout: caughtUp == nil ? .seconds(30) : .seconds(2)) {
                switch message {
                case .snapshot(let serverSeq, _): received = max(received, serverSeq)
                case .broadcast(let serverSeq, _, _, _):
                    if caughtUp != nil {
                        live = serverSeq
                    } else {
                        #expect(serverSeq == received + 1, "join \(join): replay went from \(received) to \(serverSeq)")
                        received = serverSeq
                    }
                case .caughtUp(let serverSeq): caughtUp = serverSeq
                default: break
                }
            }
            let named = try #require(caughtUp, "join \(join): no caught-up")
            #expect(named <= received, "join \(join): caught-up(\(named)) after receiving only \(received)")
            if let live { #expect(live == named + 1, "join \(join): caught-up(\(named)), then live \(live)") }
            await reader.close()
        }
        try await typing.value
        await writer.close()
    }

    /// Rule 3: in the replay the relay sends every entry as a broadcast, the client's own
    /// included (a client that crashed after an ack and before saving its copy gets them back);
    /// live, the client gets an ack in its broadcast's place.
    @Test func theReplayCarriesAClientsOwnBatchesAndLiveAcksTakeTheirPlace() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var alice = Replica(replicaID: ReplicaID(0xA))
        let first = [try alice.insert("one", at: 0)!]
        let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        try await client.send(.batch(clientSeq: 1, ops: first))
        #expect(await client.receive() == .ack(clientSeq: 1, serverSeq: 1))
        await client.close()

        let (again, welcome, replayed) = try await RelayTests.join(relay, replica: alice.replicaID, lastServerSeq: 0)
        #expect(welcome.lastClientSeq == 1)
        #expect(replayed == [.broadcast(serverSeq: 1, replica: alice.replicaID, clientSeq: 1, ops: first)])
        let second = [try alice.insert(" two", at: 3)!]
        try await again.send(.batch(clientSeq: 2, ops: second))
        #expect(await again.receive() == .ack(clientSeq: 2, serverSeq: 2))
        await again.close()
    }

    /// A relay that lost its data takes the document back from a client's copy: an unknown epoch
    /// is answered with `restore`; the client, as a new replica, sends restore batches carrying
    /// other replicas' ids, which the relay takes (skipping ids it has) and broadcasts; a restore
    /// batch on a connection not welcomed for it, or one that skips ahead, is refused.
    @Test func aRelayThatLostItsDataTakesACopyBack() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        let notes = try DocumentName("notes")
        // The copy a client kept: text typed by two replicas, part of it deleted.
        var copy = Replica(replicaID: ReplicaID(0xA))
        var other = Replica(replicaID: ReplicaID(0xB))
        try copy.apply([try other.insert("from bo. ", at: 0)!])
        try copy.insert("from ana", at: copy.count)
        try copy.delete(0..<5)
        let ops = copy.restorationOps()

        // Its old connection: an epoch this relay never gave out.
        let old = try await RelayTestClient(port: relay.port, path: "notes")
        try await old.send(.hello(Hello(document: notes, epoch: 0x5EED, replica: copy.replicaID, lastServerSeq: 12)))
        guard case .welcome(let asked)? = await old.receive() else { throw RelayTestFailure(description: "no welcome") }
        #expect(asked.restore && asked.epoch != 0x5EED)
        #expect(await old.receive() == .caughtUp(serverSeq: 0), "nothing is replayed to a client about to come back")
        try await old.send(.restore(clientSeq: 1, ops: ops))
        guard case .error(let refused, true)? = await old.receive() else { throw RelayTestFailure(description: "restore on an ordinary connection taken") }
        #expect(refused.code == .malformed)

        // A bystander sees what is given back.
        let (bystander, _, _) = try await RelayTests.join(relay, replica: ReplicaID(0xC))
        let giver = try await RelayTestClient(port: relay.port, path: "notes")
        try await giver.send(.hello(Hello(document: notes, epoch: asked.epoch, replica: ReplicaID(0xA2), lastServerSeq: 0, restoring: true)))
        guard case .welcome(let granted)? = await giver.receive() else { throw RelayTestFailure(description: "no welcome") }
        #expect(granted.restore && granted.epoch == asked.epoch)
        #expect(await giver.receive() == .caughtUp(serverSeq: 0))
        try await giver.send(.restore(clientSeq: 1, ops: ops))
        #expect(await giver.receive() == .ack(clientSeq: 1, serverSeq: 1))
        // Given back twice (another client with the same copy): nothing changes, but it is taken.
        try await giver.send(.restore(clientSeq: 2, ops: ops))
        #expect(await giver.receive() == .ack(clientSeq: 2, serverSeq: 2))
        var seen = Replica(replicaID: ReplicaID(0xC))
        for _ in 0..<2 {
            guard case .broadcast(_, _, _, let broadcast)? = await bystander.receive() else { throw RelayTestFailure(description: "no broadcast") }
            try seen.apply(broadcast)
        }
        #expect(seen.text == "bo. from ana")
        // Skipping ahead of what a replica typed is refused.
        let gap = [Op.insert(Insertion(id: CharID(replica: ReplicaID(0xB), counter: 40), originLeft: nil, originRight: nil, text: "?"))]
        try await giver.send(.restore(clientSeq: 3, ops: gap))
        guard case .error(let skipped, true)? = await giver.receive() else { throw RelayTestFailure(description: "a gap was taken") }
        #expect(skipped.code == .malformed)
        for client in [old, bystander, giver] { await client.close() }
    }

    /// A client that says it applied more of the epoch than the relay has (the relay went back to
    /// an old backup, or the client lies) is asked for its copy; without a receipt proving it, the
    /// epoch stays, and everyone else goes on as before (`RelayEpochMoveTests`: with one).
    @Test func aClientAheadOfTheRelayWithoutProofIsAskedForItsCopyAlone() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, welcome, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        try await client.send(.batch(clientSeq: 1, ops: [try alice.insert("kept", at: 0)!]))
        #expect(await client.receive() == .ack(clientSeq: 1, serverSeq: 1))
        await client.close()

        let ahead = try await RelayTestClient(port: relay.port, path: "notes")
        try await ahead.send(.hello(Hello(document: try DocumentName("notes"), epoch: welcome.epoch, replica: ReplicaID(0xD), lastServerSeq: 9)))
        guard case .welcome(let asked)? = await ahead.receive() else { throw RelayTestFailure(description: "no welcome") }
        #expect(asked.restore && asked.epoch == welcome.epoch)
        await ahead.close()
        let other = try await RelayTestClient(port: relay.port, path: "notes")
        try await other.send(.hello(Hello(document: try DocumentName("notes"), epoch: welcome.epoch, replica: alice.replicaID, lastServerSeq: 1)))
        guard case .welcome(let again)? = await other.receive() else { throw RelayTestFailure(description: "no welcome") }
        #expect(!again.restore && again.epoch == welcome.epoch && again.serverSeq == 1)
        await other.close()
    }
}
