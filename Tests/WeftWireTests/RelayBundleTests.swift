import Testing
import WeftCRDT
import WeftTestSupport
import WeftWire

/// Bundles (PROTOCOL.md, "Bundles"): how a relay cuts a run of messages into WebSocket messages,
/// and how a client reads them back.
@Suite struct RelayBundleTests {
    /// Seeded runs of relay messages, from one byte to past the message limit, with snapshots
    /// among them: cut into runs and encoded as the relay does, every WebSocket message is within
    /// the limit, reads back as exactly the messages, in order, and no run could have taken the
    /// message after it.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func runsReadBackAsTheMessagesInOrder(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let replica = ReplicaID(0xB0B)
        for round in 0..<5 {
            var messages: [ServerMessage] = []
            for index in 0..<Int.random(in: 1...300, using: &random) {
                let serverSeq = UInt64(round * 1_000 + index + 1)
                switch Int.random(in: 0..<10, using: &random) {
                case 0: messages.append(.ack(clientSeq: serverSeq, serverSeq: serverSeq))
                case 1: messages.append(.caughtUp(serverSeq: serverSeq))
                case 2: messages.append(.presenceGone(replica: replica))
                case 3 where Int.random(in: 0..<8, using: &random) == 0:
                    messages.append(.snapshot(serverSeq: serverSeq, bytes: [UInt8](repeating: 7, count: Int.random(in: 1...(3 << 19), using: &random))))
                default:
                    // Mostly keystrokes; now and then a batch near the op batch limit, so that
                    // runs must be cut before the message limit.
                    let length = Int.random(in: 0..<6, using: &random) == 0 ? Int.random(in: 100_000...500_000, using: &random)
                                                                          : Int.random(in: 1...40, using: &random)
                    let text = String(repeating: "x", count: length)
                    let op = Op.insert(Insertion(id: CharID(replica: replica, counter: UInt32(index) * 600_000), originLeft: nil, originRight: nil, text: text))
                    messages.append(.broadcast(serverSeq: serverSeq, replica: replica, clientSeq: serverSeq, ops: [op]))
                }
            }
            let encoded = messages.map { $0.encoded() }
            let sizes = zip(messages, encoded).map { message, bytes in message.travelsInBundles ? bytes.count : nil }
            let runs = RelayBundle.runs(sizes: sizes)
            #expect(runs.map(\.lowerBound) == [0] + runs.dropLast().map(\.upperBound), "seed \(seed) round \(round): runs leave gaps")
            #expect(runs.last?.upperBound == messages.count, "seed \(seed) round \(round): runs stop early")
            var read: [ServerMessage] = []
            for (position, run) in runs.enumerated() {
                let frame = run.count == 1 ? encoded[run.lowerBound] : RelayBundle.encode(Array(encoded[run]))
                if run.count > 1 {
                    #expect(frame.count <= WireLimits.maxFrameBytes, "seed \(seed) round \(round): a bundle of \(frame.count) bytes")
                    #expect(run.allSatisfy { sizes[$0] != nil }, "seed \(seed) round \(round): a snapshot in a bundle")
                }
                read += try ServerMessage.messages(decoding: frame)
                // Greedy: the next message went on its own because it is a snapshot, this run
                // is one, or both would not fit one bundle.
                if position + 1 < runs.count, sizes[run.upperBound] != nil, sizes[run.lowerBound] != nil {
                    let joined = run.lowerBound...run.upperBound
                    let size = RelayBundle.header(count: joined.count).count
                        + joined.reduce(0) { $0 + RelayBundle.lengthPrefix(encoded[$1].count).count + encoded[$1].count }
                    #expect(size > WireLimits.maxFrameBytes, "seed \(seed) round \(round): run \(run) could have taken the next message")
                }
            }
            #expect(read == messages, "seed \(seed) round \(round): what was read is not what was sent")
        }
    }

    @Test func aBadBundleIsRefusedInPlainWords() throws {
        let ack = ServerMessage.ack(clientSeq: 1, serverSeq: 8).encoded()
        let caughtUp = ServerMessage.caughtUp(serverSeq: 8).encoded()
        func refusal(_ bytes: [UInt8]) -> WireError? {
            do {
                _ = try ServerMessage.messages(decoding: bytes)
                return nil
            } catch { return error }
        }
        #expect(refusal([0x8A, 0x01, 0x03] + ack)?.message == "a bundle holds 1 message; it holds at least 2")
        #expect(refusal([0x8A, 0x00])?.code == .malformed)
        let snapshot = ServerMessage.snapshot(serverSeq: 8, bytes: [1]).encoded()
        #expect(refusal([0x8A, 0x02, 0x03] + ack + [UInt8(snapshot.count)] + snapshot)?.message.contains("snapshot") == true)
        let inner = RelayBundle.encode([ack, caughtUp])
        #expect(refusal([0x8A, 0x02, 0x03] + ack + [UInt8(inner.count)] + inner)?.message.contains("another bundle") == true)
        #expect(refusal(RelayBundle.encode([ack, caughtUp]) + [0])?.code == .malformed, "a byte after the last message")
        #expect(refusal(Array(RelayBundle.encode([ack, caughtUp]).dropLast()))?.code == .malformed, "a message cut short")
        #expect(refusal([0x8A, 0x7F, 0x03] + ack)?.code == .malformed, "a count past what the bytes can hold")
        #expect(refusal([0x8A, 0x02, 0x03, 0x85, 0x01, 0x08, 0x02, 0x7F, 0x00])?.message == "unknown relay message type 127")
        #expect(refusal([0x8A] + [UInt8](repeating: 0, count: WireLimits.maxFrameBytes))?.code == .tooLarge)
        // Read alone, a bundle is no single message.
        #expect(throws: WireError.self) { try ServerMessage(decoding: RelayBundle.encode([ack, caughtUp])) }
        #expect(try ServerMessage.messages(decoding: ack) == [.ack(clientSeq: 1, serverSeq: 8)])
    }

    @Test func theDocumentedExampleReadsAsItsTwoMessages() throws {
        let bytes = try ProtocolExampleTests.example("bundle-caught-up-ack")
        #expect(try ServerMessage.messages(decoding: bytes) == [.caughtUp(serverSeq: 8), .ack(clientSeq: 1, serverSeq: 8)])
        #expect(RelayBundle.encode([ServerMessage.caughtUp(serverSeq: 8).encoded(), ServerMessage.ack(clientSeq: 1, serverSeq: 8).encoded()]) == bytes)
    }

    @Test func aHelloAsksForBundlesWithFlagBitSeven() throws {
        let hello = Hello(document: try DocumentName("notes"), epoch: 0, replica: ReplicaID(1), lastServerSeq: 0, takesBundles: true)
        let bytes = ClientMessage.hello(hello).encoded()
        #expect(bytes[bytes.count - 3] == 0x80)
        #expect(try ClientMessage(decoding: bytes) == .hello(hello))
    }
}
