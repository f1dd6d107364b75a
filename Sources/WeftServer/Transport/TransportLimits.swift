/// Deadlines and bounds of the relay's connections: what a client that is slow, silent or
/// greedy may hold, and for how long. Every phase a client controls has a deadline.
public struct TransportLimits: Sendable {
    /// From connecting to a complete HTTP request (and the TLS handshake before it, with TLS); and
    /// again from the WebSocket upgrade to the first message (hello). Also how long an HTTP
    /// connection may stay idle between requests.
    public var handshakeTimeout: Duration = .seconds(5)
    /// The relay pings every WebSocket this often; a connection that neither answers a ping nor
    /// takes any of the data waiting for it for three intervals is closed.
    public var pingInterval: Duration = .seconds(10)
    /// Bytes of messages that may wait for one client that reads more slowly than they come; past
    /// it (or 65,536 messages) the client is disconnected and catches up from the log when it
    /// reconnects. Bounds the memory each slow reader can hold.
    public var maxQueuedBytes = 32 << 20
    public init() {}

}
