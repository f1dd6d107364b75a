import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// Many writers on one document at once, each sending in bursts: the relay writes each
/// connection's acks and broadcasts in batches with one flush, and still every connection is sent
/// every batch exactly once, in serverSeq order, its own as acks and everyone else's as broadcasts.
@Suite(.serialized, .ownThread) struct RelayFanoutTests {
    /// What one connection was sent after caught-up, in order.
    struct Received {
        var serverSeqs: [UInt64] = []
        /// serverSeq → (replica, clientSeq) of the broadcasts.
        var broadcasts: [UInt64: DocumentLog.BatchKey] = [:]
        /// serverSeq → clientSeq of its own acks.
        var acks: [UInt64: UInt64] = [:]
    }

    /// A seeded run (the seed is printed; `WEFT_FANOUT_SEED` repeats it): 3 to 6 writers, each
    /// sending 20 to 120 one-keystroke batches in bursts of 1 to 40 without waiting for acks, with
    /// short random pauses between bursts.
    @Test func interleavedWritersAreEachSentEveryBatchOnceInServerSeqOrder() async throws {
        let seed = ProcessInfo.processInfo.environment["WEFT_FANOUT_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("relay fan-out: seed \(seed) (WEFT_FANOUT_SEED=\(seed) repeats it)")
        var random = SeededGenerator(seed: seed)
        let directory = RelayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--max-message-rate", "100000"])

        let writers = Int.random(in: 3...6, using: &random)
        var plans: [(replica: ReplicaID, batches: [[Op]], bursts: [(size: Int, pause: Int)])] = []
        for index in 0..<writers {
            let replica = ReplicaID(UInt64(0x100 + index))
            var editor = Replica(replicaID: replica)
            let count = Int.random(in: 20...120, using: &random)
            let batches = try (0..<count).map { _ in [try editor.insert("\(index)", at: editor.count)!] }
            var bursts: [(Int, Int)] = []
            var planned = 0
            while planned < count {
                let size = min(Int.random(in: 1...40, using: &random), count - planned)
                bursts.append((size, Int.random(in: 0...20, using: &random)))
                planned += size
            }
            plans.append((replica, batches, bursts))
        }
        let total = plans.reduce(0) { $0 + $1.batches.count }

        var clients: [RelayTestClient] = []
        for plan in plans { clients.append(try await RelayTests.join(relay, replica: plan.replica).0) }
        let received = try await withThrowingTaskGroup(of: (Int, Received).self) { group in
            for (index, plan) in plans.enumerated() {
                let client = clients[index]
                group.addTask {
                    var next = 0
                    for burst in plan.bursts {
                        for _ in 0..<burst.size {
                            next += 1
                            try await client.send(.batch(clientSeq: UInt64(next), ops: plan.batches[next - 1]))
                        }
                        try await Task.sleep(for: .milliseconds(burst.pause))
                    }
                    var got = Received()
                    while got.serverSeqs.count < total, let message = await client.receive(timeout: .seconds(60)) {
                        switch message {
                        case .ack(let clientSeq, let serverSeq):
                            got.serverSeqs.append(serverSeq)
                            got.acks[serverSeq] = clientSeq
                        case .broadcast(let serverSeq, let replica, let clientSeq, _):
                            got.serverSeqs.append(serverSeq)
                            got.broadcasts[serverSeq] = DocumentLog.BatchKey(replica: replica, clientSeq: clientSeq)
                        default:
                            break
                        }
                    }
                    return (index, got)
                }
            }
            var all = [Received](repeating: Received(), count: writers)
            for try await (index, got) in group { all[index] = got }
            return all
        }

        // Who committed each serverSeq, as the first connection to be sent it saw it.
        var committed: [UInt64: DocumentLog.BatchKey] = [:]
        for (index, got) in received.enumerated() {
            #expect(got.serverSeqs == Array(1...UInt64(total)), "seed \(seed): writer \(index) was sent serverSeqs out of order, twice or not at all")
            #expect(got.acks.values.sorted() == Array(1...UInt64(plans[index].batches.count)), "seed \(seed): writer \(index)'s acks")
            #expect(Set(got.broadcasts.values.map(\.replica)).isDisjoint(with: [plans[index].replica]), "seed \(seed): writer \(index) was sent its own batch")
            for (serverSeq, clientSeq) in got.acks {
                let key = DocumentLog.BatchKey(replica: plans[index].replica, clientSeq: clientSeq)
                #expect(committed.updateValue(key, forKey: serverSeq).map { $0 == key } ?? true, "seed \(seed): serverSeq \(serverSeq) names two batches")
            }
            for (serverSeq, key) in got.broadcasts {
                #expect(committed.updateValue(key, forKey: serverSeq).map { $0 == key } ?? true, "seed \(seed): serverSeq \(serverSeq) names two batches")
            }
        }
        #expect(committed.count == total, "seed \(seed)")
        // Each replica's batches were committed in its clientSeq order.
        for plan in plans {
            let order = committed.sorted { $0.key < $1.key }.filter { $0.value.replica == plan.replica }.map(\.value.clientSeq)
            #expect(order == Array(1...UInt64(plan.batches.count)), "seed \(seed): replica \(plan.replica)")
        }
        for client in clients { await client.close() }
    }

    /// What a connection that only reads gets on the wire while writers flood the document: one
    /// binary WebSocket message per broadcast, unfragmented, byte for byte the broadcast's
    /// encoding, in serverSeq order, however many of them shared a write.
    @Test func aReaderGetsEachBroadcastAsItsOwnWholeMessage() async throws {
        let directory = RelayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--max-message-rate", "100000"])
        let reader = try RelayTransportTests.joined(relay, replica: 0xEE)
        guard let caughtUp = reader.nextFrame(timeout: .seconds(30)), case .caughtUp(0)? = try? ServerMessage(decoding: caughtUp.payload) else {
            throw RelayTestFailure(description: "no caught-up")
        }
        let perWriter = 200
        var writers: [(RelayTestClient, [[Op]])] = []
        for index in 0..<3 {
            let replica = ReplicaID(UInt64(0x200 + index))
            var editor = Replica(replicaID: replica)
            let batches = try (0..<perWriter).map { _ in [try editor.insert("w", at: editor.count)!] }
            writers.append((try await RelayTests.join(relay, replica: replica).0, batches))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (client, batches) in writers {
                group.addTask {
                    for (index, ops) in batches.enumerated() { try await client.send(.batch(clientSeq: UInt64(index + 1), ops: ops)) }
                }
            }
            try await group.waitForAll()
        }
        var frames: [RawWebSocket.Frame] = []
        while frames.count < 3 * perWriter, let frame = reader.nextFrame(timeout: .seconds(60)) { frames.append(frame) }
        #expect(frames.count == 3 * perWriter)
        for (index, frame) in frames.enumerated() {
            #expect(frame.fin && frame.opcode == 0x2, "message \(index): fin \(frame.fin), opcode \(frame.opcode)")
            guard case .broadcast(let serverSeq, let replica, let clientSeq, let ops)? = try? ServerMessage(decoding: frame.payload) else {
                Issue.record("message \(index) is not a broadcast")
                continue
            }
            #expect(serverSeq == UInt64(index + 1))
            let expected = ServerMessage.broadcast(serverSeq: serverSeq, replica: replica, clientSeq: clientSeq, ops: ops).encoded()
            #expect(frame.payload == expected, "message \(index) differs from the broadcast's encoding")
            let writer = Int(replica.rawValue) - 0x200
            #expect((0..<3).contains(writer) && ops == writers[writer].1[Int(clientSeq) - 1],
                    "message \(index) carries other ops than batch \(clientSeq) of its writer")
        }
        for (client, _) in writers { await client.close() }
    }
}
