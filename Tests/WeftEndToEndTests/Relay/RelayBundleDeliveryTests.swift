import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// Bundles against a real relay process: a client that asks for them (hello flag bit 7) reads
/// exactly what a client that does not reads, in fewer WebSocket messages, each within the
/// message limit; a client that does not ask never gets one.
@Suite(.serialized) struct RelayBundleDeliveryTests {
    /// Reads `client`'s WebSocket messages (a client made with `decoding: false`), each as the
    /// messages it holds, until `last` matches one; the messages and how many WebSocket messages
    /// carried them.
    private static func read(_ client: RelayTestClient, until last: (ServerMessage) -> Bool) async throws -> (messages: [ServerMessage], frames: Int) {
        var messages: [ServerMessage] = []
        var frames = 0
        while let event = await client.next() {
            guard case .frame(let bytes) = event else { throw RelayTestFailure(description: "the connection ended after \(messages.count) messages: \(event)") }
            #expect(bytes.count <= WireLimits.maxFrameBytes || bytes.first == 0x82, "a WebSocket message of \(bytes.count) bytes")
            frames += 1
            messages += try ServerMessage.messages(decoding: bytes)
            if let final = messages.last, last(final) { return (messages, frames) }
        }
        throw RelayTestFailure(description: "nothing more came after \(messages.count) messages")
    }

    @Test func aClientThatAsksReadsTheSameMessagesInFewerWebSocketMessages() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        let name = try DocumentName("notes")

        // The writer asks for bundles and keeps receipts: each ack comes with its receipt right
        // after it, bundled or not.
        var typist = Replica(replicaID: ReplicaID(0x7))
        let writer = try await RelayTestClient(port: relay.port, path: "notes", decoding: false)
        try await writer.send(.hello(Hello(document: name, epoch: 0, replica: typist.replicaID, lastServerSeq: 0,
                                           wantsReceipts: true, takesBundles: true)))
        _ = try await Self.read(writer) { if case .caughtUp = $0 { true } else { false } }
        // Keystrokes, with a few batches near the op batch limit among them: three of those
        // cannot share one bundle.
        let count = 306
        for index in 0..<count {
            let text = index % 51 == 50 ? String(repeating: "b", count: 400_000) : "x"
            try await writer.send(.batch(clientSeq: UInt64(index + 1), ops: [try typist.insert(text, at: typist.count)!]))
            if index % 4 == 3 { try await Task.sleep(for: .milliseconds(10)) }  // under the rate limit
        }
        let (written, _) = try await Self.read(writer) { if case .receipt(let receipt) = $0 { receipt.clientSeq == UInt64(count) } else { false } }
        let acks = written.enumerated().compactMap { index, message -> (Int, UInt64, UInt64)? in
            if case .ack(let clientSeq, let serverSeq) = message { (index, clientSeq, serverSeq) } else { nil }
        }
        #expect(acks.map(\.1) == (1...UInt64(count)).map { $0 }, "every batch acknowledged once, in order")
        for (index, clientSeq, serverSeq) in acks {
            guard index + 1 < written.count, case .receipt(let receipt) = written[index + 1] else {
                Issue.record("ack \(clientSeq) is not followed by its receipt")
                continue
            }
            #expect(receipt.clientSeq == clientSeq && receipt.serverSeq == serverSeq)
        }

        // Two readers join from nothing: one asks for bundles, one does not.
        let plain = try await RelayTestClient(port: relay.port, path: "notes")
        try await plain.send(.hello(Hello(document: name, epoch: 0, replica: ReplicaID(0x100), lastServerSeq: 0, readOnly: true)))
        var plainMessages: [ServerMessage] = []
        while let event = await plain.next() {
            guard case .message(let message) = event else { throw RelayTestFailure(description: "the plain reader got \(event)") }
            plainMessages.append(message)
            if case .caughtUp = message { break }
        }
        let bundled = try await RelayTestClient(port: relay.port, path: "notes", decoding: false)
        try await bundled.send(.hello(Hello(document: name, epoch: 0, replica: ReplicaID(0x100), lastServerSeq: 0, readOnly: true,
                                            takesBundles: true)))
        let (replay, frames) = try await Self.read(bundled) { if case .caughtUp = $0 { true } else { false } }
        #expect(replay == plainMessages, "the replay differs between the two readers")
        #expect(replay.count == count + 2, "welcome, \(count) broadcasts, caught-up")
        // Unbundled, every message is a WebSocket message. How many share one depends on how far the
        // replay is ahead of the writing when it looks (a quarter of the messages alone, three
        // times in three; 123 of 308 with seven other suites on two cores).
        #expect(frames < replay.count / 2, "\(replay.count) messages came in \(frames) WebSocket messages")

        // Live: a burst reaches both, gapless, the bundling reader in bundles or not.
        for index in count..<count + 100 {
            try await writer.send(.batch(clientSeq: UInt64(index + 1), ops: [try typist.insert("y", at: typist.count)!]))
        }
        let (live, _) = try await Self.read(bundled) { if case .broadcast(let serverSeq, _, _, _) = $0 { serverSeq == UInt64(count + 100) } else { false } }
        #expect(live.compactMap { if case .broadcast(let serverSeq, _, _, _) = $0 { serverSeq } else { nil } } == (UInt64(count + 1)...UInt64(count + 100)).map { $0 })
        for serverSeq in UInt64(count + 1)...UInt64(count + 100) {
            guard case .broadcast(serverSeq, _, _, _)? = await plain.receive() else {
                Issue.record("the plain reader did not get broadcast \(serverSeq) on its own")
                break
            }
        }
        await plain.close()
        await bundled.close()
        await writer.close()
    }
}
