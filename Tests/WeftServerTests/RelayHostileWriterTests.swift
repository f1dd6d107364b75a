import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// Writers that send what passes the protocol's checks but cannot be what a correct client sends:
/// the damage stays with that one connection, and the document and everyone else on it carry on.
@Suite(.serialized) struct RelayHostileWriterTests {
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    /// After "abc", an insertion of "x" whose right origin (R,0) lies before its left origin (R,2):
    /// the sender alone is told `malformed` and closed; a reader and a writer on the document stay
    /// connected, nothing of the batch is applied, and the next batches commit as usual.
    @Test func anInsertionWithItsOriginsOutOfOrderHarmsOnlyItsSender() async throws {
        let directory = RelayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        let (reader, _, _) = try await RelayTests.join(relay, replica: ReplicaID(0xC))
        var bob = Replica(replicaID: ReplicaID(0xB))
        let (writer, _, _) = try await RelayTests.join(relay, replica: bob.replicaID)
        let (attacker, _, _) = try await RelayTests.join(relay, replica: ReplicaID(0x1111_1111_1111_1111))

        try await attacker.sendRaw(.binary(.init(bytes: Self.bytes("02 01 14 01 01 11 11 11 11 11 11 11 11 01 01 00 00 00 00 03 61 62 63"))))
        #expect(await attacker.receive() == .ack(clientSeq: 1, serverSeq: 1))
        guard case .broadcast(_, _, _, let abc)? = await reader.receive() else { throw RelayTestFailure(description: "no broadcast of abc") }
        _ = await writer.receive()
        try bob.apply(abc)
        try await attacker.sendRaw(.binary(.init(bytes: Self.bytes("02 02 14 01 01 11 11 11 11 11 11 11 11 01 01 00 03 01 02 01 00 01 78"))))
        guard case .error(let error, true)? = await attacker.receive() else { throw RelayTestFailure(description: "the bad batch was not refused") }
        #expect(error.code == .malformed, "\(error)")
        #expect(await attacker.closes(within: .seconds(10)))

        // Everyone else carries on (told only that the attacker left): a new batch commits, and
        // the reader gets it next.
        #expect(await reader.receive() == .presenceGone(replica: ReplicaID(0x1111_1111_1111_1111)))
        #expect(await writer.receive() == .presenceGone(replica: ReplicaID(0x1111_1111_1111_1111)))
        let next = [try bob.insert("!", at: 3)!]
        try await writer.send(.batch(clientSeq: 1, ops: next))
        #expect(await writer.receive() == .ack(clientSeq: 1, serverSeq: 2))
        #expect(await reader.receive() == .broadcast(serverSeq: 2, replica: bob.replicaID, clientSeq: 1, ops: next))
        // And a fresh client reads "abc!": nothing of the refused batch was applied or stored.
        let (fresh, _, replayed) = try await RelayTests.join(relay, replica: ReplicaID(0xF))
        var copy = Replica(replicaID: ReplicaID(0xF))
        for case .broadcast(_, _, _, let ops) in replayed { try copy.apply(ops) }
        #expect(copy.text == "abc!")
        for client in [reader, writer, fresh] { await client.close() }
    }
}
