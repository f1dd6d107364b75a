import NIOCore
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
/// put messages in; the connection's writer task sends them.
///
/// Bounded: a client that stops reading while others type would otherwise hold the relay's memory
/// without limit. When `capacity` messages wait, the outbox finishes, the connection closes, and
/// the client catches up from the log when it reconnects (nothing is lost: the log has it all).
struct Outbox: Sendable {
    static let capacity = 65_536
    let stream: AsyncStream<OutgoingFrame>
    private let continuation: AsyncStream<OutgoingFrame>.Continuation

    init(capacity: Int = Outbox.capacity) {
        (stream, continuation) = AsyncStream.makeStream(of: OutgoingFrame.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    func send(_ message: ServerMessage) { send(OutgoingFrame(message)) }

    func send(_ frame: OutgoingFrame) {
        if case .dropped = continuation.yield(frame) { continuation.finish() }
    }

    func finish() { continuation.finish() }
}
