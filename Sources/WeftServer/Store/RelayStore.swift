import WeftCRDT
import WeftWire

/// Where a relay keeps documents durably. A method that returns has committed: the relay
/// acknowledges nothing before that.
///
/// The store, not the relay, numbers the log: several relays may share one store (PostgreSQL),
/// so a batch's server sequence is only known once the transaction that appends it commits.
public protocol RelayStore: Sendable {
    /// The document's stored state, creating it (with a fresh epoch) when it does not exist.
    func open(_ document: DocumentName) async throws -> StoredDocument

    /// Appends `batches` in one transaction (group commit), numbering the new ones on from the
    /// log's head, each recording its replica's bound author (`bindAuthor`) and the relay's
    /// clock at commit time. A batch whose (replica, clientSeq) the log already holds (another relay committed
    /// it first) is not appended again: its result is the server sequence it already has.
    /// - Throws: `StoreError` for a batch that skips client sequences (nothing is committed then),
    ///   or when the store cannot be reached.
    func commit(_ batches: [PendingBatch], to document: DocumentName) async throws -> CommitResult

    /// Up to `limit` entries after `serverSeq`, in order; fewer at the end of the log.
    func entries(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> [LogEntry]

    /// The latest snapshot and the server sequence it reflects (empty and 0 when none).
    func snapshot(of document: DocumentName) async throws -> (bytes: [UInt8], serverSeq: UInt64)

    /// Stores a snapshot as of `serverSeq` and drops log entries at or below `keepAfter`.
    func compact(_ document: DocumentName, snapshot: [UInt8], serverSeq: UInt64, keepAfter: UInt64) async throws

    /// The document's epoch now: another relay on the same store may have renewed it.
    func epoch(of document: DocumentName) async throws -> UInt64

    /// Moves `document` from epoch `current` to a new one (its log goes on as it is), unless
    /// another relay already did; returns the epoch it has afterwards. A relay that finds it lost
    /// history clients had applied does this, so that every client of the old epoch gives its
    /// copy back (PROTOCOL.md, "Healing a relay").
    func renewEpoch(of document: DocumentName, from current: UInt64) async throws -> UInt64

    /// The hash of the key `replica` is bound to in `document`, binding it to `keyHash` first
    /// when it is bound to none (durably, before this returns); with `keyHash` nil, only looks.
    /// Two relays binding one replica at once agree on the first.
    func replicaKey(_ replica: ReplicaID, in document: DocumentName, bindingTo keyHash: [UInt8]?) async throws -> [UInt8]?

    /// Those of `replicas` that were bound to a key (`replicaKey`) in the document's current
    /// epoch: they write their own characters, so no restore batch may add characters under
    /// them. A replica bound in an earlier epoch belongs to a copy that is given back, and is not
    /// among them.
    func replicasWriting(in document: DocumentName, among replicas: Set<ReplicaID>) async throws -> Set<ReplicaID>

    /// Stops `replica` writing in the document's current epoch (durably, before this returns) when
    /// it is bound to `keyHash`: its copy gave itself back under a new replica and showed this
    /// one's key, so restore batches may give back its characters the relay lacks, from any copy.
    /// It stays bound to its key. Returns whether it is bound to `keyHash`.
    func retireReplica(_ replica: ReplicaID, in document: DocumentName, keyHash: [UInt8]) async throws -> Bool

    /// The author `replica` is bound to in `document`, binding it to `author` first when it is
    /// bound to none (durably, before this returns); a binding to the same name without
    /// `verified` becomes verified when `author` is. A relay binds a connection's replica before
    /// welcoming it and refuses the connection when another author holds it, so nobody commits
    /// under another's name. Every batch committed afterwards records the bound author.
    func bindAuthor(_ replica: ReplicaID, in document: DocumentName, to author: BatchAuthor) async throws -> BatchAuthor

    /// The entries of the document's whole history after `serverSeq` within `limit`, in order,
    /// with their authors and commit times, and the entry after them when there is one (so that
    /// a caller knows whether more follow). Unlike `entries`, compaction does not drop these: they
    /// are what past versions and blame are made from. Also returns the sequence after which the
    /// history is complete (entries compacted away before history was kept are gone).
    func history(of document: DocumentName, after serverSeq: UInt64, within limit: HistoryReadLimit) async throws -> (floor: UInt64, entries: [HistoryEntry])

    /// The documents the store holds, by name; with `name`, only that one (none when it does not exist).
    func documents(named name: DocumentName?) async throws -> [DocumentSummary]

    /// Deletes `document` with its log, snapshot, history and replica bindings, and keeps its
    /// epoch on record as retired: a document made again under the name is a new one, and a
    /// client still holding the old copy sets it aside instead of merging it (PROTOCOL.md,
    /// "Healing a relay"). Returns the epoch deleted, nil when there was no such document.
    func delete(_ document: DocumentName) async throws -> UInt64?

    /// Whether `epoch` of `document` was retired by `delete` or `rename`: a client holding a copy
    /// of it is told the document is gone, not that the relay lost it.
    func isRetired(_ epoch: UInt64, of document: DocumentName) async throws -> Bool

    /// Moves `document` to the name `newName` with everything it has (log, snapshot, history,
    /// bindings, epoch), in one transaction, unless `newName` exists. The old name's epoch is
    /// retired there, as by `delete`.
    func rename(_ document: DocumentName, to newName: DocumentName) async throws -> RenameOutcome

    /// Records `revocation` (a later one for the same user and document replaces an earlier one).
    func revoke(_ revocation: TokenRevocation) async throws

    /// Every revocation recorded; relays read them every second to check open connections' tokens.
    func revocations() async throws -> [TokenRevocation]

    /// Whether the store answers now; the reason when it does not (for `/healthz`).
    func healthProblem() async -> String?

    /// The relay is stopping: leave the store tidy (commits are already done).
    func close() async
}

extension RelayStore {
    /// Every document the store holds.
    public func documents() async throws -> [DocumentSummary] { try await documents(named: nil) }

