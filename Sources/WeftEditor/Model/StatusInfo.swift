/// What the status line says about the world outside the editor; the app keeps it current.
public struct StatusInfo: Equatable, Sendable {
    /// The document's name.
    public var document: String
    /// "online", "connecting", "reconnecting in 4s", "stopped".
    public var connection: String
    /// Whether the connection part should stand out (offline, failed).
    public var connectionTrouble: Bool
    /// Batches typed here that the relay has not acknowledged.
    public var unsent: Int
    /// Writes are refused (read-only token or view).
    public var readOnly: Bool
    /// Syncing stopped for good (the document was deleted, the relay refused this copy): what is
    /// shown is no longer live.
    public var syncStopped = false

    public init(document: String, connection: String = "local", connectionTrouble: Bool = false, unsent: Int = 0, readOnly: Bool = false) {
        self.document = document
        self.connection = connection
        self.connectionTrouble = connectionTrouble
        self.unsent = unsent
        self.readOnly = readOnly
    }
}
