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
        let directory = TemporaryDirectory.path("relay")
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
}
