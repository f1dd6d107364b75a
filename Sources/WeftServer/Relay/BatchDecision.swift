import WeftWire

/// What the relay does with a client's batch.
public enum BatchDecision: Sendable, Hashable {
    /// New and valid: commit this entry, then acknowledge and broadcast it.
    case accepted(LogEntry)
    /// Already accepted as `serverSeq`: acknowledge it again once that is durable; apply nothing.
    case duplicate(serverSeq: UInt64)
    /// Already accepted, but so long ago that the log no longer names its server sequence:
    /// acknowledge it with `serverSeq` (the snapshot that includes it).
    case duplicateCompacted(serverSeq: UInt64)
    /// Refused (fatal for the connection); nothing applied.
    case refused(WireError)
}
