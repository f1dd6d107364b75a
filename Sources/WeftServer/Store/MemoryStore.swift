import Synchronization
import WeftCRDT
import WeftWire

/// A `RelayStore` in memory: what tests and in-process relays use where durability across
/// processes does not matter. Meets the same contract as `SQLiteStore` and `PostgresStore`
/// (every method commits before it returns); several relays given the same instance share it
/// as they would share one PostgreSQL database.
public final class MemoryStore: RelayStore {
    private let state: Mutex<MemoryStoreState>

    /// - Parameter epochSeed: where its sequence of epochs starts (see `MemoryStoreState`).
    public init(epochSeed: UInt64 = 1) {
        state = Mutex(MemoryStoreState(epochSeed: epochSeed))
    }

    /// Runs `body` on the store's rows under its lock: to make it unavailable, or look inside.
    public func withState<Result>(_ body: (inout MemoryStoreState) throws -> Result) rethrows -> Result {
        try state.withLock { try body(&$0) }
    }

    public func open(_ document: DocumentName) async throws -> StoredDocument {
        try state.withLock { try $0.open(document) }
    }

    public func commit(_ batches: [PendingBatch], to document: DocumentName) async throws -> CommitResult {
        let time = Self.nowMilliseconds()
        return try state.withLock { try $0.commit(batches, to: document, at: time) }
    }

    public func entries(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> [LogEntry] {
        try state.withLock { try $0.entries(of: document, after: serverSeq, limit: limit) }
    }

    public func snapshot(of document: DocumentName) async throws -> (bytes: [UInt8], serverSeq: UInt64) {
        try state.withLock { try $0.snapshot(of: document) }
    }

    public func compact(_ document: DocumentName, snapshot: [UInt8], serverSeq: UInt64, keepAfter: UInt64) async throws {
        try state.withLock { try $0.compact(document, snapshot: snapshot, serverSeq: serverSeq, keepAfter: keepAfter) }
    }

    public func epoch(of document: DocumentName) async throws -> UInt64 {
        try state.withLock { try $0.epoch(of: document) }
    }

    public func renewEpoch(of document: DocumentName, from current: UInt64) async throws -> UInt64 {
        try state.withLock { try $0.renewEpoch(of: document, from: current) }
    }

    public func replicaKey(_ replica: ReplicaID, in document: DocumentName, bindingTo keyHash: [UInt8]?) async throws -> [UInt8]? {
        try state.withLock { try $0.replicaKey(replica, in: document, bindingTo: keyHash) }
    }

    public func replicasWriting(in document: DocumentName, among replicas: Set<ReplicaID>) async throws -> Set<ReplicaID> {
        try state.withLock { try $0.replicasWriting(in: document, among: replicas) }
    }

    public func retireReplica(_ replica: ReplicaID, in document: DocumentName, keyHash: [UInt8]) async throws -> Bool {
        try state.withLock { try $0.retireReplica(replica, in: document, keyHash: keyHash) }
    }

    public func bindAuthor(_ replica: ReplicaID, in document: DocumentName, to author: BatchAuthor) async throws -> BatchAuthor {
        try state.withLock { try $0.bindAuthor(replica, in: document, to: author) }
    }

    public func history(of document: DocumentName, after serverSeq: UInt64, within limit: HistoryReadLimit) async throws -> (floor: UInt64, entries: [HistoryEntry]) {
        try state.withLock { try $0.history(of: document, after: serverSeq, within: limit) }
    }

    public func documents(named name: DocumentName?) async throws -> [DocumentSummary] {
        try state.withLock { try $0.documents(named: name) }
    }

    public func delete(_ document: DocumentName) async throws -> UInt64? {
        try state.withLock { try $0.delete(document) }
    }

    public func isRetired(_ epoch: UInt64, of document: DocumentName) async throws -> Bool {
        try state.withLock { try $0.isRetired(epoch, of: document) }
    }

    public func rename(_ document: DocumentName, to newName: DocumentName) async throws -> RenameOutcome {
        try state.withLock { try $0.rename(document, to: newName) }
    }

    public func revoke(_ revocation: TokenRevocation) async throws {
        try state.withLock { try $0.revoke(revocation) }
    }

    public func revocations() async throws -> [TokenRevocation] {
        try state.withLock { try $0.revocations() }
    }

    public func healthProblem() async -> String? {
        state.withLock { $0.unavailable.map { "the store is unavailable: \($0)" } }
    }

    public func close() async {}
}
