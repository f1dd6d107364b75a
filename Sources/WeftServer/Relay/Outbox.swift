import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Synchronization
import WeftWire

/// A relay message encoded once, ready for any number of connections (a broadcast goes to every
/// other member of the document: encoding it once per member would be wasted work).
struct OutgoingFrame: Sendable {
    let bytes: ByteBuffer
    /// A fatal error: the connection closes after sending it.
    let closesConnection: Bool

    init(_ message: ServerMessage) {
        bytes = ByteBuffer(bytes: message.encoded())
        if case .error(_, fatal: true) = message { closesConnection = true } else { closesConnection = false }
    }
}

/// Messages on their way to one connection, in order. The room and the connection's own reader
/// put messages in; the connection's writer task takes them out, all that are queued at once
/// (`next`), and writes them with one flush.
///
/// Bounded in messages and in bytes: a client that stops reading while others type would
/// otherwise hold the relay's memory without limit (a few hundred large batches are hundreds of
/// megabytes). When `capacity` messages or `byteCapacity` bytes (`--max-queued-mib`) wait, the
/// outbox finishes and `overflowed` runs, which disconnects the client at once (its writer may be
/// stuck behind a full socket, so it cannot be left to notice); the client catches up from the
/// log when it reconnects (nothing is lost: the log has it all).
final class Outbox: Sendable {
    static let capacity = 65_536
    /// Bytes one write takes from the outbox at most (at least one message, whatever its size):
    /// what waits beyond it stays counted against `byteCapacity` until the socket took the rest.
    static let writeBytes = 256 << 10
    /// Messages one write takes at most.
    static let writeFrames = 4_096

    private let state: Mutex<State>
    private let overflowed: @Sendable () -> Void

    private struct State {
        var queue: OutboxQueue
        /// The writer, waiting for frames.
        var waiter: CheckedContinuation<Void, Never>?
        var closing: (code: WebSocketErrorCode, reason: String?) = (.normalClosure, nil)
    }

    /// - Parameter overflowed: runs once, when the client has fallen too far behind.
    init(capacity: Int = Outbox.capacity, byteCapacity: Int, overflowed: @escaping @Sendable () -> Void = {}) {
        state = Mutex(State(queue: OutboxQueue(capacity: capacity, byteCapacity: byteCapacity)))
        self.overflowed = overflowed
    }

    func send(_ message: ServerMessage) { send(OutgoingFrame(message)) }

    func send(_ frame: OutgoingFrame) {
        let (push, waiter) = state.withLock { state in (state.queue.push(frame), state.waiter.take()) }
        // The writer takes the frames when it runs, not now: what the room queues meanwhile (the
        // rest of a commit's acks and broadcasts) goes in the same write.
        waiter?.resume()
        if push == .overflowed { overflowed() }
    }

    /// Queues nothing more; the writer gets what is queued, then nil.
    func finish() {
        state.withLock { state in
            state.queue.finish()
            return state.waiter.take()
        }?.resume()
    }

    /// Sends what is queued, then closes the WebSocket with `code` (the writer reads it from
    /// `closing` once the frames run out).
    func close(code: WebSocketErrorCode, reason: String) {
        state.withLock { $0.closing = (code, reason) }
        finish()
    }

    /// The close code and reason the writer ends the WebSocket with.
    var closing: (code: WebSocketErrorCode, reason: String?) { state.withLock { $0.closing } }

    /// Everything queued, oldest first, up to a write's worth (`writeBytes`, `writeFrames`);
    /// waits while nothing is. Nil once the outbox is finished and empty, or the task cancelled.
    /// One writer only.
    func next() async -> [OutgoingFrame]? {
        while true {
            let ready: [OutgoingFrame]?? = state.withLock { state in
                if !state.queue.isEmpty { return state.queue.take(maxBytes: Self.writeBytes, maxFrames: Self.writeFrames) }
                return state.queue.isFinished || Task.isCancelled ? .some(nil) : nil
            }
            if let ready { return ready }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let wake = state.withLock { state in
                        guard state.queue.isEmpty, !state.queue.isFinished, !Task.isCancelled else { return true }
                        state.waiter = continuation
                        return false
                    }
                    if wake { continuation.resume() }
                }
            } onCancel: {
                state.withLock { $0.waiter.take() }?.resume()
            }
        }
    }

    /// The outbox's frames one by one, for readers that want them so (tests); the relay's writer
    /// takes them in writes' worths with `next`.
    var stream: Frames { Frames(outbox: self) }

    struct Frames: AsyncSequence, Sendable {
        let outbox: Outbox

        struct AsyncIterator: AsyncIteratorProtocol {
            let outbox: Outbox
            var taken: [OutgoingFrame] = []
            var index = 0

            mutating func next() async -> OutgoingFrame? {
                if index == taken.count {
                    guard let more = await outbox.next() else { return nil }
                    (taken, index) = (more, 0)
                }
                defer { index += 1 }
                return taken[index]
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(outbox: outbox) }
    }
}
