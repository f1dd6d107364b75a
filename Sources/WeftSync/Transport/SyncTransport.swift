import WeftWire

/// How a `DocumentSession` reaches a relay: one connection at a time, run to its end. The session
/// decides when to connect, what to send and when to give up; the transport only moves messages.
/// `WebSocketTransport` is the real one; tests drive a session through an in-memory one.
public protocol SyncTransport: Sendable {
    /// Opens a connection to `address` and runs it until it ends.
    ///
    /// Calls `connected` once the connection is open (before any message is sent or received),
    /// then sends each message of `outgoing` in order and passes each message the relay sends to
    /// `received`, in order. When `outgoing` finishes, the connection is closed cleanly.
    /// - Returns: when the relay closed the connection.
    /// - Throws: what broke it (the session tells the user, in plain words, through
    ///   `ConnectionFailure`; a `SyncError` is shown as it is).
    func run(
        to address: DocumentAddress, options: SessionOptions, outgoing: AsyncStream<ClientMessage>,
        connected: @escaping @Sendable () async -> Void, received: @escaping @Sendable (ServerMessage) async -> Void
    ) async throws
}
