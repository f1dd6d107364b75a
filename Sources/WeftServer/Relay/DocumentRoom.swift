import Crypto
import Logging
import Synchronization
import WeftCRDT
import WeftWire

/// One open document on the relay: the `DocumentLog`, the connections on it, and the pump that
/// commits and delivers. Batches accepted while a commit runs wait and go together in the next
/// transaction (group commit). The store numbers them when it commits; then the pump delivers the
/// store's log in server-sequence order, this relay's batches and other relays' alike: a batch is
/// acknowledged to its replica and broadcast to everyone else only then, so every connection sees
/// one gapless sequence and can resume from it on any relay.
///
/// The room runs on an executor of its own (`RoomExecutor`), off Swift's shared pool: applying a
/// heavy batch or compacting a large document takes seconds, and other documents must not wait.
actor DocumentRoom {
    let name: DocumentName
    private let executor: RoomExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private let store: any RelayStore
    private let logger: Logger
    private let metrics: RelayMetrics
    private let compaction: CompactionPolicy
    private var log: DocumentLog
    private var members: [UInt64: Member] = [:]
    /// Accepted batches waiting for the next commit.
    private var queue: [PendingBatch] = []
    /// Batches accepted here and not delivered yet: their ops as received (to broadcast without
    /// decoding again) and when they arrived (for the ack latency).
    private var undelivered: [DocumentLog.BatchKey: (ops: [Op], arrived: ContinuousClock.Instant)] = [:]
    /// Entries this relay committed and has not delivered yet, by server sequence.
    private var committedHere: [UInt64: LogEntry] = [:]
    /// The newest server sequence known to be in the store (from commits here and notifications).
    private var knownHead: UInt64
    /// Catch-ups asked for (a join from a client ahead of this room, a missed notification) and done.
    private var catchUpsRequested = 0
    private var catchUpsDone = 0
    private var catchUpWaiters: [(generation: Int, continuation: CheckedContinuation<Void, Never>)] = []
    private var pumping = false
    /// Replica ids bound to a key, with the key's hash, as far as this room has looked them up.
    private var boundKeys: [ReplicaID: [UInt8]] = [:]
    /// Callers waiting for the pump to go idle (the registry, before unloading the room).
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set when a commit or delivery failed: the room's memory no longer matches the store, so it
    /// takes no more work. Readable without waiting for the actor, so the registry can set a broken
    /// room aside at once.
    private let broken = Atomic<Bool>(false)
    nonisolated var isBroken: Bool { broken.load(ordering: .acquiring) }

    struct Member {
        var replica: ReplicaID
        var outbox: Outbox
        /// The member's last presence, for members who join later.
        var presence: Presence?
        /// The connection was welcomed to give back its copy of the document (`restore` messages).
        var mayRestore = false
    }

    /// What a joining connection must be sent before live messages.
    struct Join {
        var welcome: Welcome
        /// Send the stored snapshot first: the client is further behind than the log reaches.
        var needsSnapshot: Bool
        /// Then every log entry after this sequence (or after the snapshot), up to `welcome.serverSeq`.
        var replayAfter: UInt64
    }

    /// - Parameter executor: where the room runs; the document was loaded there too.
    init(name: DocumentName, store: any RelayStore, log: DocumentLog, logger: Logger,
         metrics: RelayMetrics, compaction: CompactionPolicy, executor: RoomExecutor) {
        self.name = name
        self.executor = executor
        self.store = store
        self.log = log
        self.logger = logger
        self.metrics = metrics
        self.compaction = compaction
        knownHead = log.deliveredHead
    }

    /// Registers a connection. Live messages for anything after `welcome.serverSeq` go to its
    /// outbox from now on; what comes before, the connection replays itself.
    ///
    /// A client that last synced through another relay may be ahead of this room: the room first
    /// catches up with the store, so the welcome never sends a client back in time. A client still
    /// ahead after that holds history the store lost, and is asked to give its copy back; with a
    /// receipt proving the loss, the document moves to a new epoch first, and the connections
    /// open on the old one are closed, so that every client gives its copy back
    /// (`DocumentLog.greeting`).
    func join(id: UInt64, hello: Hello, readOnly: Bool, outbox: Outbox) async -> Join {
        if hello.lastServerSeq > log.deliveredHead { await catchUp() }
        await followEpoch(of: hello.epoch)
        let greeting = log.greeting(clientEpoch: hello.epoch, lastServerSeq: hello.lastServerSeq,
                                    restoring: hello.restoring, replica: hello.replica,
                                    receipt: hello.lostBatchesReceipt.map { ($0.clientSeq, $0.serverSeq) })
        if greeting.needsNewEpoch, !isBroken {
            do {
                let renewed = try await store.renewEpoch(of: name, from: log.epoch)
                log.renew(epoch: renewed)
                // Their clients hold the old epoch's copy: connecting again, they are asked for it.
                let moved = WireError(.unavailable, "the relay lost history of this document and moved it to a new epoch; reconnect to give your copy back")
                for (_, member) in members { member.outbox.send(.error(moved, fatal: true)) }
                logger.warning("a client holds history this relay lacks; the document has a new epoch and its clients give their copies back",
                               metadata: ["document": "\(name)", "clientLastServerSeq": "\(hello.lastServerSeq)", "head": "\(log.deliveredHead)"])
            } catch {
                fail(because: "could not renew the epoch: \(error)")
            }
        }
        if isBroken {
            outbox.send(.error(WireError(.unavailable, "the relay could not read this document's log; reconnect"), fatal: true))
            outbox.finish()
        }
        // Who is here already: queued in the outbox, so it arrives after the replay.
        for (_, other) in members {
            if let presence = other.presence { outbox.send(OutgoingFrame(.presence(replica: other.replica, presence))) }
        }
        // A read-only client is told too: it cannot give its copy back on this connection, but it
        // must not take the relay's for the whole document either.
        let restore = greeting.restore
        members[id] = Member(replica: hello.replica, outbox: outbox, mayRestore: restore && hello.restoring && !readOnly)
        let welcome = log.welcome(replica: hello.replica, readOnly: readOnly, restore: restore)
        if restore, !hello.restoring || readOnly {
            // The client is about to give its copy back on a new connection: replay it nothing now.
            return Join(welcome: welcome, needsSnapshot: false, replayAfter: log.deliveredHead)
        }
        // A client of another epoch has applied none of this one's log (epoch 0: a client that
        // knows none, whose last serverSeq is taken as it says).
        let applied = hello.epoch == 0 || hello.epoch == log.epoch ? hello.lastServerSeq : 0
        return Join(welcome: welcome, needsSnapshot: applied < log.logFloor, replayAfter: min(applied, log.deliveredHead))
    }

    /// A hello names another epoch than this room's: another relay on the same store may have
    /// renewed it, so the room takes the store's.
    private func followEpoch(of helloEpoch: UInt64) async {
        guard helloEpoch != 0, helloEpoch != log.epoch, !isBroken else { return }
        if let current = try? await store.epoch(of: name), current != log.epoch { log.renew(epoch: current) }
    }

    /// Whether a hello for `replica` with `key` may use it (PROTOCOL.md rule 8): a replica bound
    /// to a key takes only hellos with that key; one bound to none is bound to `key` now, durably,
    /// when there is one. Returns the refusal to send, if any.
    ///
    /// Only a hello of this epoch (or of none) binds: one of another epoch holds a copy that is
    /// about to be given back under a new replica, or set aside, so its replica writes nothing in
    /// this epoch, and the copies given back must be able to restore its characters.
    func admit(_ replica: ReplicaID, key: [UInt8], epoch: UInt64) async -> WireError? {
        await followEpoch(of: epoch)
        let binds = epoch == 0 || epoch == log.epoch
        let offered = key.isEmpty ? nil : Array(SHA256.hash(data: key))
        var bound = boundKeys[replica]
        if bound == nil {
            do {
                bound = try await store.replicaKey(replica, in: name, bindingTo: binds ? offered : nil)
            } catch {
                logger.error("could not look up a replica's key", metadata: ["document": "\(name)", "error": "\(error)"])
                return WireError(.unavailable, "the relay cannot check this replica's key now; try again later")
            }
            if let bound { boundKeys[replica] = bound }
        }
        guard let bound, bound != offered else { return nil }
        return WireError(.unauthorized, "replica \(replica) belongs to another client of \(name) (its key differs); a client uses only the replica it made")
    }

    /// Another relay committed up to `head` (a notification): deliver it.
    func storeAdvanced(to head: UInt64) {
        guard head > knownHead else { return }
        knownHead = head
        startPump()
    }

    /// Reads the store's log for anything not delivered yet (notifications may have been missed),
    /// without waiting for it.
    func requestCatchUp() {
        catchUpsRequested += 1
        startPump()
    }

    /// Reads the store's log for anything not delivered yet and returns once that is delivered.
    private func catchUp() async {
        guard !isBroken else { return }
        catchUpsRequested += 1
        let generation = catchUpsRequested
        startPump()
        await withCheckedContinuation { catchUpWaiters.append((generation, $0)) }
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

    /// Takes batch `clientSeq` from connection `id` (a `restore` batch with `restoring`); returns
    /// an error to send (fatal) if refused.
    ///
    /// A restore batch waits for the store to say which of the replicas it gives characters back
    /// for write in this epoch themselves (`DocumentLog.receiveRestore`); the connection sends
    /// nothing else meanwhile, so its batches stay in order.
    func submit(from id: UInt64, clientSeq: UInt64, ops: [Op], restoring: Bool = false, arrived: ContinuousClock.Instant) async -> WireError? {
        guard members[id] != nil else { return WireError(.malformed, "batch from a connection that has not joined") }
        guard !isBroken else { return WireError(.unavailable, "the relay could not commit to this document; reconnect") }
        var writers: Set<ReplicaID> = []
        if restoring {
            guard members[id]?.mayRestore == true else {
                return WireError(.malformed, "restore batches are taken only on a connection welcomed to restore (a restoring hello)")
            }
            do {
                writers = try await store.replicasWriting(in: name, among: log.replicasGivenBack(in: ops))
            } catch {
                logger.error("could not look up a document's writing replicas", metadata: ["document": "\(name)", "error": "\(error)"])
                return WireError(.unavailable, "the relay cannot check this restore batch now; try again later")
            }
        }
        guard let member = members[id] else { return WireError(.malformed, "batch from a connection that has left") }
        guard !isBroken else { return WireError(.unavailable, "the relay could not commit to this document; reconnect") }
        let decision = restoring ? log.receiveRestore(clientSeq: clientSeq, ops: ops, from: member.replica, writers: writers)
            : log.receive(clientSeq: clientSeq, ops: ops, from: member.replica)
        switch decision {
        case .accepted(let batch):
            queue.append(batch)
            undelivered[DocumentLog.BatchKey(replica: batch.replica, clientSeq: clientSeq)] = (ops, arrived)
            startPump()
            return nil
        case .duplicate(let serverSeq), .duplicateCompacted(let serverSeq):
            member.outbox.send(.ack(clientSeq: clientSeq, serverSeq: serverSeq))
            return nil
        case .inFlight:
            // Its delivery acknowledges it, in sequence.
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

    private func startPump() {
        guard !pumping, !isBroken else { return }
        pumping = true
        Task { await self.pump() }
    }

    /// Commits what is queued, delivers what the store has beyond `deliveredHead`, and compacts,
    /// until there is nothing left to do. One pump runs at a time; what arrives meanwhile is
    /// picked up by its next round. Catch-ups go first: a joining client waits for them, and
    /// under steady typing the queue is never empty for long.
    private func pump() async {
        do {
            while !isBroken {
                if catchUpsDone < catchUpsRequested {
                    let generation = catchUpsRequested
                    try await deliverStored(upTo: nil)
                    catchUpsDone = generation
                    resumeCatchUpWaiters()
                } else if !queue.isEmpty {
                    try await commitQueued()
                } else if knownHead > log.deliveredHead {
                    try await deliverStored(upTo: knownHead)
                } else {
                    await compactIfDue()
                    if queue.isEmpty, catchUpsDone == catchUpsRequested, knownHead <= log.deliveredHead { break }
                }
            }
        } catch {
            fail(because: "\(error)")
        }
        pumping = false
        if isBroken {
            catchUpsDone = catchUpsRequested
            resumeCatchUpWaiters()
        }
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    private func commitQueued() async throws {
        let batches = queue
        queue = []
        let result = try await store.commit(batches, to: name)
        log.committed(batches)
        var appendedOps = 0, appendedBatches = 0
        for (index, batch) in batches.enumerated() where result.appended[index] {
            let entry = LogEntry(serverSeq: result.serverSeqs[index], replica: batch.replica, clientSeq: batch.clientSeq, ops: batch.ops)
            committedHere[entry.serverSeq] = entry
            appendedOps += undelivered[DocumentLog.BatchKey(replica: batch.replica, clientSeq: batch.clientSeq)]?.ops.count ?? 0
            appendedBatches += 1
        }
        metrics.committed(ops: appendedOps, batches: appendedBatches)
        knownHead = max(knownHead, result.head)
        try await deliverStored(upTo: knownHead)
    }

    /// Delivers the store's log after `deliveredHead`, up to `target` (nil: to the end it has when
    /// read, not beyond: while other relays keep committing, "until nothing is left" never comes),
    /// from memory for entries committed here and from the store for the rest.
    private func deliverStored(upTo target: UInt64?) async throws {
        let page = 1_000
        while target.map({ log.deliveredHead < $0 }) ?? true {
            if let entry = committedHere.removeValue(forKey: log.deliveredHead + 1) {
                try deliver(entry)
                continue
            }
            let entries = try await store.entries(of: name, after: log.deliveredHead, limit: page)
            guard !entries.isEmpty else {
                if let target, target > log.deliveredHead {
                    logger.warning("a notification named entries the store does not have", metadata: [
                        "document": "\(name)", "notified": "\(target)", "delivered": "\(log.deliveredHead)",
                    ])
                    knownHead = log.deliveredHead
                }
                return
            }
            for entry in entries where entry.serverSeq > log.deliveredHead {
                try deliver(committedHere.removeValue(forKey: entry.serverSeq) ?? entry)
            }
            knownHead = max(knownHead, log.deliveredHead)
            if target == nil, entries.count < page { return }
        }
    }

    /// Applies the next entry and fans it out: an ack to the replica that sent it (on every one of
    /// its connections), a broadcast to everyone else.
    private func deliver(_ entry: LogEntry) throws {
        let key = DocumentLog.BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)
        let local = undelivered.removeValue(forKey: key)
        let ops = try local?.ops ?? OpCodec.decode(entry.ops)
        switch log.deliver(entry, ops: ops) {
        case .delivered: break
        case .gap(let expected):
            throw StoreError("the store's log continues at \(entry.serverSeq), not \(expected): this relay fell behind a compaction; reloading the document")
        case .inconsistent(let reason):
            throw StoreError(reason)
        }
        if let local { metrics.ackLatency.record(ContinuousClock.now - local.arrived) }
        let ack = OutgoingFrame(.ack(clientSeq: entry.clientSeq, serverSeq: entry.serverSeq))
        let broadcast = OutgoingFrame(.broadcast(serverSeq: entry.serverSeq, replica: entry.replica, clientSeq: entry.clientSeq, ops: ops))
        for (_, member) in members { member.outbox.send(member.replica == entry.replica ? ack : broadcast) }
    }

    private func resumeCatchUpWaiters() {
        let done = catchUpsDone
        catchUpWaiters.removeAll { waiter in
            guard waiter.generation <= done else { return false }
            waiter.continuation.resume()
            return true
        }
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

    /// The document as the room holds it now, for checks.
    var currentLog: DocumentLog { log }

    /// Returns once the pump is idle, so the store holds everything the room accepted.
    func waitUntilIdle() async {
        guard pumping else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// The document's incarnation this room holds.
    var epoch: UInt64 { log.epoch }

    /// Characters in the document as this room holds it (what clients see once caught up).
    var characters: Int { log.replica.count }

    /// Who is connected: the number of connections, and the names of those that showed presence.
    var people: (connections: Int, names: [String]) {
        (members.count, Array(Set(members.values.compactMap { $0.presence?.userName })).sorted())
    }

    /// The document was deleted or renamed on purpose: every connection gets `farewell` (fatal)
    /// and is closed, and the room takes no more work, so nothing reaches the store for the old
    /// incarnation after it is gone.
    func close(with farewell: WireError) {
        broken.store(true, ordering: .releasing)
        for (_, member) in members {
            member.outbox.send(.error(farewell, fatal: true))
            member.outbox.finish()
        }
        members = [:]
    }

    /// A commit or delivery failed: nothing in flight was acknowledged; every connection is told to
    /// come back, and the room is dropped so the next one loads from what the store really holds.
    private func fail(because reason: String) {
        broken.store(true, ordering: .releasing)
        logger.error("the store failed; closing the document's connections", metadata: ["document": "\(name)", "reason": "\(reason)"])
        for (_, member) in members {
            member.outbox.send(.error(WireError(.unavailable, "the relay could not store this document's changes; reconnect"), fatal: true))
            member.outbox.finish()
        }
        members = [:]
        queue = []
        undelivered = [:]
        committedHere = [:]
    }
}
