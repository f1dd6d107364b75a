import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// One document's heavy work never holds the others up: a room applies its batches on a thread of
/// its own, so the relay's shared threads stay free for every other document.
@Suite(.serialized) struct RelayFairnessTests {
    /// Characters each heavy document starts with, in one run.
    static let heavyText = 400_000

    /// A deletion of every other one of the first 196,608 characters typed by `replica`: about
    /// 480 KB, and each of its 98,304 spans splits a run, which takes the relay seconds to apply.
    static func heavyDeletion(of replica: ReplicaID) -> [Op] {
        let spans = stride(from: 0, to: 196_608, by: 2).map { IDSpan(start: CharID(replica: replica, counter: UInt32($0)), length: 1) }
        return [.delete(Deletion(spans: spans))]
    }

    /// As many documents as the machine has cores (at least two) each get a heavy deletion batch;
    /// while the relay applies them, three keystrokes on another document, each sent when the last
    /// is acknowledged, are all acknowledged before any of the heavy batches. The order of the acks
    /// is what is checked, not how long anything took. A relay that applied batches on its shared
    /// threads (one per core) could not even read a keystroke before one of the heavy batches was
    /// done: the first keystroke's ack might still race that batch's, the next ones could not.
    @Test func keystrokesAreAcknowledgedWhileOtherDocumentsApplyHeavyBatches() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--max-message-rate", "100000"])
        let heavyCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
        var heavy: [(client: RelayTestClient, replica: ReplicaID)] = []
        for index in 0..<heavyCount {
            let replica = ReplicaID(UInt64(0xB0 + index))
            let (client, _, _) = try await RelayTests.join(relay, document: "heavy-\(index)", replica: replica)
            let fill = Op.insert(Insertion(id: CharID(replica: replica, counter: 0), originLeft: nil, originRight: nil,
                                           text: String(repeating: "a", count: Self.heavyText)))
            try await client.send(.batch(clientSeq: 1, ops: [fill]))
            #expect(await client.receive(timeout: .seconds(120)) == .ack(clientSeq: 1, serverSeq: 1))
            heavy.append((client, replica))
        }
        let (light, _, _) = try await RelayTests.join(relay, document: "light", replica: ReplicaID(0xA))

        for (client, replica) in heavy { try await client.send(.batch(clientSeq: 2, ops: Self.heavyDeletion(of: replica))) }
        // Time for the heavy batches to arrive and their applying to begin. Were the keystrokes
        // read first, a relay without the fix would acknowledge them first too: the wait makes
        // the test able to fail, never able to fail wrongly.
        try await Task.sleep(for: .seconds(1))

        let order = AckOrder()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var typist = Replica(replicaID: ReplicaID(0xA))
                for clientSeq in 1...UInt64(3) {
                    guard let op = try? typist.insert("x", at: 0), (try? await light.send(.batch(clientSeq: clientSeq, ops: [op]))) != nil,
                          await light.receive(timeout: .seconds(300)) == .ack(clientSeq: clientSeq, serverSeq: clientSeq)
                    else { return }
                    await order.note("light-\(clientSeq)")
                }
            }
            for (index, entry) in heavy.enumerated() {
                group.addTask {
                    if await entry.client.receive(timeout: .seconds(300)) == .ack(clientSeq: 2, serverSeq: 2) { await order.note("heavy-\(index)") }
                }
            }
        }
        let acknowledged = await order.names
        #expect(acknowledged.count == heavyCount + 3, "acknowledged: \(acknowledged)")
        #expect(Array(acknowledged.prefix(3)) == ["light-1", "light-2", "light-3"], "acknowledged in this order: \(acknowledged)")
        await light.close()
        for (client, _) in heavy { await client.close() }
    }

    /// The order in which acks reached the test.
    actor AckOrder {
        private(set) var names: [String] = []
        func note(_ name: String) { names.append(name) }
    }
}
