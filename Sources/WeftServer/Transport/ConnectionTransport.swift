import NIOCore
import NIOWebSocket

/// What the relay's WebSocket code needs from the connection under it: an outbox that, when the
/// client falls too far behind, fails the connection at once (its writer may be stuck behind a
/// full socket).
struct ConnectionTransport: Sendable {
    let channel: any Channel
    /// The outbox's byte bound.
    let maxQueuedBytes: Int

    /// The connection's outbox.
    func outbox() -> Outbox {
        let channel = self.channel
        let outbox = Outbox(byteCapacity: maxQueuedBytes, overflowed: {
            channel.pipeline.fireUserInboundEventTriggered(
                WebSocketGuard.Disconnect(code: .policyViolation, reason: "too far behind; connect again to catch up", closure: .slowReader))
        })
        return outbox
    }
}
