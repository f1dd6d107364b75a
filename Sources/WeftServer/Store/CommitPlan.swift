import WeftCRDT

/// How one group commit numbers its batches, decided from what the store holds under its lock:
/// pure, so the SQLite and PostgreSQL stores decide exactly alike.
struct CommitPlan: Sendable, Equatable {
    /// Per batch, in order: the server sequence it is appended as, or nil when the log already
    /// holds it (the store looks its sequence up).
    var newSequences: [UInt64?]
    /// The log's head after the commit.
    var head: UInt64
    /// The highest client sequence per replica after the commit, for the replicas that changed.
    var raisedClientSeqs: [ReplicaID: UInt64]

    /// - Parameters:
    ///   - head: the log's head before the commit.
    ///   - lastClientSeqs: the committed client sequence of each replica the batches come from.
    /// - Throws: `StoreError` when a batch skips client sequences: the room's bookkeeping is wrong,
    ///   and appending it would break the exactly-once rule, so nothing is committed.
    init(_ batches: [PendingBatch], head: UInt64, lastClientSeqs: [ReplicaID: UInt64], document: String) throws {
        var last = lastClientSeqs
        var next = head
        var raised: [ReplicaID: UInt64] = [:]
        newSequences = []
        newSequences.reserveCapacity(batches.count)
        for batch in batches {
            let committed = last[batch.replica] ?? 0
            if batch.clientSeq <= committed {
                newSequences.append(nil)
                continue
            }
            guard batch.clientSeq == committed + 1 else {
                throw StoreError("batch \(batch.clientSeq) of replica \(batch.replica) on \(document) skips ahead of committed batch \(committed)")
            }
            next += 1
            newSequences.append(next)
            last[batch.replica] = batch.clientSeq
            raised[batch.replica] = batch.clientSeq
        }
        self.head = next
        raisedClientSeqs = raised
    }

    /// The batches to append, with their sequences.
    func entries(_ batches: [PendingBatch]) -> [LogEntry] {
        zip(batches, newSequences).compactMap { batch, serverSeq in
            serverSeq.map { LogEntry(serverSeq: $0, replica: batch.replica, clientSeq: batch.clientSeq, ops: batch.ops) }
        }
    }

    /// The batches the log already holds, in order: the store looks up their sequences.
    func alreadyCommitted(_ batches: [PendingBatch]) -> [PendingBatch] {
        zip(batches, newSequences).compactMap { batch, serverSeq in serverSeq == nil ? batch : nil }
    }

    /// The commit's answer, given the sequences the store found for `alreadyCommitted`, in order.
    func result(existingSequences: [UInt64]) -> CommitResult {
        var existing = existingSequences.makeIterator()
        return CommitResult(serverSeqs: newSequences.map { $0 ?? existing.next()! },
                            appended: newSequences.map { $0 != nil }, head: head)
    }
}
