import Foundation

/// How a `DocumentSession` connects.
public struct SessionOptions: Sendable {
    /// Sent in hello ("" for none).
    public var token: String
    /// Declare the connection read-only (the pager).
    public var readOnly: Bool
    /// A PEM file of certificates to trust for wss, instead of the system's.
    public var caFile: URL?
    /// Send WebSocket pings this often; a connection whose pong does not come back is dropped.
    public var pingInterval: Duration
    /// How long a connection may take to be welcomed (TCP, TLS, WebSocket upgrade, hello); after
    /// that it is dropped and tried again. Pings watch it from the upgrade on.
    public var connectTimeout: Duration
    /// Messages per second the session sends at most (bursts of twice as many), below the relay's
    /// default per-connection limit of 500, so flushing a long offline queue is paced, not refused.
    public var maxMessagesPerSecond: Double = 400
    /// The user's configured name, sent in hello ("" for none): a relay without tokens records
    /// the batches of this replica under it, marked unverified.
    public var userName = ""
    /// The server a bare document name means for this user (`$WEFT_SERVER`, the config's
    /// `server`, or the built-in one): messages name the document bare only when it is there.
    public var defaultServer = DocumentAddress.defaultServer()
    /// A live view (the pager): when this reading copy holds history the relay lost, it keeps
    /// asking again now and then (others may give it back meanwhile) instead of stopping, as a
    /// one-off read does.
    public var keepsWatching = false

    public init(token: String = "", readOnly: Bool = false, caFile: URL? = nil, pingInterval: Duration = .seconds(10),
                connectTimeout: Duration = .seconds(15)) {
        self.token = token
        self.readOnly = readOnly
        self.caFile = caFile
        self.pingInterval = pingInterval
        self.connectTimeout = connectTimeout
    }
}
