extension Replica {
    /// Applies `ops` completely, leaving nothing waiting, or not at all: when one of them is one
    /// no correct replica could produce, refers to a character this replica does not have, or
    /// would pass a limit, the replica is exactly as it was before the call and the error says why.
    ///
    /// This is how a relay checks what a client sends: the check is the application itself, so
    /// the two can never disagree. Cost beyond `apply`: the per-leaf tables are shared with a
    /// checkpoint, so the first change to each copies it (proportional to the number of leaves,
    /// about a thousandth of the characters); the text arena is only appended to, and the id
    /// index keeps the tables leaf splits rewrite.
    /// - Throws: `CRDTError` (`.malformedOp`, `.documentTooLarge`), and `.malformedOp` for ops that
    ///   would have to wait for characters this replica lacks.
    @discardableResult
    public mutating func applyAtomically(_ ops: [Op]) throws(CRDTError) -> [TextChange] {
        let checkpoint = Checkpoint(self)
        idIndex.beginJournal()
        defer { idIndex.endJournal() }
        do throws(CRDTError) {
            let changes = try apply(ops)
            guard pendingCount == checkpoint.pendingCount else {
                throw CRDTError(.malformedOp, "the ops refer to characters this document does not have")
            }
            return changes
        } catch {
            checkpoint.restore(into: &self)
            throw error
        }
    }

    /// What `applyAtomically` puts back: everything but the arena, which is cut back to its
    /// length, and the id index, which puts back its own tables.
    private struct Checkpoint {
        let replicas: [ReplicaID]
        let replicaIndex: [ReplicaID: UInt32]
        let counts: [UInt32]
        let leaves: [Leaf]
        let order: [UInt32]
        let orderOf: [UInt32]
        let visibleTree: FenwickTree
        let newlineTree: FenwickTree
        let arenaCount: Int
        let pending: [UInt64: [WaitingOp]]
        let ready: [WaitingOp]
        let pendingCount: Int
        let cursor: (order: Int, start: Int)?
        let count: Int
        let newlineCount: Int
        let insertedCharacters: Int

        init(_ replica: Replica) {
            replicas = replica.replicas
            replicaIndex = replica.replicaIndex
            counts = replica.counts
            leaves = replica.leaves
            order = replica.order
            orderOf = replica.orderOf
            visibleTree = replica.visibleTree
            newlineTree = replica.newlineTree
            arenaCount = replica.arena.count
            pending = replica.pending
            ready = replica.ready
            pendingCount = replica.pendingCount
            cursor = replica.cursor
            count = replica.count
            newlineCount = replica.newlineCount
            insertedCharacters = replica.insertedCharacters
        }

        func restore(into replica: inout Replica) {
            replica.idIndex.rollBack(counts: counts)
            replica.arena.removeLast(replica.arena.count - arenaCount)
            replica.replicas = replicas
            replica.replicaIndex = replicaIndex
            replica.counts = counts
            replica.leaves = leaves
            replica.order = order
            replica.orderOf = orderOf
            replica.visibleTree = visibleTree
            replica.newlineTree = newlineTree
            replica.pending = pending
            replica.ready = ready
            replica.pendingCount = pendingCount
            replica.cursor = cursor
            replica.count = count
            replica.newlineCount = newlineCount
            replica.insertedCharacters = insertedCharacters
        }
    }
}
