import Foundation
import WeftCRDT
import WeftSync
import WeftWire

/// Clients: each a `DocumentCopy` opened from its files, as `weft` opens one, with its effects
/// performed on the simulated network and clock.
extension Simulation {
    /// The address the simulated clients name their document by (no real network is involved).
    var address: DocumentAddress { try! DocumentAddress(parsing: "ws://127.0.0.1:1/\(document)", defaultServer: "ws://127.0.0.1:1") }

    func startClient(_ index: Int) {
        let client = clients[index]
        do {
            // The simulator runs one process per client by construction; a real lock could be
            // held a moment longer by a child the test process forks meanwhile.
            let files = try DocumentFiles(directory: client.directory, locking: false)
            let copy = try DocumentCopy(address: address, files: files, options: SessionOptions(readOnly: client.readOnly),
                                        newReplicaID: { [unowned self] in ReplicaID(self.random.next() | 1) },
                                        now: { [unowned self] in self.virtualDate })
            copy.onEvent = { [unowned self] event in
                let message: String
                switch event {
                case .notice(let text), .trouble(let text): message = text
                default: return
                }
                self.record("client \(index): \(message)")
                if message.hasPrefix("protocol error") { self.fail("client \(index): \(message)") }
            }
            client.copy = copy
        } catch {
            return fail("client \(index) could not open its files: \(error)")
        }
        for notice in client.copy!.notices { record("client \(index): \(notice)") }
        client.startedAt = now
        record("client \(index) starts as replica \(client.queue.replica) (\(client.queue.pending.count) queued, cache at \(client.hasCache ? "\(client.machine.lastServerSeq)" : "none"))")
        drive(client) { $0.start() }
    }

    func feed(_ client: SimClient, _ event: SyncMachine.Event) {
        drive(client) { $0.handle(event, jitter: jitter) }
    }

    /// Runs `body` on the client's copy, then performs the effects it left.
    func drive(_ client: SimClient, _ body: (DocumentCopy) -> Void) {
        guard let copy = client.copy else { return }
        let replica = copy.queue.replica
        body(copy)
        perform(client, copy.takeEffects(), replicaBefore: replica)
        if client.running, client.readOnly, case .failed(let reason) = copy.machine.phase {
            // A reader whose copy holds history the relay lost stops, as `weft view` does; its
            // user opens it again later, by when the writers may have given that history back.
            record("client \(client.index) stops (\(reason)); its user opens it again later")
            if let link = client.link { cut(link) }
            report.clientNanoseconds += now - client.startedAt
            client.kill()
            schedule(.clientRestarts(client: client.index), after: .milliseconds(int(1_000...20_000)))
        }
    }

    private func perform(_ client: SimClient, _ effects: [DocumentCopy.Effect], replicaBefore: ReplicaID) {
        for effect in effects {
            guard client.running else { return }
            switch effect {
            case .connect:
                connect(client)
            case .send(let message):
                if let link = client.link { sendToRelay(link, message) }
            case .endConnection:
                fail("client \(client.index): \(client.copy!.notices.last ?? "a message from the relay did not apply")")
            case .disconnect:
                if let link = client.link {
                    client.link = nil
                    closeFromClient(link)
                }
            case .scheduleRetry(let delay):
                client.retryToken += 1
                schedule(.retryDue(client: client.index, token: client.retryToken), after: VirtualTime(delay))
            case .startedOver(.queueDamaged):
                ledger.givenBack.insert(replicaBefore)
                record("client \(client.index) gives its copy back as replica \(client.queue.replica) (\(client.queue.pending.count) restore batches)")
            case .startedOver(.epochChanged(let old, let new)):
                fail("client \(client.index): the epoch changed (\(old) → \(new)) although the store lost nothing")
            case .startedOver(.relayLostHistory):
                guard ledger.storeWentBack > 0 else {
                    return fail("client \(client.index): the relay asked for this copy back although the store lost nothing")
                }
                ledger.givenBack.insert(replicaBefore)
                record("client \(client.index) gives its copy back as replica \(client.queue.replica) (\(client.queue.pending.count) restore batches)")
            case .startedOver(.refused(let reason)):
                fail("client \(client.index): the relay refused an honest client's batch for good: \(reason)")
            }
        }
    }

    /// The virtual clock as a date, for what the queue records.
    var virtualDate: Date { Date(timeIntervalSince1970: 1_800_000_000 + Double(now) / 1e9) }
}
