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

    public init(token: String = "", readOnly: Bool = false, caFile: URL? = nil, pingInterval: Duration = .seconds(10)) {
        self.token = token
        self.readOnly = readOnly
        self.caFile = caFile
        self.pingInterval = pingInterval
    }
}
