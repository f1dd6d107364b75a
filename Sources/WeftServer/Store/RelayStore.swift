import WeftWire

/// Where a relay keeps documents durably. A method that returns has committed: the relay
/// acknowledges nothing before that.
public protocol RelayStore: Sendable {
    /// The document's stored state, creating it (with a fresh epoch) when it does not exist.
    func open(_ document: DocumentName) async throws -> StoredDocument

    /// Appends `entries` in one transaction (group commit). Their server sequences must continue
    /// the log without gaps and their (replica, clientSeq) must be new.
    func append(_ entries: [LogEntry], to document: DocumentName) async throws

    /// Up to `limit` entries after `serverSeq`, in order; fewer at the end of the log.
    func entries(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> [LogEntry]

    /// The server sequence a replica's batch was committed as, while the log still holds it.
    func serverSeq(of document: DocumentName, replica: UInt64, clientSeq: UInt64) async throws -> UInt64?

    /// The latest snapshot and the server sequence it reflects (empty and 0 when none).
    func snapshot(of document: DocumentName) async throws -> (bytes: [UInt8], serverSeq: UInt64)

    /// Stores a snapshot as of `serverSeq` and drops log entries at or below `keepAfter`.
    func compact(_ document: DocumentName, snapshot: [UInt8], serverSeq: UInt64, keepAfter: UInt64) async throws
}

/// A store refused an operation: what the relay reports as `unavailable` or, for a broken
/// invariant, a bug to fix.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
