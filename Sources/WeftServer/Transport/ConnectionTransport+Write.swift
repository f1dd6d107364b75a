import NIOCore
import NIOWebSocket

extension ConnectionTransport {
    /// Writes `messages` as binary WebSocket messages, in order, with one flush after the last,
    /// and returns once the socket has taken them all.
    ///
    /// WSCore's writer flushes every message it is given: one `writev` each, which with dozens of
    /// recipients per commit was what the relay spent most of its time on. Here the messages of
    /// one write share a flush, so the kernel gets them in as few calls as their bytes allow.
    /// Returning only once they are written keeps the back-pressure of writing one by one: a
    /// client that reads nothing leaves the next write waiting, and its outbox fills until it
    /// overflows. The messages go through the whole pipeline (the `WebSocketGuard` still refuses
    /// anything after a close frame, TLS still encrypts).
    /// - Throws: when the connection is closed or the write fails.
    func write(_ messages: [ByteBuffer]) async throws {
        guard !messages.isEmpty else { return }
        let channel = self.channel
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            let pipeline = channel.pipeline.syncOperations
            for (index, bytes) in messages.enumerated() {
                let frame = WebSocketFrame(fin: true, opcode: .binary, data: bytes)
                // Every write fails once one has (the channel is closed), so the last one's
                // promise reports for all.
                pipeline.write(NIOAny(frame), promise: index == messages.count - 1 ? written : nil)
            }
            pipeline.flush()
        }
        try await written.futureResult.get()
    }
}
