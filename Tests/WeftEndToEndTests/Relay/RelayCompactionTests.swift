import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// Long logs are folded into snapshots; clients further behind than the log get the snapshot,
/// clients slightly behind still replay the log, and both end with the same text.
@Suite struct RelayCompactionTests {
    /// Sends `count` one-batch edits from `replica`, waiting for each ack.
    static func write(_ count: Int, from replica: inout Replica, on client: RelayTestClient, firstClientSeq: UInt64 = 1) async throws {
        for index in 0..<count {
            let clientSeq = firstClientSeq + UInt64(index)
            try await client.send(.batch(clientSeq: clientSeq, ops: [try replica.insert("\(clientSeq) ", at: replica.count)!]))
            guard case .ack(clientSeq, _)? = await client.receive() else { throw RelayTestFailure(description: "batch \(clientSeq) not acked") }
        }
    }

    /// The text a joining client ends with after applying what the relay replayed.
    static func rebuild(_ replayed: [ServerMessage], replica: ReplicaID, from start: Replica? = nil) throws -> Replica {
        var copy = start ?? Replica(replicaID: replica)
        for message in replayed {
            switch message {
            case .snapshot(_, let bytes): copy = try Replica(snapshot: bytes, replicaID: replica)
            case .broadcast(_, _, _, let ops): try copy.apply(ops)
            default: break
            }
        }
        return copy
    }

    @Test func farBehindClientsGetTheSnapshotAndNearOnesTheLog() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        var alice = Replica(replicaID: ReplicaID(0xA))
        do {
            let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--compact-every", "20", "--compact-keep", "5"])
            let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
            try await Self.write(50, from: &alice, on: client)
            // Compaction runs after the commit that crossed 40: a client joining from scratch is
            // sent the snapshot once it has landed.
            var (fresh, welcome, replayed) = try await RelayTests.join(relay, replica: ReplicaID(0xB))
            let deadline = ContinuousClock.now + .seconds(30)
            func startsWithSnapshot(_ replay: [ServerMessage]) -> Bool {
                if case .snapshot? = replay.first { true } else { false }
            }
            while !startsWithSnapshot(replayed), ContinuousClock.now < deadline {
                await fresh.close()
                try await Task.sleep(for: .milliseconds(50))
                (fresh, welcome, replayed) = try await RelayTests.join(relay, replica: ReplicaID(0xB))
            }
            #expect(welcome.serverSeq == 50)
            guard case .snapshot(let snapshotSeq, _)? = replayed.first else { Issue.record("no snapshot first: \(replayed.prefix(1))"); return }
            #expect(snapshotSeq == 40)
            #expect(replayed.dropFirst().map(\.serverSeqForTest) == Array(41...50))
            #expect(try Self.rebuild(replayed, replica: ReplicaID(0xB)).text == alice.text)

            // Seq 37 is above the floor (40 - 5): the log still has 38… so no snapshot.
            let (near, _, nearReplay) = try await RelayTests.join(relay, replica: ReplicaID(0xC), lastServerSeq: 37)
            #expect(nearReplay.map(\.serverSeqForTest) == Array(38...50))
            await fresh.close()
            await near.close()
            await client.close()
            relay.kill()
        }
        // What the relay stored (snapshot and tail) survives SIGKILL, and Alice's resend is deduplicated.
        let restarted = try RelayProcess(dataDirectory: directory)
        let (again, aliceWelcome, _) = try await RelayTests.join(restarted, replica: alice.replicaID, lastServerSeq: 50)
        #expect(aliceWelcome.lastClientSeq == 50)
        // A resend is recognised by (replica, clientSeq) alone: its ops are not looked at again.
        try await again.send(.batch(clientSeq: 3, ops: [.insert(Insertion(id: CharID(replica: alice.replicaID, counter: 0), originLeft: nil, originRight: nil, text: "x"))]))
        guard case .ack(3, _)? = await again.receive() else { Issue.record("compacted resend not acked"); return }
        let (reader, _, replayed) = try await RelayTests.join(restarted, replica: ReplicaID(0xD))
        #expect(try Self.rebuild(replayed, replica: ReplicaID(0xD)).text == alice.text)
        await again.close()
        await reader.close()
    }
}

extension ServerMessage {
    /// The serverSeq of a broadcast or snapshot, for comparing replays; -1 for other messages.
    var serverSeqForTest: Int {
        switch self {
        case .broadcast(let serverSeq, _, _, _), .snapshot(let serverSeq, _): Int(serverSeq)
        default: -1
        }
    }
}
