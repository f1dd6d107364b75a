/// One replica's copy of a shared text: a sequence CRDT over Unicode scalars.
///
/// Local edits (`insert`, `delete`) apply at once and return the op to send; remote ops (`apply`)
/// merge in any order, any number of times, and every replica that has seen the same ops holds
/// the same text. Concurrent insertions at one place never interleave (FugueMax ordering, as in
/// the YjsMod variant of YATA), whether people type forwards or backwards.
///
/// Storage: runs of characters (see `Run`) in leaves of at most `Leaf.maxRuns`, in document
/// order; Fenwick trees over the leaves' visible and newline counts find a position or a line in
/// O(log n); an index of each replica's counters, cut where the leaf changes, finds the leaf of
/// any id in O(log n). Text lives in an append-only arena of scalars (a byte each while they are
/// below U+0100); deleted text stays there until the next snapshot round trip drops it.
public struct Replica: Sendable {
    /// This replica's identity; local insertions get ids of this replica.
    public let replicaID: ReplicaID

    /// Replica ids by local index; index 0 is `replicaID`.
    var replicas: [ReplicaID]
    var replicaIndex: [ReplicaID: UInt32]
    /// Per local replica index: characters integrated so far (the next expected counter).
    var counts: [UInt32]
    /// The leaf holding each character, by replica and counter.
    var idIndex: IDIndex

    /// Leaves by leaf id (stable), `order` lists them in document order, `orderOf` inverts it.
    var leaves: [Leaf]
    var order: [UInt32]
    var orderOf: [UInt32]
    var visibleTree: FenwickTree
    var newlineTree: FenwickTree

    var arena: ScalarArena
    /// Ops that wait for a character this replica has not seen yet, keyed by that character
    /// (`PackedID` of the awaited id): each is retried only when its id arrives. An op equal to
    /// one already waiting is not filed twice.
    var pending: [UInt64: [WaitingOp]]
    /// Ops whose awaited character arrived, to retry before `apply` returns.
    var ready: [WaitingOp]
    /// The number of ops in `pending`.
    public internal(set) var pendingCount: Int
    /// Ops received by `apply` so far: the next one's arrival number.
    var arrivals: Int

    /// The leaf of the last local edit and the visible position of its start: consecutive
    /// keystrokes land in the same leaf, so they skip the tree.
    var cursor: (order: Int, start: Int)?

    /// The number of visible scalars.
    public internal(set) var count: Int
    /// The number of visible line feeds.
    public internal(set) var newlineCount: Int

    /// The most characters a document may have had inserted over its life, deleted ones included
    /// (2^27, about 134 million: room for a 100 MB text with its history). Inserted text stays in
    /// the arena, up to 4 bytes a scalar, until a snapshot round trip drops what was deleted, so this
    /// bounds what a document's history can make a replica allocate for it (512 MiB).
    public static let maxInsertedCharacters = 1 << 27

    /// Characters inserted over the document's life, by every replica.
    public internal(set) var insertedCharacters: Int

    /// An empty document for replica `replicaID`.
    public init(replicaID: ReplicaID) {
        self.replicaID = replicaID
        replicas = [replicaID]
        replicaIndex = [replicaID: 0]
        counts = [0]
        idIndex = IDIndex()
        leaves = []
        order = []
        orderOf = []
        visibleTree = FenwickTree()
        newlineTree = FenwickTree()
        arena = ScalarArena()
        pending = [:]
        ready = []
        pendingCount = 0
        arrivals = 0
        count = 0
        newlineCount = 0
        insertedCharacters = 0
    }

    /// Everything this replica has integrated, per replica.
    public var version: VersionVector {
        var result: [ReplicaID: UInt32] = [:]
        for (index, count) in counts.enumerated() where count > 0 {
            result[replicas[index]] = count
        }
        return VersionVector(result)
    }

    /// How many characters of `replica` this replica has integrated (its next counter), in O(1).
    public func knownCount(of replica: ReplicaID) -> UInt32 {
        replicaIndex[replica].map { counts[Int($0)] } ?? 0
    }

    /// The number of runs (visible and tombstone) the document is stored as.
    public var runCount: Int { leaves.reduce(0) { $0 + $1.runs.count } }

    /// Whether the visible text is empty.
    public var isEmpty: Bool { count == 0 }

    // MARK: Replica table

    /// The local index of `replica`, adding it to the table when new.
    mutating func intern(_ replica: ReplicaID) -> UInt32 {
        if let index = replicaIndex[replica] { return index }
        let index = UInt32(replicas.count)
        replicas.append(replica)
        replicaIndex[replica] = index
        counts.append(0)
        idIndex.addReplica()
        return index
    }

    func pack(_ id: CharID?) -> PackedID? {
        guard let id else { return PackedID.none }
        guard let index = replicaIndex[id.replica] else { return nil }
        return PackedID(replica: index, counter: id.counter)
    }

    func unpack(_ id: PackedID) -> CharID? {
        id.isNone ? nil : CharID(replica: replicas[Int(id.replica)], counter: id.counter)
    }

    /// Whether the packed id names a character already integrated (`none` counts as known).
    func isKnown(_ id: PackedID) -> Bool {
        id.isNone || id.counter < counts[Int(id.replica)]
    }
}
