import Foundation
import WeftCRDT

extension DocumentCopy {
    /// This copy cannot go on with the relay's: its document was deleted and made again (a new
    /// epoch), or the relay refused one of its batches for good. Keeps this copy's text in a
    /// recovery file and the unsent batches beside the queue, then syncs from scratch as a new
    /// replica (on the same epoch with `keepingEpoch`). `notice` words the message from the
    /// recovery file's path and the number of unsent batches.
    /// - Returns: the recovery file, nil when setting the copy aside failed (the user is told).
    func startOver(keepingEpoch: Bool, because reason: StartOver, notice: (String, UInt64) -> String) -> URL? {
        let recovery = FileStamp.unused(in: files.directory, prefix: "recovered-", suffix: ".txt")
        let unsent = machine.queuedThrough - machine.ackedThrough
        let epoch = machine.epoch
        let key: ReplicaKey
        do {
            try Data(replica.text.utf8).write(to: recovery)
            if unsent > 0 {
                try FileManager.default.moveItem(at: files.queueURL, to: FileStamp.unused(in: files.directory, prefix: "\(DocumentFiles.queueName).set-aside-"))
            } else {
                try FileManager.default.removeItem(at: files.queueURL)
            }
            try? FileManager.default.removeItem(at: files.cacheURL)
            queue = try OfflineQueue(url: files.queueURL, newReplica: newReplicaID())
            key = try ReplicaKey.loadOrCreate(at: files.keyURL(for: queue.replica), for: queue.replica)
        } catch {
            note("\(notice(recovery.path, unsent)) — but setting this copy aside failed: \(error). Nothing was deleted; move \(files.directory.path) away and open the document again")
            return nil
        }
        note(notice(recovery.path, unsent))
        replica = Replica(replicaID: queue.replica)
        canEdit = true
        generation += 1
        replicaSwitches.append((generation, recovery))
        machine = Self.machine(address: address, queue: queue, key: key, cache: nil, options: options)
        if keepingEpoch { machine.adopt(epoch: epoch) }
        effects.append(.startedOver(reason))
        onEvent?(.replaced(generation: generation))
        handle(.start)
        return recovery
    }

    /// The relay lacks history this copy holds (its data was lost, or went back to an old
    /// backup), or the queue lost batches this copy holds: give the relay this copy back. This
    /// copy becomes a new replica whose first batches are restore batches holding the whole
    /// document (every character with its original id, so copies given back by several people at
    /// once cannot duplicate anything), queued durably in place of the old queue (whose batches
    /// they include), and the copy connects again to send them, naming the replicas it wrote as
    /// before with their keys: what the relay lacks of those is this copy's own to give back.
    func giveBack(onEpoch epoch: UInt64, because reason: StartOver) {
        let ops = replica.restorationOps()
        let fresh = newReplicaID()
        let staging = files.directory.appendingPathComponent("\(DocumentFiles.queueName).giving-back")
        let key: ReplicaKey
        do {
            try? FileManager.default.removeItem(at: staging)
            let given = try OfflineQueue(url: staging, newReplica: fresh)
            // The key first: once the new queue is in place, the replica may connect.
            key = try ReplicaKey.loadOrCreate(at: files.keyURL(for: fresh), for: fresh)
            try given.append([ops], restoring: true, at: now())
            // Atomic: a crash leaves the old queue, or this one, which holds everything.
            if rename(staging.path, files.queueURL.path) != 0 {
                throw SyncError(.io, "cannot replace \(files.queueURL.path): \(String(cString: strerror(errno)))")
            }
            queue = try OfflineQueue(url: files.queueURL, newReplica: fresh)
            replica = try Replica(snapshot: replica.encodeSnapshot(), replicaID: fresh)
        } catch {
            note("the relay has lost history of \(address.name) that this copy holds, and giving it back failed: \(error). Nothing was changed here; open the document again to retry")
            return
        }
        let why = if case .queueDamaged = reason { "its offline queue was damaged" } else {
            "the relay had lost history of \(address.name) (its data was lost or restored from an old backup)"
        }
        note("\(why); giving it this copy back (\(queue.pending.count) \(queue.pending.count == 1 ? "batch" : "batches"))")
        canEdit = true
        generation += 1
        replicaSwitches.append((generation, nil))
        machine = Self.machine(address: address, queue: queue, key: key, cache: nil, options: options)
        machine.formerReplicas = files.formerReplicas(before: fresh, heldIn: replica)
        machine.adopt(epoch: epoch)
        cacheIsCurrent = false
        saveCache()
        effects.append(.startedOver(reason))
        onEvent?(.replaced(generation: generation))
        handle(.start)
    }
}
