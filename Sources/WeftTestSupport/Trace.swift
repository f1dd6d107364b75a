/// One edit of a trace: delete `deleteCount` scalars at `position`, then insert `text` there.
public struct TracePatch: Sendable {
    public var position: Int
    public var deleteCount: Int
    public var text: String
}

/// A sequential editing trace (see shared/traces/README.md): patches applied in order to an
/// empty document give `endContent`.
public struct SequentialTrace: Sendable {
    public var name: String
    public var endContent: String
    public var transactionCount: Int
    public var patches: [TracePatch]
}

/// A concurrent trace: transactions by several agents, each made on the document as it was after
/// merging exactly its parents.
public struct ConcurrentTrace: Sendable {
    public struct Transaction: Sendable {
        public var parents: [Int]
        public var agent: Int
        public var patches: [TracePatch]
    }

    public var name: String
    public var endContent: String
    public var agentCount: Int
    public var transactions: [Transaction]
}

