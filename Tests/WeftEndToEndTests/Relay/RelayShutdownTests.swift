import Foundation
import Testing
import WeftCRDT
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// SIGTERM and SIGINT stop the relay within `--shutdown-timeout` whatever its connections do,
/// committing what it accepted first and telling clients to connect again; a second signal stops
/// it at once.
@Suite(.ownThread) struct RelayShutdownTests {
    @Test func sigtermStopsWithinTheBoundWithIdleHalfUpgradedAndBusyConnections() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let silent = ConnectionFlood(port: relay.port, count: 20)
        let halfUpgraded = ConnectionFlood(port: relay.port, count: 20, firstBytes: Array(RawWebSocket.upgradeRequest(path: "notes").utf8.prefix(75)))
        let noHello = try RawWebSocket(port: relay.port, path: "notes")
        let deaf = try RelayTransportTests.joined(relay, replica: 0xD, receiveBuffer: 4_096)
        let listener = try RelayTransportTests.joined(relay, replica: 0xB)

        // A busy writer: batches sent back to back without waiting for acks.
        let writer = try RelayTransportTests.joined(relay, replica: 0xA)
        var alice = Replica(replicaID: ReplicaID(0xA))
        for clientSeq in 1...200 {
            let batch = ClientMessage.batch(clientSeq: UInt64(clientSeq), ops: [try alice.insert("typing \(clientSeq) ", at: 0)!])
            writer.sendBinary(batch.encoded())
        }
        #expect(RelayProcess.waitUntil(.seconds(10)) { (relay.metrics()["weft_batches_total"] ?? 0) > 0 }, "nothing committed")

        let took = relay.stop(waitingAtMost: .seconds(10))
        #expect(took != nil && took! < .seconds(3) + .milliseconds(1_500), "stopped after \(String(describing: took)) (bound: 3 s)")
        #expect(relay.process.terminationStatus == 0)

        // The writer got an ack for each batch the relay committed before it said goodbye with
        // 1012; the listener was told 1012 too.
        var acked: UInt64 = 0
        var writerClose: UInt16?
        while let frame = writer.nextFrame(timeout: .seconds(2)) {
            if frame.opcode == 0x8 { writerClose = frame.closeCode; break }
            if case .ack(let clientSeq, _)? = try? ServerMessage(decoding: frame.payload) { acked = clientSeq }
        }
        #expect(writerClose == 1012)
        #expect(listener.closeCode(within: .seconds(2)) == 1012)
        _ = (silent, halfUpgraded, noHello, deaf)

        // Every acknowledged batch is in the store.
        let restarted = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let (reader, welcome, _) = try await RelayTests.join(restarted, replica: ReplicaID(0xF))
        #expect(acked > 0 && welcome.serverSeq >= acked, "acked \(acked), stored \(welcome.serverSeq)")
        await reader.close()
    }

    @Test func aSecondSignalStopsAtOnce() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--shutdown-timeout", "60"], patientDeadlines: false)
        // A client that never answers the relay's close keeps an orderly stop waiting.
        let deaf = try RelayTransportTests.joined(relay, replica: 0xD, receiveBuffer: 4_096)
        #expect(relay.stop(signal: SIGINT, waitingAtMost: .seconds(1)) == nil, "stopped before its deaf client closed")
        let took = relay.stop(signal: SIGINT, waitingAtMost: .seconds(5))
        #expect(took != nil && took! < .seconds(1), "a second signal took \(String(describing: took))")
        _ = deaf
    }
}
