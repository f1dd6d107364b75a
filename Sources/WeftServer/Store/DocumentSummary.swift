import WeftWire

/// One document a store holds, as a listing shows it (`RelayStore.documents`).
public struct DocumentSummary: Sendable, Hashable {
    public var name: DocumentName
    /// The document's current incarnation.
    public var epoch: UInt64
    /// The newest server sequence committed (0: nothing yet).
    public var head: UInt64
    /// When its last batch was committed, in milliseconds since 1970 (UTC); nil when it has none
    /// with a known time.
    public var changedAt: UInt64?

    public init(name: DocumentName, epoch: UInt64, head: UInt64, changedAt: UInt64?) {
        self.name = name
        self.epoch = epoch
        self.head = head
        self.changedAt = changedAt
    }
}

/// What `RelayStore.rename` did.
public enum RenameOutcome: Sendable, Hashable {
    /// Moved, keeping this epoch (the document is the same one under its new name).
    case renamed(epoch: UInt64)
    /// No document has the old name.
    case missing
    /// A document already has the new name; nothing changed.
    case targetExists
}
