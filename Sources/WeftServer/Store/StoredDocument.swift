import WeftCRDT

/// What a store holds for one document when the relay opens it.
public struct StoredDocument: Sendable, Hashable {
    /// Changes when the document is deleted and made again; never 0.
    public var epoch: UInt64
    /// The newest server sequence committed.
    public var head: UInt64
    /// The latest snapshot and the server sequence it reflects (empty and 0 when none).
    public var snapshot: [UInt8]
    public var snapshotSeq: UInt64
    /// The log holds every entry after this sequence (at most `snapshotSeq`).
    public var logFloor: UInt64
    /// Every log entry after `snapshotSeq`, in order.
    public var tail: [LogEntry]
    /// The highest client sequence committed, per replica.
    public var lastClientSeqs: [ReplicaID: UInt64]
    /// Epochs of earlier incarnations deleted on purpose (`RelayStore.delete`, `rename`): a client
    /// holding one is told to set its copy aside, never asked to give it back.
    public var retiredEpochs: Set<UInt64>

    public init(epoch: UInt64, head: UInt64, snapshot: [UInt8], snapshotSeq: UInt64, logFloor: UInt64 = 0,
                tail: [LogEntry], lastClientSeqs: [ReplicaID: UInt64], retiredEpochs: Set<UInt64> = []) {
        self.retiredEpochs = retiredEpochs
        self.logFloor = logFloor
        self.epoch = epoch
        self.head = head
        self.snapshot = snapshot
        self.snapshotSeq = snapshotSeq
        self.tail = tail
        self.lastClientSeqs = lastClientSeqs
    }
}
