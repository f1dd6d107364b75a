import WeftCRDT
import WeftWire

/// Everything a store holds, in memory, with the store's rules applied synchronously: the core of
/// `MemoryStore`, and the shared store of the simulator's relays (which call it directly, so that
/// a commit takes exactly the virtual time the simulation gives it). Pure: no I/O, no clocks;
/// epochs come from a seeded sequence, so a run is repeatable from its seed.
public struct MemoryStoreState: Sendable {
    /// One document's rows.
    public struct Document: Sendable {
        public var epoch: UInt64
        public var head: UInt64 = 0
        public var snapshot: [UInt8] = []
        public var snapshotSeq: UInt64 = 0
        public var logFloor: UInt64 = 0
        /// Entries after `logFloor`, in server-sequence order.
        public var log: [LogEntry] = []
        public var lastClientSeqs: [ReplicaID: UInt64] = [:]
        public var keys: [ReplicaID: [UInt8]] = [:]
        /// The epoch each key was bound in (`RelayStore.replicasWriting`).
        public var keyEpochs: [ReplicaID: UInt64] = [:]
        /// The author each replica is bound to (`RelayStore.bindAuthor`).
        public var authors: [ReplicaID: BatchAuthor] = [:]
        /// Every batch ever committed, with its author and commit time: compaction keeps these.
        public var history: [HistoryEntry] = []
    }

    public internal(set) var documents: [DocumentName: Document] = [:]
    /// Epochs of documents deleted or renamed away on purpose, per name (`RelayStore.delete`).
    public internal(set) var retiredEpochs: [DocumentName: Set<UInt64>] = [:]
    /// Revocations by user and document ("" for every document).
    public private(set) var revoked: [String: [String: UInt64]] = [:]
    /// While set, every operation fails with this reason (a database that is down or unreachable).
    public var unavailable: String?
    private var epochState: UInt64

    /// - Parameter epochSeed: where the sequence of new epochs starts (a simulation passes a value
    ///   drawn from its seed; two stores with the same seed make the same epochs).
    public init(epochSeed: UInt64) {
        epochState = epochSeed
    }

    /// Puts back everything `backup` held (all of it, nil: nothing), as restoring a database
    /// from a backup, or losing it, would. The sequence of new epochs goes on: a restored database
    /// does not make the epochs it made after the backup again.
    public mutating func restore(_ backup: MemoryStoreState?) {
        documents = backup?.documents ?? [:]
        retiredEpochs = backup?.retiredEpochs ?? [:]
        revoked = backup?.revoked ?? [:]
    }

