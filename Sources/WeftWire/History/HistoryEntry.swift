import WeftCRDT

/// One committed batch of a document's whole history, with what the relay recorded about it
/// (PROTOCOL.md, "History"). The relay keeps these through compaction, so a client can rebuild
/// any past version and say who typed what.
public struct HistoryEntry: Hashable, Sendable {
    /// Its place in the document's log, from 1 without gaps.
    public var serverSeq: UInt64
    /// The replica that sent it, and that replica's number for it.
    public var replica: ReplicaID
    public var clientSeq: UInt64
    /// Who sent it; nil when unknown (committed before the relay recorded authors, or by a client
    /// that gave no name).
    public var author: BatchAuthor?
    /// When the relay committed it, in milliseconds since 1970 (UTC) by the relay's clock; nil when
    /// unknown (committed before the relay recorded times).
    public var committedAt: UInt64?
    /// The ops, as an encoded op batch (FORMAT.md).
    public var ops: [UInt8]

    public init(serverSeq: UInt64, replica: ReplicaID, clientSeq: UInt64, author: BatchAuthor?, committedAt: UInt64?, ops: [UInt8]) {
        self.serverSeq = serverSeq
        self.replica = replica
        self.clientSeq = clientSeq
        self.author = author
        self.committedAt = committedAt
        self.ops = ops
    }
}
