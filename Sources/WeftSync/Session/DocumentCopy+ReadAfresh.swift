import WeftCRDT

extension DocumentCopy {
    /// Reading only, this copy was asked back: the relay lacks history it may hold (its data was
    /// lost, or went back to a backup), and this connection cannot give it. The relay may have
    /// been healed by others since, and hold all of it: its copy is read from scratch on `epoch`
    /// beside this one, and shown from `caughtUp` on if it holds every character and deletion of
    /// this one (`adoptFreshCopyIfWhole`); otherwise this copy stays, and syncing stops saying how
    /// to give it back (a live view asks again later instead). The cache keeps this copy unless
    /// its replica never wrote: a replica that wrote has batch numbers that are not the relay's
    /// any more, so only a writer, giving it back, moves it over.
    func readAfresh(onEpoch epoch: UInt64) {
        let key: ReplicaKey
        do {
            key = try ReplicaKey.loadOrCreate(at: files.keyURL(for: queue.replica), for: queue.replica)
        } catch {
            perform(machine.stop(because: machine.lacksHistoryReason))
            return
        }
        heldWhileReadingAfresh = (replica, machine, generation)
        showsRelaysCopy = true
        var fresh = Replica(replicaID: queue.replica)
        for batch in queue.pending { _ = try? fresh.apply(OpCodec.decode(batch.ops)) }
        replica = fresh
        machine = Self.machine(address: address, queue: queue, key: key, cache: nil, options: options)
        machine.adopt(epoch: epoch)
        machine.readsAfresh = true
        // A view keeps showing this copy while the relay's fills beside it (its batches are of
        // the next generation, which the view drops): it is shown only once known to be whole.
        generation += 1
        handle(.start)
    }

    /// Caught up with the relay's copy read afresh: true when it holds everything the copy held
    /// before does (then it is shown, and becomes the cache if this replica never wrote, so the
    /// next read here does not read it afresh again); else the earlier copy is back, and syncing
    /// stops (or waits to ask again, for a live view).
    func adoptFreshCopyIfWhole() -> Bool {
        guard let held = heldWhileReadingAfresh else { return true }
        heldWhileReadingAfresh = nil
        var merged = replica
        let whole = replica.version.includes(held.replica.version)
            && (try? merged.apply(held.replica.restorationOps())) != nil && merged.text == replica.text
        if whole {
            note("the relay holds everything this older copy held (others gave it back): showing the relay's copy")
            onEvent?(.replaced(generation: generation))
            if queue.lastClientSeq == 0 {
                // Nothing was ever typed here: the relay's copy, at its place in the relay's
                // history, is all this copy is, and the cache can hold it.
                showsRelaysCopy = false
                machine.readsAfresh = false
            }
            return true
        }
        showsRelaysCopy = false
        // The earlier copy and its place in the relay's history come back: it is what the cache
        // keeps, for a writer to give back.
        perform([.disconnect])
        replica = held.replica
        machine = held.machine
        // What a view shows, untouched meanwhile.
        generation = held.generation
        perform(machine.lostHistory())
        return false
    }
}
