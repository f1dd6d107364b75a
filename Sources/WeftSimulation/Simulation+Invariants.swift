import WeftCRDT
import WeftServer
import WeftSync

/// The invariants: replicas that have seen the same batches hold the same text; after healing,
/// every acknowledged batch is everywhere exactly once, nothing accepted is lost, and everyone
/// settles.
extension Simulation {
    /// Every client running, caught up, with nothing unacknowledged, at the store's head; every
    /// relay's room with nothing waiting.
    var isSettled: Bool {
        let head = store.documents[document]?.head ?? 0
        return clients.allSatisfy { $0.isSettled && $0.machine.lastServerSeq == head }
            && relays.allSatisfy { $0.room?.isIdle ?? true }
    }

    /// Who is not settled, and why, for a liveness failure.
    var unsettled: String {
        let head = store.documents[document]?.head ?? 0
        var parts: [String] = []
        for client in clients where !(client.isSettled && client.machine.lastServerSeq == head) {
            guard client.running else { parts.append("client \(client.index) not running"); continue }
            parts.append("client \(client.index) \(client.machine.phase) at \(client.machine.lastServerSeq)/\(head), acked \(client.machine.ackedThrough)/\(client.machine.queuedThrough)")
        }
        for relay in relays where !(relay.room?.isIdle ?? true) { parts.append("relay \(relay.index) busy") }
        return parts.joined(separator: "; ")
    }

    /// The text of the committed log through `serverSeq`, built by a reference replica that only
    /// moves forward (nil for an earlier sequence than it has reached).
    func referenceText(through serverSeq: UInt64, reference: inout (replica: Replica, at: UInt64)) -> String? {
        guard serverSeq >= reference.at else { return nil }
        while reference.at < serverSeq {
            let entry = ledger.log[Int(reference.at)]
            do {
                try reference.replica.apply(OpCodec.decode(entry.ops))
            } catch {
                fail("the committed entry \(entry.serverSeq) does not apply to the reference replica: \(error)")
                return nil
            }
            reference.at += 1
        }
        return reference.replica.text
    }

    /// Whether the client's place in the log is on the log as it is now: after the store went
    /// back, a client not yet reconnected may stand on history the store lost (it is asked for
    /// that history when it connects), and is compared with nothing until then.
    func followsTheLog(_ client: SimClient) -> Bool {
        let seq = client.machine.lastServerSeq
        guard seq <= ledger.log.count else { return false }
        guard ledger.storeWentBack > 0, seq > 0 else { return true }
        guard let last = client.machine.lastEntry else { return false }
        let entry = ledger.log[Int(seq) - 1]
        return entry.replica == last.replica && entry.clientSeq == last.clientSeq
    }

    /// Clients with nothing unacknowledged whose own batches they have all seen in sequence hold
    /// exactly the log's text through their last server sequence.
    func checkReplicas() {
        var reference = (replica: Replica(replicaID: ReplicaID(0)), at: UInt64(0))
        let comparable = clients.filter { client in
            guard client.running, client.machine.phase == .live, client.machine.ackedThrough >= client.machine.queuedThrough else { return false }
            return client.machine.lastServerSeq >= ledger.lastSeqOf[client.queue.replica] ?? 0 && followsTheLog(client)
        }.sorted { $0.machine.lastServerSeq < $1.machine.lastServerSeq }
        var texts: [UInt64: (client: Int, text: String)] = [:]
        for client in comparable {
            let seq = client.machine.lastServerSeq
            let text = client.replica.text
            if let other = texts[seq] {
                if other.text != text { fail("clients \(other.client) and \(client.index) have both applied the log through \(seq) and hold different texts") }
            } else if let expected = referenceText(through: seq, reference: &reference), expected != text {
                fail("client \(client.index) has applied the log through \(seq) and its text differs from the log's (\(text.unicodeScalars.count) against \(expected.unicodeScalars.count) characters)")
            }
            texts[seq] = (client.index, text)
        }
    }

    /// After settling: every accepted batch is committed with the ops it was queued with (or
    /// travelled in a copy given back), every character typed is in the document, and every
    /// client holds the document.
    func finalChecks() {
        guard violation == nil else { return }
        for (key, ops) in ledger.acceptedOps.sorted(by: { ($0.key.replica.rawValue, $0.key.clientSeq) < ($1.key.replica.rawValue, $1.key.clientSeq) }) {
            if let committed = ledger.committedOps[key] {
                if committed != ops { return fail("batch \(key.clientSeq) of replica \(key.replica) was committed with other ops than it was queued with") }
            } else if !ledger.givenBack.contains(key.replica) {
                return fail("batch \(key.clientSeq) of replica \(key.replica) was accepted and never committed")
            }
        }
        var reference = (replica: Replica(replicaID: ReplicaID(0)), at: UInt64(0))
        let head = UInt64(ledger.log.count)
        guard let text = referenceText(through: head, reference: &reference) else { return }
        for (replica, through) in ledger.insertedThrough.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where reference.replica.knownCount(of: replica) < through {
            return fail("characters typed by replica \(replica) up to \(through) are missing: the document has \(reference.replica.knownCount(of: replica))")
        }
        if store.documents[document]?.head ?? 0 != head { return fail("the store's head is not the log's") }
        for client in clients where client.replica.text != text {
            return fail("client \(client.index) settled with a text other than the document's")
        }
        report.finalLength = text.unicodeScalars.count
    }
}
