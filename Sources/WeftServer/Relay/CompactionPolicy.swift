/// When a document's log is folded into a snapshot.
public struct CompactionPolicy: Sendable {
    /// Compact when the log has grown this many batches past the last snapshot.
    public var every: UInt64
    /// Batches kept in the log after compacting, so a client slightly behind replays them instead
    /// of downloading the snapshot.
    public var keep: UInt64

    public init(every: UInt64 = 10_000, keep: UInt64 = 2_000) {
        self.every = max(every, 1)
        self.keep = keep
    }
}
