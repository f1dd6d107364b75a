import Foundation
import WeftCRDT
import WeftSync
import WeftWire

/// Clients: starting from their files, and performing what their sync machine decides, as
/// `DocumentSession` does.
extension Simulation {
    func startClient(_ index: Int) {
        let client = clients[index]
        do {
            let notices = try client.open(newReplica: ReplicaID(random.next() | 1), document: document)
            for notice in notices { record("client \(index): \(notice)") }
        } catch {
            return fail("client \(index) could not open its files: \(error)")
        }
        client.startedAt = now
        record("client \(index) starts as replica \(client.queue.replica) (\(client.queue.pending.count) queued, cache at \(client.cache?.lastServerSeq.description ?? "none"))")
        if let epoch = client.giveBackOnStart {
            client.giveBackOnStart = nil
            return giveBack(client, epoch: epoch)
        }
        feed(client, .start)
    }

    func feed(_ client: SimClient, _ event: SyncMachine.Event) {
        perform(client, client.machine.handle(event, jitter: jitter))
    }

    func perform(_ client: SimClient, _ actions: [SyncMachine.Action]) {
        for action in actions {
            guard client.running else { return }
            switch action {
            case .connect:
                connect(client)
            case .send(let message):
                if let link = client.link { sendToRelay(link, message) }
            case .sendQueued(let after, let through):
                guard let link = client.link else { break }
                for batch in client.queue.batches(after: after, through: through) {
                    guard let ops = try? OpCodec.decode(batch.ops) else { return fail("client \(client.index): a queued batch does not decode") }
                    sendToRelay(link, batch.restores ? .restore(clientSeq: batch.clientSeq, ops: ops) : .batch(clientSeq: batch.clientSeq, ops: ops))
                }
            case .apply(let serverSeq, let ops):
                do {
                    try client.replica.apply(ops)
                } catch {
                    fail("client \(client.index): batch \(serverSeq) from the relay does not apply: \(error)")
                }
            case .replaceWithSnapshot(let serverSeq, let bytes):
                do {
                    var fresh = try Replica(snapshot: bytes, replicaID: client.queue.replica)
                    for batch in client.queue.pending { _ = try fresh.apply(OpCodec.decode(batch.ops)) }
                    client.replica = fresh
                    record("client \(client.index) loaded the snapshot at \(serverSeq)")
                } catch {
                    fail("client \(client.index): the snapshot at \(serverSeq) does not load: \(error)")
                }
            case .retire:
                // The batches leave the queue when the cache next holds them (`saveCache`).
                let unsent = Int(client.machine.queuedThrough - client.machine.ackedThrough)
                if client.queue.pending.count - unsent >= DocumentSession.acknowledgedBatchesKept { client.saveCache() }
            case .epochChanged(let old, let new):
                fail("client \(client.index): the epoch changed (\(old) → \(new)) although the store lost nothing")
            case .restore:
                fail("client \(client.index): the relay asked for this copy back although the store lost nothing")
            case .setAside(let reason):
                fail("client \(client.index): the relay refused an honest client's batch for good: \(reason)")
            case .presence:
                break
            case .disconnect:
                if let link = client.link {
                    client.link = nil
                    closeFromClient(link)
                }
            case .scheduleRetry(let delay):
                client.retryToken += 1
                schedule(.retryDue(client: client.index, token: client.retryToken), after: VirtualTime(delay))
            case .caughtUp:
                client.canEdit = true
                client.saveCache()
                if let presence = client.presence, let link = client.link { sendToRelay(link, .presence(presence)) }
            case .notice(let message):
                record("client \(client.index): \(message)")
                if message.hasPrefix("protocol error") { fail("client \(client.index): \(message)") }
            }
        }
    }

    /// The copy goes back to the relay as restore batches of a new replica, as `DocumentSession`
    /// does when its queue lost whole batches that its cache may hold.
    func giveBack(_ client: SimClient, epoch: UInt64) {
        let old = client.queue.replica
        let ops = client.replica.restorationOps()
        let fresh = ReplicaID(random.next() | 1)
        let staging = client.directory.appendingPathComponent("queue.giving-back")
        do {
            try? FileManager.default.removeItem(at: staging)
            let given = try OfflineQueue(url: staging, newReplica: fresh)
            try given.append([ops], restoring: true, at: virtualDate)
            guard rename(staging.path, client.queueURL.path) == 0 else { return fail("client \(client.index): could not replace its queue") }
            client.queue = try OfflineQueue(url: client.queueURL, newReplica: fresh)
            client.replica = try Replica(snapshot: client.replica.encodeSnapshot(), replicaID: fresh)
        } catch {
            return fail("client \(client.index): giving its copy back failed: \(error)")
        }
        ledger.givenBack.insert(old)
        record("client \(client.index) gives its copy back as replica \(fresh) (\(client.queue.pending.count) restore batches)")
        client.canEdit = true
        client.machine = client.makeMachine(document: document, epoch: 0, lastServerSeq: 0)
        client.machine.adopt(epoch: epoch)
        client.saveCache()
        feed(client, .start)
    }

    /// The virtual clock as a date, for what the queue records.
    var virtualDate: Date { Date(timeIntervalSince1970: 1_800_000_000 + Double(now) / 1e9) }
}
