import Logging
import Synchronization
import WeftCRDT
import WeftWire

/// One open document on the relay: the `DocumentLog`, the connections on it, and the commit
/// queue. Batches accepted while a commit runs wait and go together in the next transaction
/// (group commit); a batch is acknowledged and broadcast only after its transaction commits.
actor DocumentRoom {
    let name: DocumentName
    private let store: any RelayStore
    private let logger: Logger
    private let metrics: RelayMetrics
    private let compaction: CompactionPolicy
    private var log: DocumentLog
    private var members: [UInt64: Member] = [:]
    /// Accepted batches waiting for the next commit, with their ops as received (to broadcast) and
    /// when they arrived (for the ack latency).
    private var queue: [(entry: LogEntry, ops: [Op], member: UInt64, arrived: ContinuousClock.Instant)] = []
    private var committing = false
    /// Callers waiting for the commit loop to go idle (the registry, before unloading the room).
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Acks owed for resent batches whose first commit is still in flight.
    private var owedAcks: [(member: UInt64, clientSeq: UInt64, serverSeq: UInt64)] = []
    /// Set when a commit failed: the room's memory is ahead of the store, so it takes no more work.
    /// Readable without waiting for the actor, so the registry can set a broken room aside at once.
    private let broken = Atomic<Bool>(false)
    nonisolated var isBroken: Bool { broken.load(ordering: .acquiring) }

    struct Member {
        var replica: ReplicaID
        var outbox: Outbox
        /// The member's last presence, for members who join later.
        var presence: Presence?
    }

    /// What a joining connection must be sent before live messages.
    struct Join {
        var welcome: Welcome
        /// Send the stored snapshot first: the client is further behind than the log reaches.
        var needsSnapshot: Bool
        /// Then every log entry after this sequence (or after the snapshot), up to `welcome.serverSeq`.
        var replayAfter: UInt64
    }

    init(name: DocumentName, store: any RelayStore, log: DocumentLog, logger: Logger,
         metrics: RelayMetrics, compaction: CompactionPolicy) {
        self.name = name
        self.store = store
        self.log = log
        self.logger = logger
        self.metrics = metrics
        self.compaction = compaction
    }

    /// Registers a connection. Live broadcasts for anything after `welcome.serverSeq` go to its
    /// outbox from now on; what comes before, the connection replays itself.
    func join(id: UInt64, replica: ReplicaID, lastServerSeq: UInt64, readOnly: Bool, outbox: Outbox) -> Join {
        // Who is here already: queued in the outbox, so it arrives after the replay.
        for (_, other) in members {
            if let presence = other.presence { outbox.send(OutgoingFrame(.presence(replica: other.replica, presence))) }
        }
        members[id] = Member(replica: replica, outbox: outbox)
        let welcome = log.welcome(replica: replica, readOnly: readOnly)
        return Join(welcome: welcome, needsSnapshot: lastServerSeq < log.logFloor, replayAfter: min(lastServerSeq, log.durableHead))
    }

    func leave(id: UInt64) {
        guard let member = members.removeValue(forKey: id) else { return }
        let message = OutgoingFrame(.presenceGone(replica: member.replica))
        for (_, other) in members { other.outbox.send(message) }
    }

    func presence(from id: UInt64, _ presence: Presence) {
        guard let sender = members[id] else { return }
        members[id]?.presence = presence
        let message = OutgoingFrame(.presence(replica: sender.replica, presence))
        for (otherID, other) in members where otherID != id { other.outbox.send(message) }
    }

    /// Takes batch `clientSeq` from connection `id`; returns an error to send (fatal) if refused.
    func submit(from id: UInt64, clientSeq: UInt64, ops: [Op], arrived: ContinuousClock.Instant) -> WireError? {
        guard let member = members[id] else { return WireError(.malformed, "batch from a connection that has not joined") }
        guard !isBroken else { return WireError(.unavailable, "the relay could not commit to this document; reconnect") }
        switch log.receive(clientSeq: clientSeq, ops: ops, from: member.replica) {
        case .accepted(let entry):
            queue.append((entry, ops, id, arrived))
            if !committing {
                committing = true
                Task { await self.commitQueued() }
            }
            return nil
        case .duplicate(let serverSeq):
            if serverSeq <= log.durableHead {
                member.outbox.send(.ack(clientSeq: clientSeq, serverSeq: serverSeq))
            } else {
                owedAcks.append((id, clientSeq, serverSeq))
            }
            return nil
        case .duplicateCompacted(let serverSeq):
            member.outbox.send(.ack(clientSeq: clientSeq, serverSeq: serverSeq))
            return nil
        case .refused(let error):
            if log.isInconsistent {
                fail(because: "a batch that passed every check failed to apply: \(error.message)")
                return WireError(.unavailable, "the relay hit an internal error on this document; reconnect")
            }
            logger.notice("refused a batch", metadata: ["document": "\(name)", "replica": "\(member.replica)", "reason": "\(error)"])
            return error
        }
    }

    private func commitQueued() async {
        while !queue.isEmpty {
            let batch = queue
            queue = []
            let entries = batch.map(\.entry)
            do {
                try await store.append(entries, to: name)
            } catch {
                fail(because: "\(error)")
                break
            }
            log.committed(entries)
            metrics.committed(ops: batch.reduce(0) { $0 + $1.ops.count }, batches: batch.count)
            let now = ContinuousClock.now
            for (entry, ops, sender, arrived) in batch {
                members[sender]?.outbox.send(.ack(clientSeq: entry.clientSeq, serverSeq: entry.serverSeq))
                metrics.ackLatency.record(now - arrived)
                let message = OutgoingFrame(.broadcast(serverSeq: entry.serverSeq, replica: entry.replica, clientSeq: entry.clientSeq, ops: ops))
                for (id, member) in members where id != sender { member.outbox.send(message) }
            }
            let durable = log.durableHead
            owedAcks.removeAll { owed in
                guard owed.serverSeq <= durable else { return false }
                members[owed.member]?.outbox.send(.ack(clientSeq: owed.clientSeq, serverSeq: owed.serverSeq))
                return true
            }
            if queue.isEmpty, !isBroken { await compactIfDue() }
        }
        committing = false
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }


    /// Folds the log into a snapshot when it has grown long. A failure costs nothing but disk:
    /// the log still holds everything, so it is logged and tried again after later commits.
    private func compactIfDue() async {
        guard let due = log.compactionDue(every: compaction.every, keep: compaction.keep) else { return }
        do {
            try await store.compact(name, snapshot: due.snapshot, serverSeq: due.serverSeq, keepAfter: due.floor)
            log.compacted(due)
            logger.info("compacted a document log", metadata: [
                "document": "\(name)", "serverSeq": "\(due.serverSeq)", "snapshotBytes": "\(due.snapshot.count)", "logFloor": "\(due.floor)",
            ])
        } catch {
            logger.warning("compaction failed; the log keeps growing until it succeeds", metadata: ["document": "\(name)", "error": "\(error)"])
        }
    }

    /// Returns once no commit is running, so the store holds everything the room accepted.
    func waitUntilIdle() async {
        guard committing else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// A commit failed: nothing in flight was acknowledged; every connection is told to come back,
    /// and the room is dropped so the next one loads from what the store really holds.
    private func fail(because reason: String) {
        broken.store(true, ordering: .releasing)
        logger.error("commit failed; closing the document's connections", metadata: ["document": "\(name)", "reason": "\(reason)"])
        for (_, member) in members {
            member.outbox.send(.error(WireError(.unavailable, "the relay could not store this document's changes; reconnect"), fatal: true))
            member.outbox.finish()
        }
        members = [:]
        queue = []
        owedAcks = []
    }
}
