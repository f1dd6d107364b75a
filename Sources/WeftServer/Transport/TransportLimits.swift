/// Deadlines and limits of the relay's connections: what a client that is slow, silent or
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
    /// Open connections at most, all addresses together; nil: a share of the file-descriptor
    /// limit (`defaultMaxConnections`).
    public var maxConnections: Int?
    /// Open connections at most from one remote address; nil: 256, or no limit when the relay
    /// listens on a loopback address (every client then has the same address, this machine's).
    public var maxConnectionsPerAddress: Int?

    public init() {}

    /// Descriptors kept for everything but client connections (the store's files and
    /// connections, logs, the listening socket), and for a moment more when connections are
    /// refused: at least 64, or an eighth of the limit.
    static func reservedDescriptors(of limit: Int) -> Int { max(64, limit / 8) }

    /// Connections allowed by default with `limit` file descriptors: what the reserve leaves, at
    /// most 10,000 (each connection also costs memory).
    public static func defaultMaxConnections(fileDescriptors limit: Int) -> Int {
        min(10_000, max(16, limit - reservedDescriptors(of: limit)))
    }

    /// The connection limits in force: the given ones, else the defaults for `fileDescriptors`
    /// and the listening address.
    func resolved(fileDescriptors: Int, loopback: Bool) -> (total: Int, perAddress: Int?) {
        (maxConnections ?? Self.defaultMaxConnections(fileDescriptors: fileDescriptors),
         maxConnectionsPerAddress ?? (loopback ? nil : 256))
    }
}
