import WeftWire

/// What the relay does with a client's batch.
public enum BatchDecision: Sendable, Hashable {
    /// New and valid, and applied to the room's replica: commit it; its ack goes out when the
    /// committed entry is delivered.
    case accepted(PendingBatch)
    /// Already delivered as `serverSeq`: acknowledge it again now; apply nothing.
    case duplicate(serverSeq: UInt64)
    /// Already accepted and not delivered yet: its delivery acknowledges it; apply nothing.
    case inFlight
    /// Already accepted, but so long ago that the log no longer names its server sequence:
    /// acknowledge it with `serverSeq` (the snapshot that includes it).
    case duplicateCompacted(serverSeq: UInt64)
    /// Refused (fatal for the connection); nothing applied.
    case refused(WireError)
}
