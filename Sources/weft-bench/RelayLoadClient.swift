import Logging
import NIOCore
import Synchronization
import WSClient
import WeftCRDT
import WeftWire

/// One simulated writer for `weft-bench relay`: joins the document, sends one-keystroke batches
/// (at a fixed rate, or keeping `window` unacknowledged when saturating), and records each
/// batch's ack latency. It reads every broadcast the relay fans out to it, as a real client must,
/// and fails unless the serverSeqs it is sent (broadcasts and its own acks) run without a gap or a
/// repeat.
struct RelayLoadClient: Sendable {
    let url: String
    let document: DocumentName
    let replica: ReplicaID
    /// Batches per second; nil saturates.
    let rate: Double?
    let window: Int
    let duration: Duration
    /// Whether the hello asks for bundles (flag bit 7).
    var takesBundles = true
    /// Start offset, so rate-driven clients do not all send in the same instant.
    let phase: Duration
    let barrier: LoadBarrier

    struct Figures: Sendable {
        var latencies: [Duration] = []
        var broadcasts = 0
        var sent = 0
    }

    /// What the sender and the reader share.
    private final class Shared: Sendable {
        let state = Mutex(State())
        let failure = Mutex<BenchmarkFailure?>(nil)
    }

    private struct State {
        var figures = Figures()
        var sentAt: [ContinuousClock.Instant] = []
        var acked = 0
        var joined = false
        var stopped = false
        /// The last serverSeq this connection was sent.
        var lastServerSeq: UInt64 = 0
    }

    /// Records that serverSeq `serverSeq` arrived; a failure unless it is the next one.
    private static func arrived(_ serverSeq: UInt64, _ state: inout State) -> BenchmarkFailure? {
        defer { state.lastServerSeq = max(state.lastServerSeq, serverSeq) }
        guard serverSeq == state.lastServerSeq + 1 else {
            return BenchmarkFailure("serverSeq \(serverSeq) arrived after \(state.lastServerSeq): a gap or a repeat")
        }
        return nil
    }

    func run() async throws -> Figures {
        var editor = Replica(replicaID: replica)
        // Every batch is made before the clock starts: the figures are the relay's, not the CRDT's.
        var made: [[UInt8]] = []
        let seconds = Double(self.duration.components.seconds)
        let planned = rate.map { Int($0 * (seconds + 1)) + 1 } ?? 400_000
        for clientSeq in 1...planned {
            let op = try editor.insert("x", at: editor.count)!
            made.append(ClientMessage.batch(clientSeq: UInt64(clientSeq), ops: [op]).encoded())
        }
        let batches = made
        let hello = ClientMessage.hello(Hello(document: document, epoch: 0, replica: replica, lastServerSeq: 0, takesBundles: takesBundles)).encoded()
        let (rate, window, duration, phase, barrier) = (self.rate, self.window, self.duration, self.phase, self.barrier)
        let shared = Shared()

        _ = try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 4 << 20),
                                              logger: Logger(label: "weft.bench")) { inbound, outbound, _ in
            @Sendable func send() async throws {
                let index: Int? = shared.state.withLock { state in
                    guard !state.stopped, state.sentAt.count < batches.count else { return nil }
                    state.sentAt.append(.now)
                    return state.sentAt.count - 1
                }
                if let index { try await outbound.write(.binary(ByteBuffer(bytes: batches[index]))) }
            }
            try await outbound.write(.binary(ByteBuffer(bytes: hello)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The sender: once caught up, batches on schedule (or the first window), then it
                // waits for the last ack and closes, which ends the reading below.
                group.addTask {
                    while !shared.state.withLock({ $0.joined }) { try await Task.sleep(for: .milliseconds(2)) }
                    let start = ContinuousClock.now + phase
                    let stop = start + duration
                    try await Task.sleep(until: start, clock: .continuous)
                    if let rate {
                        // Open loop: batch k leaves at start + k/rate whatever the acks do.
                        var k = 0
                        while true {
                            let due = start + .seconds(Double(k) / rate)
                            guard due < stop else { break }
                            try await Task.sleep(until: due, clock: .continuous)
                            try await send()
                            k += 1
                        }
                    } else {
                        for _ in 0..<window { try await send() }
                        try await Task.sleep(until: stop, clock: .continuous)
                    }
                    shared.state.withLock { $0.stopped = true }
                    let deadline = ContinuousClock.now + .seconds(30)
                    func waitFor(_ condition: () -> Bool) async throws {
                        while !condition(), shared.failure.withLock({ $0 == nil }), ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    }
                    try await waitFor { shared.state.withLock { $0.acked == $0.sentAt.count } }
                    let sent = shared.state.withLock { $0.sentAt.count }
                    barrier.arrive(sent: sent)
                    try await waitFor { barrier.totalSent != nil }
                    try await waitFor { shared.state.withLock { $0.figures.broadcasts } >= (barrier.totalSent ?? 0) - sent }
                    try await outbound.close(.normalClosure, reason: nil)
                }
                // The reader: replay until caught-up, then acks (and, saturating, the next batch
                // for each ack) and broadcasts.
                for try await frame in inbound.messages(maxSize: WireLimits.maxSnapshotMessageBytes) {
                    guard case .binary(var buffer) = frame else { continue }
                    for message in try ServerMessage.messages(decoding: buffer.readBytes(length: buffer.readableBytes) ?? []) {
                        switch message {
                        case .snapshot(let serverSeq, _):
                            // A late joiner may be sent the compacted document first; the
                            // replay goes on after it.
                            shared.state.withLock { $0.lastServerSeq = max($0.lastServerSeq, serverSeq) }
                        case .caughtUp(let serverSeq):
                            shared.state.withLock { state in
                                state.joined = true
                                state.lastServerSeq = serverSeq
                            }
                        case .ack(let clientSeq, let serverSeq):
                            let failure = shared.state.withLock { state in
                                state.figures.latencies.append(.now - state.sentAt[Int(clientSeq) - 1])
                                state.acked += 1
                                return Self.arrived(serverSeq, &state)
                            }
                            if let failure { shared.failure.withLock { $0 = $0 ?? failure } }
                            if rate == nil { try await send() }
                        case .broadcast(let serverSeq, _, _, _):
                            let failure = shared.state.withLock { state in
                                state.figures.broadcasts += 1
                                return Self.arrived(serverSeq, &state)
                            }
                            if let failure { shared.failure.withLock { $0 = $0 ?? failure } }
                        case .error(let error, _):
                            shared.failure.withLock { $0 = BenchmarkFailure("the relay refused the load: \(error)") }
                        default:
                            break
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        if let failure = shared.failure.withLock({ $0 }) { throw failure }
        let (figures, acked, sent) = shared.state.withLock { ($0.figures, $0.acked, $0.sentAt.count) }
        guard acked == sent else { throw BenchmarkFailure("\(sent - acked) of \(sent) batches were never acknowledged") }
        return Figures(latencies: figures.latencies, broadcasts: figures.broadcasts, sent: sent)
    }
}
