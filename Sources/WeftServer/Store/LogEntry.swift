import WeftCRDT

/// One committed batch of a document's log.
public struct LogEntry: Sendable, Hashable {
    /// Its place in the document's log, from 1 without gaps.
    public var serverSeq: UInt64
    /// The replica that sent it, and that replica's number for it.
    public var replica: ReplicaID
    public var clientSeq: UInt64
    /// The ops, as an encoded op batch (FORMAT.md).
    public var ops: [UInt8]

    public init(serverSeq: UInt64, replica: ReplicaID, clientSeq: UInt64, ops: [UInt8]) {
        self.serverSeq = serverSeq
        self.replica = replica
        self.clientSeq = clientSeq
        self.ops = ops
    }
}
