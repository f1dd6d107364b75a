/// What the UI shows about sync: the connection and the edits not yet acknowledged.
public struct SyncStatus: Sendable, Equatable {
    public enum Connection: Sendable, Equatable {
        /// Not started or closed.
        case idle
        case connecting
        /// Connected and caught up.
        case online
        /// Disconnected; the next attempt is in `retryIn` (after `attempt` failures).
        case offline(retryIn: Duration, attempt: Int)
        /// Stopped: retrying cannot help (the reason says what to do).
        case failed(String)
    }

    public var connection: Connection
    /// Batches in the offline queue the relay has not acknowledged.
    public var unsent: Int
    /// Other replicas connected to the document (from presence).
    public var peers: Int

    /// The relay refuses this connection's writes (a read-only token, or a read-only hello).
    public var writesRefused: Bool

    public init(connection: Connection, unsent: Int, peers: Int, writesRefused: Bool = false) {
        self.connection = connection
        self.unsent = unsent
        self.peers = peers
        self.writesRefused = writesRefused
    }
}