    /// The next epoch: SplitMix64 over the seed, never 0 (0 means "no epoch known" in hello).
    private mutating func freshEpoch() -> UInt64 {
        epochState &+= 0x9E37_79B9_7F4A_7C15
        var z = epochState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) | 1
    }

    func available() throws(StoreError) {
        if let unavailable { throw StoreError("the store is unavailable: \(unavailable)") }
    }

    private func document(_ name: DocumentName) throws(StoreError) -> Document {
        try available()
        guard let document = documents[name] else { throw StoreError("document \(name) was never opened") }
        return document
    }

    /// See `RelayStore.open`.
    public mutating func open(_ name: DocumentName) throws(StoreError) -> StoredDocument {
        try available()
        if documents[name] == nil { documents[name] = Document(epoch: freshEpoch()) }
        let document = documents[name]!
        return StoredDocument(epoch: document.epoch, head: document.head, snapshot: document.snapshot, snapshotSeq: document.snapshotSeq,
                              logFloor: document.logFloor, tail: document.log.filter { $0.serverSeq > document.snapshotSeq },
                              lastClientSeqs: document.lastClientSeqs, retiredEpochs: retiredEpochs[name] ?? [])
    }

    /// See `RelayStore.commit`: the same `CommitPlan` the SQL stores follow, applied whole or not at all.
    /// - Parameter time: the commit time recorded in the history (milliseconds since 1970; the
    ///   caller's clock, virtual in a simulation), nil for none.
    public mutating func commit(_ batches: [PendingBatch], to name: DocumentName, at time: UInt64? = nil) throws(StoreError) -> CommitResult {
        var document = try document(name)
        let plan: CommitPlan
        do {
            plan = try CommitPlan(batches, head: document.head, lastClientSeqs: document.lastClientSeqs, document: name.rawValue)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("\(error)")
        }
        let added = plan.entries(batches)
        document.log += added
        document.history += added.map {
            HistoryEntry(serverSeq: $0.serverSeq, replica: $0.replica, clientSeq: $0.clientSeq, author: document.authors[$0.replica],
                         committedAt: time, ops: $0.ops)
        }
        for (replica, clientSeq) in plan.raisedClientSeqs { document.lastClientSeqs[replica] = max(document.lastClientSeqs[replica] ?? 0, clientSeq) }
        document.head = plan.head
        let existing = plan.alreadyCommitted(batches).map { batch in
            document.log.first { $0.replica == batch.replica && $0.clientSeq == batch.clientSeq }?.serverSeq ?? document.snapshotSeq
        }
        documents[name] = document
        return plan.result(existingSequences: existing)
    }

    /// See `RelayStore.entries`.
    public func entries(of name: DocumentName, after serverSeq: UInt64, limit: Int) throws(StoreError) -> [LogEntry] {
        let document = try document(name)
        let log = document.log
        // The log is gapless after its floor: the first entry wanted is found by arithmetic.
        let start = Int(min(UInt64(log.count), serverSeq > document.logFloor ? serverSeq - document.logFloor : 0))
        return Array(log[start..<min(log.endIndex, start + max(0, limit))])
    }

    /// See `RelayStore.snapshot`.
    public func snapshot(of name: DocumentName) throws(StoreError) -> (bytes: [UInt8], serverSeq: UInt64) {
        try available()
        guard let document = documents[name] else { return ([], 0) }
        return (document.snapshot, document.snapshotSeq)
    }

    /// See `RelayStore.compact`.
    public mutating func compact(_ name: DocumentName, snapshot: [UInt8], serverSeq: UInt64, keepAfter: UInt64) throws(StoreError) {
        var document = try document(name)
        if document.snapshotSeq <= serverSeq {
            document.snapshot = snapshot
            document.snapshotSeq = serverSeq
        }
        document.logFloor = max(document.logFloor, min(keepAfter, serverSeq))
        document.log.removeAll { $0.serverSeq <= document.logFloor }
        documents[name] = document
    }

    /// See `RelayStore.epoch`.
    public func epoch(of name: DocumentName) throws(StoreError) -> UInt64 { try document(name).epoch }

    /// See `RelayStore.renewEpoch`.
    public mutating func renewEpoch(of name: DocumentName, from current: UInt64) throws(StoreError) -> UInt64 {
        var document = try document(name)
        if document.epoch == current { document.epoch = freshEpoch() }
        documents[name] = document
        return document.epoch
    }

    /// See `RelayStore.replicaKey`.
    public mutating func replicaKey(_ replica: ReplicaID, in name: DocumentName, bindingTo keyHash: [UInt8]?) throws(StoreError) -> [UInt8]? {
        var document = try document(name)
        if let keyHash, document.keys[replica] == nil {
            document.keys[replica] = keyHash
            document.keyEpochs[replica] = document.epoch
        }
        documents[name] = document
        return document.keys[replica]
    }

    /// See `RelayStore.replicasWriting`.
    public func replicasWriting(in name: DocumentName, among replicas: Set<ReplicaID>) throws(StoreError) -> Set<ReplicaID> {
        let document = try document(name)
        return replicas.filter { document.keyEpochs[$0] == document.epoch }
    }

    /// See `RelayStore.retireReplica`.
    public mutating func retireReplica(_ replica: ReplicaID, in name: DocumentName, keyHash: [UInt8]) throws(StoreError) -> Bool {
        var document = try document(name)
        guard document.keys[replica] == keyHash else { return false }
        // Epochs are odd: 0 is none of them.
        document.keyEpochs[replica] = 0
        documents[name] = document
        return true
    }

    /// See `RelayStore.bindAuthor`.
    public mutating func bindAuthor(_ replica: ReplicaID, in name: DocumentName, to author: BatchAuthor) throws(StoreError) -> BatchAuthor {
        var document = try document(name)
        if let bound = document.authors[replica] {
            if bound.name == author.name, author.verified { document.authors[replica] = author }
        } else {
            document.authors[replica] = author
        }
        documents[name] = document
        return document.authors[replica]!
    }

    /// See `RelayStore.history`.
    public func history(of name: DocumentName, after serverSeq: UInt64, within limit: HistoryReadLimit) throws(StoreError) -> (floor: UInt64, entries: [HistoryEntry]) {
        let document = try document(name)
        return (0, limit.prefixWithNext(of: document.history.lazy.filter { $0.serverSeq > serverSeq }))
    }

    /// See `RelayStore.revoke`.
    public mutating func revoke(_ revocation: TokenRevocation) throws(StoreError) {
        try available()
        let scope = revocation.document?.rawValue ?? ""
        revoked[revocation.user, default: [:]][scope] = max(revoked[revocation.user]?[scope] ?? 0, revocation.revokedAt)
    }

    /// See `RelayStore.revocations`.
    public func revocations() throws(StoreError) -> [TokenRevocation] {
        try available()
        return revoked.flatMap { user, scopes in
            scopes.map { scope, time in TokenRevocation(user: user, document: scope.isEmpty ? nil : try? DocumentName(scope), revokedAt: time) }
        }
    }
}
