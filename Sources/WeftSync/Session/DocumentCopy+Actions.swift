import WeftCRDT
import WeftWire

extension DocumentCopy {
    /// Does what the sync machine decided: to the replica, the queue and the cache here; to the
    /// connection by leaving effects.
    func perform(_ actions: [SyncMachine.Action]) {
        for action in actions {
            switch action {
            case .connect:
                effects.append(.connect)
            case .send(let message):
                effects.append(.send(message))
            case .sendQueued(let after, let through):
                for batch in queue.batches(after: after, through: through) {
                    guard let ops = try? OpCodec.decode(batch.ops) else { continue }  // checked when queued or read
                    effects.append(.send(batch.restores ? .restore(clientSeq: batch.clientSeq, ops: ops) : .batch(clientSeq: batch.clientSeq, ops: ops)))
                }
            case .apply(let serverSeq, let ops):
                do {
                    try replica.apply(ops)
                    logReceived(serverSeq, ops: ops)
                    onEvent?(.remote(ops, generation: generation))
                } catch {
                    noteTrouble("batch \(serverSeq) from the relay did not apply (\(error)); reconnecting")
                    effects.append(.endConnection)
                }
            case .replaceWithSnapshot(let serverSeq, let bytes):
                replaceWithSnapshot(bytes, at: serverSeq)
            case .retire:
                // The batches leave the queue once the cache holds them (`saveCache`): until then
                // the queue is the only file that does, and a crash would lose them from this
                // copy (its next edits would then reuse their ids). Saved every so often, so that
                // a long session does not keep every batch it typed.
                if queue.pending.count - unsentCount >= Self.acknowledgedBatchesKept { saveCache() }
            case .epochChanged(let old, let new):
                _ = startOver(keepingEpoch: false, because: .epochChanged(old: old, new: new)) { saved, unsent in
                    "the relay's copy of \(self.address.name) was reset (epoch \(old) → \(new)). This copy, with \(unsent) unsent batches, is saved in \(saved); now following the relay's copy"
                }
            case .restore(let epoch):
                giveBack(onEpoch: epoch, because: .relayLostHistory(epoch: epoch))
            case .readAfresh(let epoch):
                readAfresh(onEpoch: epoch)
            case .setAside(let reason):
                let saved = startOver(keepingEpoch: true, because: .refused(reason)) { saved, unsent in
                    "the relay refused an edit of yours for good (\(reason)). This copy of \(self.address.name) as it was, with the \(unsent) \(unsent == 1 ? "batch" : "batches") the relay does not have, is saved in \(saved); the document follows the relay's copy again: paste back from that file what you need"
                }
                if let saved { setAside.append(saved) }
            case .presence(let replica, let presence):
                if presence == nil { peers.remove(replica) } else { peers.insert(replica) }
                onEvent?(.presence(replica, presence))
            case .disconnect:
                effects.append(.disconnect)
                forgetPeers()
            case .scheduleRetry(let delay):
                effects.append(.scheduleRetry(delay))
            case .caughtUp:
                guard adoptFreshCopyIfWhole() else { return }
                canEdit = true
                saveCache()
                if let localPresence { effects.append(.send(.presence(localPresence))) }
            case .notice(let message):
                note(message)
            case .trouble(let message):
                noteTrouble(message)
            }
        }
    }

    /// Loads the relay's snapshot in place of this copy, with the queued batches applied again
    /// on top of it.
    private func replaceWithSnapshot(_ bytes: [UInt8], at serverSeq: UInt64) {
        do {
            var fresh = try Replica(snapshot: bytes, replicaID: queue.replica)
            for batch in queue.pending { _ = try fresh.apply(OpCodec.decode(batch.ops)) }
            replica = fresh
            generation += 1
            onEvent?(.replaced(generation: generation))
            // The received log continues the cache, which this snapshot passed.
            saveCache()
        } catch {
            noteTrouble("the relay's snapshot at \(serverSeq) did not load (\(error)); reconnecting")
            effects.append(.endConnection)
        }
    }
}