    /// Up to `limit` entries of the document's whole history after `serverSeq`, in order (see
    /// `history(of:after:within:)`).
    public func history(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> (floor: UInt64, entries: [HistoryEntry]) {
        let read = try await history(of: document, after: serverSeq, within: HistoryReadLimit(entries: limit))
        return (read.floor, Array(read.entries.prefix(limit)))
    }

    /// A new epoch: random, never 0 (0 means "no epoch known" in hello), so epochs are never reused.
    static func freshEpoch() -> UInt64 {
        var random = SystemRandomNumberGenerator()
        return random.next() | 1
    }

    // SQL integers are signed (SQLite's and PostgreSQL's alike): 64-bit ids and sequences are
    // stored as their bit patterns.
    static func int(_ value: UInt64) -> Int64 { Int64(bitPattern: value) }
    static func uint(_ value: Int64) -> UInt64 { UInt64(bitPattern: value) }
}

/// A batch a room accepted and wants committed; the store gives it its server sequence.
public struct PendingBatch: Sendable, Hashable {
    public var replica: ReplicaID
    public var clientSeq: UInt64
    /// The ops, as an encoded op batch (FORMAT.md).
    public var ops: [UInt8]

    public init(replica: ReplicaID, clientSeq: UInt64, ops: [UInt8]) {
        self.replica = replica
        self.clientSeq = clientSeq
        self.ops = ops
    }
}

/// What a commit did.
public struct CommitResult: Sendable, Hashable {
    /// Each batch's server sequence, in the order given. A batch committed earlier (by another
    /// relay) keeps its first sequence; one whose entry compaction dropped gets the snapshot's.
    public var serverSeqs: [UInt64]
    /// Which of them this commit appended (the others were in the log already).
    public var appended: [Bool]
    /// The log's head when the transaction committed.
    public var head: UInt64

    public init(serverSeqs: [UInt64], appended: [Bool], head: UInt64) {
        self.serverSeqs = serverSeqs
        self.appended = appended
        self.head = head
    }
}

/// A store refused an operation: what the relay reports as `unavailable` or, for a broken
/// invariant, a bug to fix.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
