import Foundation
import WeftCRDT
import WeftSync
import WeftWire

/// One simulated `weft` client: the real `SyncMachine`, `OfflineQueue` (its file on a RAM disk)
/// and `Replica`, with the session's handling of the machine's actions. What survives a kill is
/// what a real client keeps on disk: the queue file and the cache saved when it caught up.
final class SimClient {
    let index: Int
    let readOnly: Bool
    let directory: URL
    var queueURL: URL { directory.appendingPathComponent("queue") }

    /// The replica cache as saved on disk (survives kills).
    struct Cache {
        var replica: ReplicaID
        var epoch: UInt64
        var lastServerSeq: UInt64
        var snapshot: [UInt8]
        var queuedThrough: UInt64
    }
    var cache: Cache?

    /// Memory, lost when the process is killed.
    var running = false
    var queue: OfflineQueue!
    var replica: Replica!
    var machine: SyncMachine!
    var canEdit = false
    /// The link of the current connection, if any.
    var link: UInt64?
    /// Bumped by every retry scheduled, so that only the latest fires.
    var retryToken: UInt64 = 0
    var giveBackOnStart: UInt64?
    /// This user's presence, sent again after every reconnect.
    var presence: Presence?
    /// When this run of the process started (for client-hours).
    var startedAt: VirtualTime = 0

    init(index: Int, readOnly: Bool, directory: URL) {
        self.index = index
        self.readOnly = readOnly
        self.directory = directory
    }

    /// Whether every queued batch is acknowledged and the replay is done.
    var isSettled: Bool { running && machine.isSettled }

    /// Opens the client's files as `DocumentSession` does: the queue (cutting a torn tail), the
    /// cache, and the queued batches applied again on top of it.
    /// - Returns: notices for the user (damage found).
    func open(newReplica: ReplicaID, document: DocumentName) throws -> [String] {
        var notices: [String] = []
        queue = try OfflineQueue(url: queueURL, newReplica: cache?.replica ?? newReplica)
        if let damage = queue.damage { notices.append(damage.description) }
        if try queue.splitOversized() > 0 { notices.append("queued edits over the batch limit were cut") }
        if let loaded = cache, loaded.replica != queue.replica { cache = nil }
        var replica = Replica(replicaID: queue.replica)
        if let cache { replica = try Replica(snapshot: cache.snapshot, replicaID: queue.replica) }
        for batch in queue.pending { _ = try? replica.apply(OpCodec.decode(batch.ops)) }
        self.replica = replica
        // Queued batches that wait for characters the cache lacks (it was saved before others'
        // edits they build on) leave this replica's own counter behind: edits made now would
        // reuse their ids, so editing waits for the replay.
        canEdit = (cache != nil || queue.lastClientSeq == 0) && replica.pendingCount == 0
        machine = makeMachine(document: document, epoch: cache?.epoch ?? 0, lastServerSeq: cache?.lastServerSeq ?? 0)
        // Only damage that may have lost accepted batches calls for giving the copy back (see
        // `DocumentSession.init`).
        if let damage = queue.damage, let cache, !damage.truncated || cache.queuedThrough > queue.lastClientSeq {
            giveBackOnStart = cache.epoch
        } else {
            giveBackOnStart = nil
        }
        running = true
        link = nil
        return notices
    }

    func makeMachine(document: DocumentName, epoch: UInt64, lastServerSeq: UInt64) -> SyncMachine {
        SyncMachine(document: document, replica: queue.replica, token: "", readOnly: readOnly, epoch: epoch, lastServerSeq: lastServerSeq,
                    ackedThrough: queue.ackedThrough, queuedThrough: queue.lastClientSeq, restoringThrough: queue.restoringThrough)
    }

    /// Saves the cache, then drops from the queue what the relay acknowledged (as `DocumentSession` does).
    func saveCache() {
        guard canEdit else { return }
        cache = Cache(replica: queue.replica, epoch: machine.epoch, lastServerSeq: machine.lastServerSeq, snapshot: replica.encodeSnapshot(),
                      queuedThrough: queue.lastClientSeq)
        // Only now may acknowledged batches leave the queue: until the cache holds them, the queue
        // is the only place on disk that does (a crash would otherwise lose them from this copy,
        // and its next edits would reuse their ids).
        try? queue.acknowledge(through: machine.ackedThrough)
    }

    /// The process dies: memory is gone, the files stay.
    func kill() {
        running = false
        queue = nil
        replica = nil
        machine = nil
        link = nil
        presence = nil
        retryToken += 1
    }
}
