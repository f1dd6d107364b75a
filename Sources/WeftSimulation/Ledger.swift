import WeftCRDT
import WeftServer

/// What the simulator knows independently of the system under test: every entry the store
/// appended (never compacted; as a backup held it, after the store went back to one), and every
/// edit a client accepted (queued durably).
struct Ledger {
    /// The store's log as appended, in order.
    private(set) var log: [LogEntry] = []
    /// Each committed batch's ops, by (replica, clientSeq).
    private(set) var committedOps: [DocumentLog.BatchKey: [UInt8]] = [:]
    /// The newest server sequence of each replica's batches.
    private(set) var lastSeqOf: [ReplicaID: UInt64] = [:]
    /// Each accepted batch's ops, by (replica, clientSeq).
    var acceptedOps: [DocumentLog.BatchKey: [UInt8]] = [:]
    /// Per replica, the counter after the last character it inserted in an accepted edit.
    var insertedThrough: [ReplicaID: UInt32] = [:]
    /// Replicas whose copy was given back whole by a new replica (their unacknowledged batches
    /// travel inside it, so they are checked character by character instead).
    var givenBack: Set<ReplicaID> = []
    /// How often the store went back to a backup or lost everything: from the first time on, the
    /// relay may ask copies for what it lost.
    private(set) var storeWentBack = 0

    /// Records an appended entry: it must follow the last one, and its batch must be new.
    mutating func committed(_ entry: LogEntry, failing fail: (String) -> Void) {
        if entry.serverSeq != UInt64(log.count) + 1 {
            fail("the store appended server sequence \(entry.serverSeq) after \(log.count)")
        }
        let key = DocumentLog.BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)
        if committedOps[key] != nil {
            fail("batch \(entry.clientSeq) of replica \(entry.replica) was committed twice")
        }
        committedOps[key] = entry.ops
        lastSeqOf[entry.replica] = entry.serverSeq
        log.append(entry)
    }

    /// The store went back to a backup that held `log` (empty: it lost everything). What the
    /// log held after that is no longer committed: batches of it come back in their copies.
    mutating func storeWentBack(to log: [LogEntry]) {
        self.log = log
        committedOps = [:]
        lastSeqOf = [:]
        for entry in log {
            committedOps[DocumentLog.BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)] = entry.ops
            lastSeqOf[entry.replica] = entry.serverSeq
        }
        storeWentBack += 1
    }

    /// Records a batch a client queued durably.
    mutating func accepted(replica: ReplicaID, clientSeq: UInt64, ops: [UInt8], decoded: [Op]) {
        acceptedOps[DocumentLog.BatchKey(replica: replica, clientSeq: clientSeq)] = ops
        for case .insert(let insertion) in decoded where insertion.id.replica == replica {
            insertedThrough[replica] = max(insertedThrough[replica] ?? 0, insertion.id.counter + UInt32(insertion.length))
        }
    }
}
