import Foundation
import WeftCRDT
import WeftSync

/// What goes wrong: links cut, partitions, clients and relays killed, the store down, compactions.
extension Simulation {
    func injectFault() {
        let roll = int(0...99)
        switch roll {
        case 0..<33:
            let open = links.keys.sorted().filter { links[$0]!.openAtClient && !links[$0]!.cut }
            guard !open.isEmpty else { return }
            count("cut")
            cut(open[int(0...(open.count - 1))])
        case 33..<43:
            let index = int(0...(clients.count - 1))
            guard !partitioned.contains(index) else { return }
            count("partition")
            partitioned.insert(index)
            record("client \(index) is cut off from every relay")
            for id in links.keys.sorted() where links[id]!.client == index { cut(id) }
            schedule(.partitionHeals(client: index), after: .milliseconds(int(500...30_000)))
        case 43..<57:
            killClient(int(0...(clients.count - 1)))
        case 57..<65:
            count("relay killed")
            let index = int(0...(relays.count - 1))
            kill(relay: index)
            schedule(.relayRestarts(relay: index), after: .milliseconds(int(200...20_000)))
        case 65..<72:
            guard store.unavailable == nil else { return }
            count("store down")
            store.unavailable = "a simulated outage"
            record("the store stops answering")
            schedule(.storeBack, after: .milliseconds(int(100...10_000)))
        case 72..<76:
            takeBackup()
        case 76..<78:
            guard !backups.isEmpty else { return takeBackup() }
            storeGoesBack(to: backups[int(0...(backups.count - 1))])
        case 78:
            storeGoesBack(to: nil)
        default:
            let live = relays.filter { $0.alive && $0.room != nil }
            guard !live.isEmpty else { return }
            count("compaction")
            feed(live[int(0...(live.count - 1))], .compactionRequested(keep: UInt64(int(0...30))))
        }
    }

    /// A backup of the store as it is now (as a nightly dump would take it); the last four are kept.
    private func takeBackup() {
        guard store.unavailable == nil else { return }
        backups.append(StoreBackup(store: store, log: ledger.log, takenAt: now))
        if backups.count > 4 { backups.removeFirst() }
        record("a backup of the store is taken at head \(ledger.log.count)")
    }

    /// Someone restores the store from `backup`, or loses it (nil): the relays are stopped, the
    /// store goes back, the relays start again. Copies holding history the store lost must give
    /// it back, and nothing typed may be lost: every writer's files still hold what it typed.
    private func storeGoesBack(to backup: StoreBackup?) {
        count(backup == nil ? "store lost" : "store restored from a backup")
        for relay in relays where relay.alive { kill(relay: relay.index) }
        store.restore(backup?.store)
        ledger.storeWentBack(to: backup?.log ?? [])
        if let backup {
            record("the store is restored from the backup taken at \(backup.takenAt.formatted) (head \(backup.log.count))")
        } else {
            record("the store loses everything")
        }
        for relay in relays { schedule(.relayRestarts(relay: relay.index), after: .milliseconds(int(200...5_000))) }
    }

    private func count(_ fault: String) { report.faults[fault, default: 0] += 1 }

    /// The client process dies: memory is lost, the files stay, and sometimes the edit being
    /// written when it died is torn (never acknowledged to the user, so nothing typed is lost).
    func killClient(_ index: Int) {
        let client = clients[index]
        guard client.running else { return }
        count("client killed")
        if !client.readOnly, client.canEdit, chance(0.3) { tearAnEdit(client) }
        if chance(0.3) { loseUnsynced(client) }
        if let link = client.link { cut(link) }
        report.clientNanoseconds += now - client.startedAt
        client.kill()
        record("client \(index) dies")
        // Usually back soon; sometimes long after, far behind the others.
        let away: VirtualTime = chance(0.15) ? .milliseconds(int(60_000...300_000)) : .milliseconds(int(100...10_000))
        schedule(.clientRestarts(client: index), after: away)
    }

    /// Writes one more edit to the queue and cuts the file inside what that write added, as a
    /// crash in the middle of the write would leave it.
    private func tearAnEdit(_ client: SimClient) {
        let before = fileSize(client.queueURL)
        let length = chance(0.8) ? int(1...40) : int(600_000...1_200_000)
        // Applied and queued as any edit, but the process dies before anything of it is sent.
        guard (try? client.copy!.apply([TextEdit(position: 0, deleting: 0, inserting: text(length: length))])) != nil else { return }
        _ = client.copy!.takeEffects()
        let after = fileSize(client.queueURL)
        guard after > before + 1 else { return }
        let keep = before + UInt64(int(0...Int(after - before - 1)))
        guard truncateFile(client.queueURL, to: keep, "client \(client.index)'s queue") else { return }
        record("client \(client.index) dies while writing an edit of \(length) characters: \(after - keep) of its \(after - before) bytes lost")
    }

    /// The machine loses power with the process: what the client took from the relay and did not
    /// sync is cut from the received log (at any byte). Every edit queued was synced after what it
    /// builds on, so nothing typed may be lost by it.
    private func loseUnsynced(_ client: SimClient) {
        guard let log = client.copy?.received, log.size > log.syncedSize else { return }
        let keep = UInt64(log.syncedSize + int(0...(log.size - log.syncedSize - 1)))
        guard truncateFile(log.url, to: keep, "client \(client.index)'s received log") else { return }
        record("client \(client.index) loses power: \(UInt64(log.size) - keep) unsynced bytes of its received log lost")
    }

    /// Cuts the file at `url` to `length` bytes; false (the run failed) when it cannot.
    private func truncateFile(_ url: URL, to length: UInt64, _ what: String) -> Bool {
        do {
            let handle = try FileHandle(forUpdating: url)
            try handle.truncate(atOffset: length)
            try handle.close()
            return true
        } catch {
            fail("could not cut \(what): \(error)")
            return false
        }
    }

    private func fileSize(_ url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
