import Logging
import NIOCore
import Synchronization
import WSClient
import WeftCRDT
import WeftWire

/// Reads a document the way `weft cat` does, again and again until stopped: connect, hello,
/// wait for `caught-up`, close. Keeps how long each read took, connecting included.
final class ReadProbe: Sendable {
    private let timings = Mutex<[Duration]>([])
    private let stopped = Atomic<Bool>(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(url: String, document: DocumentName, every interval: Duration) {
        let hello = ClientMessage.hello(Hello(document: document, epoch: 0, replica: ReplicaID(0xCA7), lastServerSeq: 0, readOnly: true)).encoded()
        let running = Task { [self] in
            while !stopped.load(ordering: .relaxed) {
                let start = ContinuousClock.now
                _ = try? await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 4 << 20),
                                                       logger: Logger(label: "weft.bench")) { inbound, outbound, _ in
                    try await outbound.write(.binary(ByteBuffer(bytes: hello)))
                    for try await frame in inbound.messages(maxSize: WireLimits.maxSnapshotMessageBytes) {
                        guard case .binary(var buffer) = frame,
                              case .caughtUp = try ServerMessage(decoding: buffer.readBytes(length: buffer.readableBytes) ?? [])
                        else { continue }
                        break
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                let took = ContinuousClock.now - start
                timings.withLock { $0.append(took) }
                if took < interval { try? await Task.sleep(for: interval - took) }
            }
        }
        task.withLock { $0 = running }
    }

    /// Stops reading and returns how long each read took.
    func finish() async -> [Duration] {
        stopped.store(true, ordering: .relaxed)
        await task.withLock { $0 }?.value
        return timings.withLock { $0 }
    }
}
