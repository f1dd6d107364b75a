import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// SIGKILL while batches are streaming in: every acknowledged batch is kept, none is applied
/// twice when the client resends what it has not seen acknowledged, and the text comes out whole.
@Suite struct RelayCrashTests {
    @Test func killingTheRelayMidStreamLosesAndDuplicatesNothing() async throws {
        let directory = RelayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var alice = Replica(replicaID: ReplicaID(0xA))
        var batches: [[Op]] = []
        for clientSeq in 1...400 { batches.append([try alice.insert("<\(clientSeq)>", at: alice.count)!]) }

        var acked = Set<UInt64>()
        do {
            let relay = try RelayProcess(dataDirectory: directory)
            let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
            // Stream without waiting, and kill the relay once some (not all) acks came back.
            for (index, ops) in batches.enumerated() { try await client.send(.batch(clientSeq: UInt64(index + 1), ops: ops)) }
            while acked.count < 50, case .message(.ack(let clientSeq, _))? = await client.next() { acked.insert(clientSeq) }
            relay.kill()
            while case .message(.ack(let clientSeq, _))? = await client.next(timeout: .milliseconds(200)) { acked.insert(clientSeq) }
        }
        #expect(acked.count >= 50)

        let restarted = try RelayProcess(dataDirectory: directory)
        let (client, welcome, replayed) = try await RelayTests.join(restarted, replica: alice.replicaID)
        // Everything acknowledged is durable; the relay may hold more (committed, ack lost in the kill).
        #expect(acked.allSatisfy { $0 <= welcome.lastClientSeq })
        #expect(welcome.serverSeq == welcome.lastClientSeq)
        #expect(replayed.count == Int(welcome.serverSeq))
        // The client resends from one before what the relay says it has, as a client unsure of its
        // last ack would: the overlap is acknowledged, not applied.
        let resendFrom = max(welcome.lastClientSeq, 1)
        for clientSeq in resendFrom...400 { try await client.send(.batch(clientSeq: clientSeq, ops: batches[Int(clientSeq) - 1])) }
        var lastAck: UInt64 = 0
        while lastAck < 400, case .message(.ack(let clientSeq, let serverSeq))? = await client.next() {
            #expect(serverSeq == clientSeq, "batch \(clientSeq) committed as \(serverSeq): a gap or a duplicate")
            lastAck = clientSeq
        }
        #expect(lastAck == 400)
        let (reader, _, all) = try await RelayTests.join(restarted, replica: ReplicaID(0xB))
        #expect(all.count == 400)
        #expect(try RelayCompactionTests.rebuild(all, replica: ReplicaID(0xB)).text == alice.text)
        await client.close()
        await reader.close()
    }

    /// Several writers flood one document, so commits are grouped and each connection's acks
    /// and broadcasts go out many to a write; SIGKILL in the middle. Every batch any writer saw
    /// acknowledged is in the store after the restart: no ack left before its commit was durable.
    @Test func killingTheRelayDuringAFloodOfWritersKeepsEveryAcknowledgedBatch() async throws {
        let directory = RelayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Small enough that the writers, in this test process, leave its two cooperative threads
        // to the other suites running beside it; still hundreds of batches in flight at the kill.
        let writers = 3, perWriter = 200
        let replicas = (0..<writers).map { ReplicaID(UInt64(0x300 + $0)) }
        var batches: [[[Op]]] = []
        for replica in replicas {
            var editor = Replica(replicaID: replica)
            batches.append(try (1...perWriter).map { clientSeq in [try editor.insert("<\(clientSeq)>", at: editor.count)!] })
        }

        var acked: [Set<UInt64>] = []
        do {
            let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--max-message-rate", "100000"])
            var clients: [RelayTestClient] = []
            for replica in replicas { clients.append(try await RelayTests.join(relay, replica: replica).0) }
            // Every writer streams all its batches without waiting for acks.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, client) in clients.enumerated() {
                    let mine = batches[index]
                    group.addTask {
                        for (offset, ops) in mine.enumerated() { try await client.send(.batch(clientSeq: UInt64(offset + 1), ops: ops)) }
                    }
                }
                try await group.waitForAll()
            }
            // Read acks until enough came back to be in the middle of the flood, then kill.
            acked = Array(repeating: [], count: writers)
            var total = 0
            reading: while total < writers * 25 {
                for (index, client) in clients.enumerated() {
                    guard let event = await client.next(timeout: .seconds(30)) else { break reading }
                    if case .message(.ack(let clientSeq, _)) = event { acked[index].insert(clientSeq); total += 1 }
                }
            }
            relay.kill()
            for (index, client) in clients.enumerated() {
                while let event = await client.next(timeout: .milliseconds(200)) {
                    if case .message(.ack(let clientSeq, _)) = event { acked[index].insert(clientSeq) }
                }
            }
        }
        #expect(acked.reduce(0) { $0 + $1.count } >= writers * 25)

        let restarted = try RelayProcess(dataDirectory: directory)
        let (reader, welcome, replayed) = try await RelayTests.join(restarted, replica: ReplicaID(0x3FF))
        var stored: [ReplicaID: Set<UInt64>] = [:]
        for case .broadcast(_, let replica, let clientSeq, _) in replayed { stored[replica, default: []].insert(clientSeq) }
        #expect(replayed.count == Int(welcome.serverSeq), "the log has a gap or a duplicate")
        for (index, replica) in replicas.enumerated() {
            let missing = acked[index].subtracting(stored[replica] ?? [])
            #expect(missing.isEmpty, "replica \(replica): batches \(missing.sorted()) were acknowledged but are not in the store")
            // What the store holds of one replica is a prefix of its batches: none skipped.
            let held = stored[replica] ?? []
            #expect(held.sorted() == (0..<UInt64(held.count)).map { $0 + 1 }, "replica \(replica) holds \(held.sorted())")
        }
        await reader.close()
    }
}
