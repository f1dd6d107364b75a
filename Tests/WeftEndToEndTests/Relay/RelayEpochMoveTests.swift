import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// A document moves to a new epoch only on proof that the relay lost history, and then no
/// connection stays on the old one.
@Suite(.serialized) struct RelayEpochMoveTests {
    /// A writer's batch 2 is acknowledged with its receipt, then the relay goes back to a backup
    /// taken before it. The writer's claim with that receipt moves the document to a new epoch,
    /// and a client still connected on the old epoch is closed, to come back and give its copy
    /// back, instead of writing on under ids the copies being given back also hold.
    @Test func aProvenLossMovesTheEpochAndClosesTheOldEpochsConnections() async throws {
        let directory = TemporaryDirectory.path("relay"), backup = TemporaryDirectory.path("relay")
        defer { for path in [directory, backup] { try? FileManager.default.removeItem(at: path) } }
        var relay = try RelayProcess(dataDirectory: directory)
        let port = relay.port
        let notes = try DocumentName("notes")
        var writer = Replica(replicaID: ReplicaID(0x71C))
        func hello(_ replica: ReplicaID, epoch: UInt64, last: UInt64, claim: Receipt? = nil) -> ClientMessage {
            .hello(Hello(document: notes, epoch: epoch, replica: replica, lastServerSeq: last, lostBatchesReceipt: claim, wantsReceipts: true,
                         replicaKey: Array("key of \(replica)".utf8)))
        }
        // Batch 1, then a backup, then batch 2 and its receipt.
        var client = try await RelayTestClient(port: port, path: "notes")
        try await client.send(hello(writer.replicaID, epoch: 0, last: 0))
        guard case .welcome(let first)? = await client.receive(), case .caughtUp? = await client.receive() else { throw RelayTestFailure(description: "no welcome") }
        try await client.send(.batch(clientSeq: 1, ops: [try writer.insert("kept ", at: 0)!]))
        #expect(await client.receive() == .ack(clientSeq: 1, serverSeq: 1))
        guard case .receipt? = await client.receive() else { throw RelayTestFailure(description: "no receipt") }
        await client.close()
        #expect(relay.stop(waitingAtMost: .seconds(10)) != nil)
        try? FileManager.default.removeItem(at: backup)
        try FileManager.default.copyItem(at: directory, to: backup)
        relay = try RelayProcess(dataDirectory: directory, port: port)
        client = try await RelayTestClient(port: port, path: "notes")
        try await client.send(hello(writer.replicaID, epoch: first.epoch, last: 1))
        guard case .welcome? = await client.receive() else { throw RelayTestFailure(description: "no welcome") }
        try await client.send(.batch(clientSeq: 2, ops: [try writer.insert("lost", at: 5)!]))
        var receipt: Receipt?
        while let message = await client.receive() {
            if case .receipt(let given) = message, given.clientSeq == 2 { receipt = given; break }
        }
        await client.close()
        relay.kill()
        try FileManager.default.removeItem(at: directory)
        try FileManager.default.moveItem(at: backup, to: directory)
        relay = try RelayProcess(dataDirectory: directory, port: port)

        // Someone on the old epoch, connected; then the writer shows its receipt.
        let other = try await RelayTestClient(port: port, path: "notes")
        try await other.send(hello(ReplicaID(0xB0), epoch: first.epoch, last: 1))
        guard case .welcome(let ordinary)? = await other.receive() else { throw RelayTestFailure(description: "no welcome") }
        #expect(ordinary.epoch == first.epoch && !ordinary.restore)
        let claim = try await RelayTestClient(port: port, path: "notes")
        try await claim.send(hello(writer.replicaID, epoch: first.epoch, last: 2, claim: try #require(receipt)))
        guard case .welcome(let moved)? = await claim.receive() else { throw RelayTestFailure(description: "the claim was refused") }
        #expect(moved.epoch != first.epoch && moved.restore)
        var closing: WireError?
        while let message = await other.receive() {
            if case .error(let error, true) = message { closing = error; break }
        }
        #expect(closing?.code == .unavailable && closing?.message.contains("new epoch") == true, "\(String(describing: closing))")
        #expect(await other.closes())
        await claim.close()
    }
}
