import WeftWire

/// Messages on their way to one connection, in order. The room and the connection's own reader
/// put messages in; the connection's writer task sends them. Unbounded on purpose: a slow
/// reader holds memory, not the room.
struct Outbox: Sendable {
    let stream: AsyncStream<ServerMessage>
    private let continuation: AsyncStream<ServerMessage>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: ServerMessage.self)
    }

    func send(_ message: ServerMessage) { continuation.yield(message) }
    func finish() { continuation.finish() }
}
