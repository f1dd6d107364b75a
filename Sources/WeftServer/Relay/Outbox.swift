import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Synchronization
import WeftWire

/// A relay message encoded once, ready for any number of connections (a broadcast goes to every
/// other member of the document: encoding it once per member would be wasted work).
struct OutgoingFrame: Sendable {
    private enum Payload: Sendable {
        case encoded(ByteBuffer)
        /// Encoded when written, on the connection's task (`deferringEncoding`).
        case message(ServerMessage)
    }

    private let payload: Payload
    /// The frame's bytes (encoded now, if the frame deferred it: read them once).
    var bytes: ByteBuffer {
        switch payload {
        case .encoded(let bytes): bytes
        case .message(let message): ByteBuffer(bytes: message.encoded())
        }
    }
    /// A fatal error: the connection closes after sending it.
    let closesConnection: Bool
    /// The clientSeq and serverSeq of an `ack`, or of the newest durable batch a `welcome` names:
    /// a connection that keeps receipts gets one after it.
    let acknowledged: (clientSeq: UInt64, serverSeq: UInt64)?
    /// Whether its bytes count against its outbox's bound: a deferred frame's (a replay's) do
    /// not, its size is not known until it is written.
    var counted: Bool { if case .encoded = payload { true } else { false } }

    init(_ message: ServerMessage) {
        self.init(message, payload: .encoded(ByteBuffer(bytes: message.encoded())))
    }

    /// A frame of `message` encoded only when the connection's writer sends it: a replay's pages
    /// (a snapshot may be megabytes) are encoded on each reader's task, not on the room's, where
    /// they would hold up everyone's live traffic. Such a frame is never counted against its
    /// outbox's bound, which needs its size up front.
    init(deferringEncoding message: ServerMessage) {
        self.init(message, payload: .message(message))
    }

    private init(_ message: ServerMessage, payload: Payload) {
        self.payload = payload
        if case .error(_, fatal: true) = message { closesConnection = true } else { closesConnection = false }
        switch message {
        case .ack(let clientSeq, let serverSeq): acknowledged = (clientSeq, serverSeq)
        case .welcome(let welcome) where welcome.lastClientSeq > 0: acknowledged = (welcome.lastClientSeq, welcome.serverSeq)
        default: acknowledged = nil
        }
    }
}

/// Messages on their way to one connection, in order. The room and the connection's own reader
/// put messages in; the connection's writer task takes them out (`stream`) and sends them.
///
/// Bounded in messages and in bytes: a client that stops reading while others type would
/// otherwise hold the relay's memory without limit (a few hundred large batches are hundreds of
/// megabytes). When `capacity` messages or `byteCapacity` bytes (`--max-queued-mib`) wait, the
/// outbox finishes and `overflowed` runs, which disconnects the client at once (its writer may be
/// stuck behind a full socket, so it cannot be left to notice); the client catches up from the
/// log when it reconnects (nothing is lost: the log has it all). A replay's messages are not
/// counted against the bound (a snapshot alone may be larger): the room reads the next page of a
/// replay only once the outbox has drained (`drained()`).
final class Outbox: Sendable {
    static let capacity = 65_536

    /// The frames, for the writer; each leaves the byte count as the writer takes it.
    let stream: Frames
    private let continuation: AsyncStream<OutgoingFrame>.Continuation
    private let byteCapacity: Int
    /// Bytes of the frames queued and not yet taken by the writer.
    private let queuedBytes = ByteCount()
    private let state = Mutex(State())
    private let overflowed: @Sendable () -> Void

    private let drain = Drain()

    private struct State {
        var overflowed = false
        var closing: (code: WebSocketErrorCode, reason: String?) = (.normalClosure, nil)
    }

    /// Frames that may still wait when `drained()` returns: the writer keeps busy meanwhile.
    static let drainedFrames = 64

    /// - Parameter overflowed: runs once, when the client has fallen too far behind.
    init(capacity: Int = Outbox.capacity, byteCapacity: Int, overflowed: @escaping @Sendable () -> Void = {}) {
        let (stream, continuation) = AsyncStream.makeStream(of: OutgoingFrame.self, bufferingPolicy: .bufferingOldest(capacity))
        self.continuation = continuation
        self.byteCapacity = byteCapacity
        self.overflowed = overflowed
        self.stream = Frames(base: stream, queuedBytes: queuedBytes, drain: drain)
    }

    func send(_ message: ServerMessage) { send(OutgoingFrame(message)) }

    /// Queues `frame`; one not `counted` (a replay's) does not count against the byte bound.
    func send(_ frame: OutgoingFrame) {
        drain.added()
        switch continuation.yield(frame) {
        case .enqueued:
            if frame.counted, queuedBytes.value.add(frame.bytes.readableBytes, ordering: .relaxed).newValue > byteCapacity { overflow() }
        case .dropped:
            drain.taken()
            overflow()
        case .terminated:
            drain.taken()
        @unknown default:
            break
        }
    }

    func finish() {
        continuation.finish()
        drain.finish()
    }

    /// Returns once at most `drainedFrames` frames wait for the writer, or the outbox is finished.
    func drained() async { await drain.wait() }

    /// Disconnects the client at once, as when it falls too far behind for the outbox to hold
    /// what waits for it (`overflowed`): what is queued is dropped.
    func sendAway() { overflow() }

    /// Sends what is queued, then closes the WebSocket with `code` (the writer reads it from
    /// `closing` once the frames run out).
    func close(code: WebSocketErrorCode, reason: String) {
        state.withLock { $0.closing = (code, reason) }
        finish()
    }

    /// The close code and reason the writer ends the WebSocket with.
    var closing: (code: WebSocketErrorCode, reason: String?) { state.withLock { $0.closing } }

    private func overflow() {
        finish()
        let first = state.withLock { state in
            defer { state.overflowed = true }
            return !state.overflowed
        }
        if first { overflowed() }
    }

    /// The outbox's frames in order; taking one subtracts its bytes from the queued count.
    struct Frames: AsyncSequence, Sendable {
        let base: AsyncStream<OutgoingFrame>
        fileprivate let queuedBytes: ByteCount
        fileprivate let drain: Drain

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncStream<OutgoingFrame>.AsyncIterator
            let outbox: Frames

            mutating func next() async -> OutgoingFrame? {
                guard let frame = await base.next() else { return nil }
                if frame.counted { outbox.queuedBytes.value.subtract(frame.bytes.readableBytes, ordering: .relaxed) }
                outbox.drain.taken()
                return frame
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), outbox: self) }
    }
}

/// A byte count shared by an outbox and its frame sequence (a class: atomics cannot be copied).
private final class ByteCount: Sendable {
    let value = Atomic<Int>(0)
}

/// How many frames an outbox holds, for callers waiting for it to drain.
private final class Drain: Sendable {
    private struct State {
        var frames = 0
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []

        mutating func takeWaiters() -> [CheckedContinuation<Void, Never>] {
            defer { waiters = [] }
            return waiters
        }
    }
    private let state = Mutex(State())

    func added() { state.withLock { $0.frames += 1 } }

    func taken() {
        let waiters = state.withLock { state in
            state.frames -= 1
            return state.frames <= Outbox.drainedFrames ? state.takeWaiters() : []
        }
        for waiter in waiters { waiter.resume() }
    }

    func finish() {
        let waiters = state.withLock { state in
            state.finished = true
            return state.takeWaiters()
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                guard !state.finished, state.frames > Outbox.drainedFrames else { return true }
                state.waiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }
}
