import Foundation
import WeftCRDT
import WeftSync

/// What goes wrong: links cut, partitions, clients and relays killed, the store down, compactions.
extension Simulation {
    func injectFault() {
        let roll = int(0...99)
        switch roll {
        case 0..<35:
            let open = links.keys.sorted().filter { links[$0]!.openAtClient && !links[$0]!.cut }
            guard !open.isEmpty else { return }
            count("cut")
            cut(open[int(0...(open.count - 1))])
        case 35..<45:
            let index = int(0...(clients.count - 1))
            guard !partitioned.contains(index) else { return }
            count("partition")
            partitioned.insert(index)
            record("client \(index) is cut off from every relay")
            for id in links.keys.sorted() where links[id]!.client == index { cut(id) }
            schedule(.partitionHeals(client: index), after: .milliseconds(int(500...30_000)))
        case 45..<60:
            killClient(int(0...(clients.count - 1)))
        case 60..<68:
            count("relay killed")
            let index = int(0...(relays.count - 1))
            kill(relay: index)
            schedule(.relayRestarts(relay: index), after: .milliseconds(int(200...20_000)))
        case 68..<75:
            guard store.unavailable == nil else { return }
            count("store down")
            store.unavailable = "a simulated outage"
            record("the store stops answering")
            schedule(.storeBack, after: .milliseconds(int(100...10_000)))
        default:
            let live = relays.filter { $0.alive && $0.room != nil }
            guard !live.isEmpty else { return }
            count("compaction")
            feed(live[int(0...(live.count - 1))], .compactionRequested(keep: UInt64(int(0...30))))
        }
    }

    private func count(_ fault: String) { report.faults[fault, default: 0] += 1 }

    /// The client process dies: memory is lost, the files stay, and sometimes the edit being
    /// written when it died is torn (never acknowledged to the user, so nothing typed is lost).
    func killClient(_ index: Int) {
        let client = clients[index]
        guard client.running else { return }
        count("client killed")
        if !client.readOnly, client.canEdit, chance(0.3) { tearAnEdit(client) }
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
        do {
            let handle = try FileHandle(forUpdating: client.queueURL)
            try handle.truncate(atOffset: keep)
            try handle.close()
        } catch {
            return fail("could not tear client \(client.index)'s queue: \(error)")
        }
        record("client \(client.index) dies while writing an edit of \(length) characters: \(after - keep) of its \(after - before) bytes lost")
    }

    private func fileSize(_ url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
