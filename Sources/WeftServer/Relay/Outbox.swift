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
    /// Whether it may travel in a bundle with others (`RelayBundle`): all but snapshots.
    let travelsInBundles: Bool
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
        travelsInBundles = message.travelsInBundles
        switch message {
        case .ack(let clientSeq, let serverSeq): acknowledged = (clientSeq, serverSeq)
        case .welcome(let welcome) where welcome.lastClientSeq > 0: acknowledged = (welcome.lastClientSeq, welcome.serverSeq)
        default: acknowledged = nil
        }
    }
}

/// Messages on their way to one connection, in order. The room and the connection's own reader
/// put messages in; the connection's writer takes them out, as many as wait at once
/// (`take(upTo:)`), so that a busy connection's messages leave in few writes.
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

    /// Frames that may still wait when `drained()` returns: the writer keeps busy meanwhile.
    static let drainedFrames = 64

    private let capacity: Int
    private let byteCapacity: Int
    private let overflowed: @Sendable () -> Void
    private let state = Mutex(State())

    private struct State {
        // Small at first: most connections are idle readers most of the time.
        var frames = CircularBuffer<OutgoingFrame>(initialCapacity: 2)
        /// Bytes of the counted frames waiting.
        var queuedBytes = 0
        /// No frame is added any more; the writer takes what waits, then is told the end.
        var finished = false
        var overflowed = false
        var closing: (code: WebSocketErrorCode, reason: String?) = (.normalClosure, nil)
        /// The writer, waiting for a frame or the end.
        var writer: CheckedContinuation<Void, Never>?
        /// Callers of `drained()`.
        var drainWaiters: [CheckedContinuation<Void, Never>] = []

        var isDrained: Bool { finished || frames.count <= Outbox.drainedFrames }

        mutating func takeWriter() -> CheckedContinuation<Void, Never>? {
            defer { writer = nil }
            return writer
        }

        mutating func takeDrainWaiters() -> [CheckedContinuation<Void, Never>] {
            guard isDrained, !drainWaiters.isEmpty else { return [] }
            defer { drainWaiters = [] }
            return drainWaiters
        }
    }

    /// - Parameter overflowed: runs once, when the client has fallen too far behind.
    init(capacity: Int = Outbox.capacity, byteCapacity: Int, overflowed: @escaping @Sendable () -> Void = {}) {
        self.capacity = capacity
        self.byteCapacity = byteCapacity
        self.overflowed = overflowed
    }

    func send(_ message: ServerMessage) { send(OutgoingFrame(message)) }

    /// Queues `frame`; one not `counted` (a replay's) does not count against the byte bound.
    func send(_ frame: OutgoingFrame) {
        let size = frame.counted ? frame.bytes.readableBytes : 0
        let (writer, tooMuch) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            guard !state.finished else { return (nil, false) }
            guard state.frames.count < capacity else { return (nil, true) }
            state.frames.append(frame)
            state.queuedBytes += size
            return (state.takeWriter(), state.queuedBytes > byteCapacity)
        }
        writer?.resume()
        if tooMuch { overflow() }
    }

    /// The frames waiting, oldest first, at most `limit` of them; when none wait, it waits for
    /// the next. Empty once the outbox is finished and every frame has been taken (or the
    /// writer's task is cancelled).
    func take(upTo limit: Int) async -> [OutgoingFrame] {
        while true {
            let (taken, waiters) = state.withLock { state -> ([OutgoingFrame]?, [CheckedContinuation<Void, Never>]) in
                guard !state.frames.isEmpty else { return (state.finished ? [] : nil, []) }
                var taken: [OutgoingFrame] = []
                taken.reserveCapacity(min(limit, state.frames.count))
                while taken.count < limit, let frame = state.frames.popFirst() {
                    if frame.counted { state.queuedBytes -= frame.bytes.readableBytes }
                    taken.append(frame)
                }
                return (taken, state.takeDrainWaiters())
            }
            for waiter in waiters { waiter.resume() }
            if let taken { return taken }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (writer: CheckedContinuation<Void, Never>) in
                    let now = state.withLock { state in
                        guard state.frames.isEmpty, !state.finished else { return true }
                        state.writer = writer
                        return false
                    }
                    if now { writer.resume() }
                }
            } onCancel: {
                finish()
            }
        }
    }

    /// The frames one at a time, in order, until the outbox is finished and empty.
    var frames: AsyncStream<OutgoingFrame> {
        AsyncStream(unfolding: { [self] in await take(upTo: 1).first })
    }

    /// Adds nothing more: the writer takes what waits, then sees the end.
    func finish() {
        let (writer, waiters) = state.withLock { state in
            state.finished = true
            return (state.takeWriter(), state.takeDrainWaiters())
        }
        writer?.resume()
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once at most `drainedFrames` frames wait for the writer, or the outbox is finished.
    func drained() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                guard !state.isDrained else { return true }
                state.drainWaiters.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Disconnects the client at once, as when it falls too far behind for the outbox to hold
    /// what waits for it (`overflowed`).
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
}
