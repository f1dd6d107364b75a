import NIOCore
import NIOWebSocket

/// What the relay's WebSocket code needs from the connection under it: an outbox that, when the
/// client falls too far behind, fails the connection at once (its writer may be stuck behind a
/// full socket), and that shutdown can end after what it holds.
struct ConnectionTransport: Sendable {
    let channel: any Channel
    let connections: OpenConnections
    /// The outbox's byte bound.
    let maxQueuedBytes: Int

    /// The connection's outbox, registered for shutdown; when the relay is already stopping, one
    /// that is closed (with 1012, after what the connection is sent before it reads it).
    func outbox() -> Outbox {
        let channel = self.channel
        let outbox = Outbox(byteCapacity: maxQueuedBytes, overflowed: {
            channel.pipeline.fireUserInboundEventTriggered(
                WebSocketGuard.Disconnect(code: .policyViolation, reason: "too far behind; connect again to catch up", closure: .slowReader))
        })
        if !connections.attach(outbox, to: channel) {
            outbox.close(code: WebSocketGuard.restarting, reason: Self.stoppingReason)
        }
        return outbox
    }

    /// What a client reads in the close frame when the relay stops.
    static let stoppingReason = "the relay is stopping; connect again"
}
