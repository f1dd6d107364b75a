import Logging
import NIOCore
import Synchronization
import WSClient
import WeftCRDT
import WeftWire

/// The heavy side of `weft-bench fairness`: one writer that fills its document with long runs,
/// then sends deletion batches of about 480 KB that delete every other character (each deletion
/// splits a run), one after another: the next leaves when the last is acknowledged.
struct HeavyDocumentWriter: Sendable {
    let url: String
    let document: DocumentName
    let replica: ReplicaID
    /// Characters typed before the deletions start (one run per insertion batch).
    let characters: Int
    /// What the writer and its caller tell each other while it runs.
    let signals = Signals()

    final class Signals: Sendable {
        /// Set by the caller once the light load is done: the writer sends no further batch.
        let stop = Atomic<Bool>(false)
        /// Set by the writer when its document is filled and the deletions begin.
        let deleting = Atomic<Bool>(false)
        /// Set by the writer when it has no deletion left to send.
        let exhausted = Atomic<Bool>(false)
    }

    struct Figures: Sendable {
        var deletionAcks: [Duration] = []
        var batchBytes = 0
    }

    init(url: String, document: DocumentName, replica: ReplicaID, characters: Int) {
        self.url = url
        self.document = document
        self.replica = replica
        self.characters = characters
    }

    /// Insertion batches appending `characters` scalars in runs of up to 400,000.
    private func insertions() -> [[Op]] {
        var batches: [[Op]] = []
        var counter: UInt32 = 0
        while Int(counter) < characters {
            let length = UInt32(min(400_000, characters - Int(counter)))
            let left = counter == 0 ? nil : CharID(replica: replica, counter: counter - 1)
            let op = Op.insert(Insertion(id: CharID(replica: replica, counter: counter), originLeft: left, originRight: nil,
                                         text: String(repeating: "a", count: Int(length))))
            batches.append([op])
            counter += length
        }
        return batches
    }

    /// Deletion batches of about 480 KB each, every other character of the text, front to back.
    private func deletions() -> [[Op]] {
        // A span of one character at a counter from 2^14 to 2^21 takes 5 bytes.
        let spansPerBatch = 480 << 10 / 5
        var batches: [[Op]] = []
        var spans: [IDSpan] = []
        for counter in stride(from: 0, to: characters, by: 2) {
            spans.append(IDSpan(start: CharID(replica: replica, counter: UInt32(counter)), length: 1))
            if spans.count == spansPerBatch {
                batches.append([.delete(Deletion(spans: spans))])
                spans = []
            }
        }
        if !spans.isEmpty { batches.append([.delete(Deletion(spans: spans))]) }
        return batches
    }

    func run() async throws -> Figures {
        let fill = insertions(), heavy = deletions()
        let messages = (fill + heavy).enumerated().map { index, ops in
            ClientMessage.batch(clientSeq: UInt64(index + 1), ops: ops).encoded()
        }
        let hello = ClientMessage.hello(Hello(document: document, epoch: 0, replica: replica, lastServerSeq: 0)).encoded()
        let figures = Mutex(Figures(batchBytes: messages.dropFirst(fill.count).first?.count ?? 0))
        let failure = Mutex<BenchmarkFailure?>(nil)
        let (signals, fillCount) = (self.signals, fill.count)

        _ = try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 4 << 20),
                                              logger: Logger(label: "weft.bench")) { inbound, outbound, _ in
            try await outbound.write(.binary(ByteBuffer(bytes: hello)))
            var next = 0
            var sentAt = ContinuousClock.now
            // Sends batch `next` unless the deletions are over or the caller said stop; false when done.
            func sendNext() async throws -> Bool {
                guard next < messages.count else {
                    signals.exhausted.store(true, ordering: .relaxed)
                    return false
                }
                guard next < fillCount || !signals.stop.load(ordering: .relaxed) else { return false }
                if next == fillCount { signals.deleting.store(true, ordering: .relaxed) }
                sentAt = .now
                try await outbound.write(.binary(ByteBuffer(bytes: messages[next])))
                next += 1
                return true
            }
            for try await frame in inbound.messages(maxSize: WireLimits.maxSnapshotMessageBytes) {
                guard case .binary(var buffer) = frame else { continue }
                switch try ServerMessage(decoding: buffer.readBytes(length: buffer.readableBytes) ?? []) {
                case .caughtUp:
                    if try await !sendNext() { return try await outbound.close(.normalClosure, reason: nil) }
                case .ack(let clientSeq, _):
                    if clientSeq > UInt64(fillCount) {
                        let took = ContinuousClock.now - sentAt
                        figures.withLock { $0.deletionAcks.append(took) }
                    }
                    if try await !sendNext() { return try await outbound.close(.normalClosure, reason: nil) }
                case .error(let error, _):
                    failure.withLock { $0 = BenchmarkFailure("the relay refused the heavy writer's batch: \(error)") }
                    return try await outbound.close(.normalClosure, reason: nil)
                default:
                    break
                }
            }
        }
        if let failure = failure.withLock({ $0 }) { throw failure }
        return figures.withLock { $0 }
    }
}
