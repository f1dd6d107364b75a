import Logging
import Synchronization
import WeftCRDT
import WeftWire

/// One open document on the relay: the pure `RoomScheduler` that decides everything (group
/// commit, delivery in server-sequence order, replays, epochs), and the actor that performs what
/// it returns: messages into the connections' outboxes, store operations as tasks whose outcomes
/// it feeds back. The simulator (`weft-sim`) drives the same scheduler on a virtual clock.
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
    private var scheduler: RoomScheduler
    /// The joined connections' outboxes and replicas.
    private var connections: [UInt64: (outbox: Outbox, replica: ReplicaID)] = [:]
    /// Joins waiting for their welcome (the room may first catch up or renew the epoch).
    private var welcomeWaiters: [UInt64: CheckedContinuation<Welcome?, Never>] = [:]
    /// When the batches accepted and not yet acknowledged arrived (for the ack latency).
    private var arrivals: [DocumentLog.BatchKey: ContinuousClock.Instant] = [:]
    /// Commits, reads, renewals and compactions started and not finished (replays not counted).
    private var storeOperations = 0
    /// Replica ids bound to a key, with the key's hash, as far as this room has looked them up.
    private var boundKeys: [ReplicaID: [UInt8]] = [:]
    /// Callers waiting for the room to go idle (the registry, before unloading the room).
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// Set when the scheduler broke (a store failure, a delete): the room's memory no longer
    /// matches the store, so it takes no more work. Readable without waiting for the actor, so
    /// the registry can set a broken room aside at once.
    private let broken = Atomic<Bool>(false)
    nonisolated var isBroken: Bool { broken.load(ordering: .acquiring) }

    /// - Parameters:
    ///   - executor: where the room runs; the document was loaded there too.
    ///   - heldByteLimit: bytes of live messages a connection may have waiting behind its replay.
    init(name: DocumentName, store: any RelayStore, log: DocumentLog, logger: Logger, metrics: RelayMetrics,
         compaction: CompactionPolicy, heldByteLimit: Int = 32 << 20, executor: RoomExecutor) {
        self.name = name
        self.executor = executor
        self.store = store
        self.logger = logger
        self.metrics = metrics
        scheduler = RoomScheduler(log: log, compaction: compaction, heldByteLimit: heldByteLimit)
    }

    /// Registers a connection and returns its welcome once the scheduler sends it, or nil when it
    /// was sent away instead (the outbox then holds why). The welcome, the replay of what the
    /// client missed and every live message after it go to `outbox`, in that order.
    func join(id: UInt64, hello: Hello, readOnly: Bool, outbox: Outbox) async -> Welcome? {
        await followEpoch(of: hello.epoch)
        let storedAtLast = await storedBatch(at: hello)
        connections[id] = (outbox, hello.replica)
        return await withCheckedContinuation { waiter in
            welcomeWaiters[id] = waiter
            feed(.join(connection: id, hello: hello, readOnly: readOnly, storedAtLast: storedAtLast))
        }
    }

    /// The batch the store's history holds at the hello's last server sequence, when the hello
    /// names the one it applied there (flag bit 6) and the room's log does not index it (it was
    /// loaded from a snapshot past it): the log may have gone back and on since. Nil when the
    /// store keeps no history there, or cannot be read now (the hello is then taken at its word,
    /// as before flag bit 6).
    private func storedBatch(at hello: Hello) async -> LogPosition? {
        guard !isBroken, let seq = scheduler.log.sequenceToLookUp(for: hello),
              let read = try? await store.history(of: name, after: seq - 1, limit: 1) else { return nil }
        return DocumentLog.batch(at: seq, in: read.entries)
    }

    /// A hello names another epoch than this room's: another relay on the same store may have
    /// renewed it, so the room takes the store's. Not if this room renewed it itself while the
    /// store was read: what was read is then older than what the room holds.
    private func followEpoch(of helloEpoch: UInt64) async {
        let before = scheduler.log.epoch
        guard helloEpoch != 0, helloEpoch != before, !isBroken else { return }
        if let current = try? await store.epoch(of: name), scheduler.log.epoch == before, current != before { feed(.epochFollowed(current)) }
    }

    /// Whether a hello for `replica` with `key` may use it (PROTOCOL.md rule 8): a replica bound
    /// to a key takes only hellos with that key; one bound to none is bound to `key` now, durably,
    /// when the hello binds (`ReplicaAdmission.binds`). Returns the refusal to send, if any.
    func admit(_ replica: ReplicaID, key: [UInt8], epoch: UInt64, readOnly: Bool) async -> WireError? {
        await followEpoch(of: epoch)
        let binds = ReplicaAdmission.binds(helloEpoch: epoch, roomEpoch: scheduler.log.epoch, readOnly: readOnly)
        let offered = ReplicaAdmission.storedHash(of: key)
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
        return ReplicaAdmission.refusal(replica: replica, document: name, bound: bound, offered: offered)
    }

    /// A restoring hello's earlier replicas (`Hello.formerReplicas`): each bound to the key shown
    /// writes no more in this epoch (`RelayStore.retireReplica`), so that the copies given back,
    /// this one and others holding its characters, may give back what the relay lacks of it.
    /// Another key retires nothing. Returns the refusal to send, if any.
    func retire(_ former: [FormerReplica]) async -> WireError? {
        for earlier in former {
            do {
                if try await !store.retireReplica(earlier.replica, in: name, keyHash: ReplicaAdmission.storedHash(of: earlier.key) ?? []) {
                    logger.notice("a restoring hello named an earlier replica with another key", metadata: ["document": "\(name)", "replica": "\(earlier.replica)"])
                }
            } catch {
                logger.error("could not retire a replica", metadata: ["document": "\(name)", "error": "\(error)"])
                return WireError(.unavailable, "the relay cannot take this copy now; try again later")
            }
        }
        return nil
    }

    /// Another relay committed up to `head` (a notification): deliver it.
    func storeAdvanced(to head: UInt64) { feed(.storeAdvanced(head: head)) }

    /// Reads the store's log for anything not delivered yet (notifications may have been missed),
    /// without waiting for it.
    func requestCatchUp() { feed(.catchUpRequested) }

    func leave(id: UInt64) {
        connections[id] = nil
        welcomeWaiters.removeValue(forKey: id)?.resume(returning: nil)
        feed(.leave(connection: id))
    }

    func presence(from id: UInt64, _ presence: Presence) { feed(.presence(connection: id, presence)) }

    /// Takes batch `clientSeq` from connection `id` (a `restore` batch with `restoring`). Returns
    /// the error the connection was sent away with, if the batch was refused.
    ///
    /// A restore batch first waits for the store to say which of the replicas it gives characters
    /// back for write in this epoch themselves (`DocumentLog.receiveRestore`); the connection sends
    /// nothing else meanwhile, so its batches stay in order.
    func submit(from id: UInt64, clientSeq: UInt64, ops: [Op], restoring: Bool = false, arrived: ContinuousClock.Instant) async -> WireError? {
        guard let replica = connections[id]?.replica else { return WireError(.malformed, "batch from a connection that has not joined") }
        // Sent away (an epoch move, too far behind): the connection is closing; what it still
        // sends is dropped, not refused.
        guard scheduler.isMember(id) || isBroken else { return nil }
        var writers: Set<ReplicaID> = []
        if restoring, !isBroken {
            do {
                writers = try await store.replicasWriting(in: name, among: scheduler.log.replicasGivenBack(in: ops))
            } catch {
                logger.error("could not look up a document's writing replicas", metadata: ["document": "\(name)", "error": "\(error)"])
                return WireError(.unavailable, "the relay cannot check this restore batch now; try again later")
            }
        }
        let actions = feed(.submit(connection: id, clientSeq: clientSeq, ops: ops, restoring: restoring, writers: writers))
        let key = DocumentLog.BatchKey(replica: replica, clientSeq: clientSeq)
        if arrivals[key] == nil, scheduler.awaitsDelivery(replica: replica, clientSeq: clientSeq) { arrivals[key] = arrived }
        for case .send(id, .error(let error, fatal: true)) in actions {
            logger.notice("refused a batch", metadata: ["document": "\(name)", "replica": "\(replica)", "reason": "\(error)"])
            return error
        }
        return nil
    }

    /// Feeds the scheduler one event and performs what it returns.
    @discardableResult
    private func feed(_ event: RoomScheduler.Event) -> [RoomScheduler.Action] {
        let wasBroken = scheduler.isBroken
        let actions = scheduler.handle(event)
        perform(actions)
        switch event {
        case .committed, .read: recordAckLatencies()
        default: break
        }
        if scheduler.isBroken, !wasBroken {
            broken.store(true, ordering: .releasing)
            arrivals = [:]
            if case .shutDown = event {
                logger.info("closed a deleted or renamed document's connections", metadata: ["document": "\(name)"])
            } else {
                logger.error("the store failed; closing the document's connections",
                             metadata: ["document": "\(name)", "reason": "\(scheduler.brokenBecause ?? "")"])
            }
        }
        resumeIdleWaiters()
        return actions
    }

    /// Batches delivered since they arrived: their time to acknowledgment (whether or not their
    /// sender is still there to read it).
    private func recordAckLatencies() {
        guard !arrivals.isEmpty else { return }
        let now = ContinuousClock.now
        for (key, arrived) in arrivals where !scheduler.awaitsDelivery(replica: key.replica, clientSeq: key.clientSeq) {
            metrics.ackLatency.record(now - arrived)
            arrivals[key] = nil
        }
    }

    private func perform(_ actions: [RoomScheduler.Action]) {
        // A broadcast goes to every other member: encoded once. The scheduler fans each entry
        // out in one run of actions, so the last one made is the one to reuse.
        var broadcast: (serverSeq: UInt64, frame: OutgoingFrame)?
        for action in actions {
            switch action {
            case .send(let connection, let message):
                guard let outbox = connections[connection]?.outbox else { continue }
                switch message {
                case .welcome(let welcome):
                    welcomeWaiters.removeValue(forKey: connection)?.resume(returning: welcome)
                case .broadcast(let serverSeq, _, _, _):
                    let frame = broadcast.flatMap { $0.serverSeq == serverSeq ? $0.frame : nil } ?? OutgoingFrame(message)
                    broadcast = (serverSeq, frame)
                    outbox.send(frame)
                    continue
                default: break
                }
                outbox.send(OutgoingFrame(message))
            case .replay(let connection, let message):
                connections[connection]?.outbox.send(OutgoingFrame(deferringEncoding: message))
            case .sendAway(let connection, let error):
                // Not behind what waits for it: a slow reader would get it only after all of that.
                logger.notice("closing a connection", metadata: ["document": "\(name)", "id": "\(connection)", "reason": "\(error.message)"])
                connections[connection]?.outbox.sendAway()
                welcomeWaiters.removeValue(forKey: connection)?.resume(returning: nil)
            case .close(let connection):
                // The writer sends what was queued, then closes the WebSocket.
                connections[connection]?.outbox.finish()
                welcomeWaiters.removeValue(forKey: connection)?.resume(returning: nil)
            case .commit, .read, .renewEpoch, .compact:
                storeOperations += 1
                Task { await self.complete(action) }
            case .readForReplay, .readSnapshot:
                Task { await self.replay(action) }
            }
        }
    }

    /// Performs a commit, read, renewal or compaction and feeds its outcome back.
    private func complete(_ action: RoomScheduler.Action) async {
        let event: RoomScheduler.Event
        do {
            switch action {
            case .commit(let batches):
                let result = try await store.commit(batches, to: name)
                var ops = 0, appended = 0
                for (index, batch) in batches.enumerated() where result.appended[index] {
                    ops += scheduler.undeliveredOps(replica: batch.replica, clientSeq: batch.clientSeq)?.count ?? 0
                    appended += 1
                }
                metrics.committed(ops: ops, batches: appended)
                event = .committed(result)
            case .read(let after, let limit):
                event = .read(try await store.entries(of: name, after: after, limit: limit))
            case .renewEpoch(let from):
                let renewed = try await store.renewEpoch(of: name, from: from)
                logger.warning("a client holds history this relay lacks; the document has a new epoch and its clients give their copies back",
                               metadata: ["document": "\(name)", "epoch": "\(renewed)"])
                event = .epochRenewed(renewed)
            case .compact(let due):
                do {
                    try await store.compact(name, snapshot: due.snapshot, serverSeq: due.serverSeq, keepAfter: due.floor)
                    logger.info("compacted a document log", metadata: [
                        "document": "\(name)", "serverSeq": "\(due.serverSeq)", "snapshotBytes": "\(due.snapshot.count)", "logFloor": "\(due.floor)",
                    ])
                    event = .compacted(due, stored: true)
                } catch {
                    // It costs nothing but disk: the log still holds everything, and it is tried
                    // again after later commits.
                    logger.warning("compaction failed; the log keeps growing until it succeeds", metadata: ["document": "\(name)", "error": "\(error)"])
                    event = .compacted(due, stored: false)
                }
            default:
                return
            }
        } catch {
            event = .storeFailed("\(error)")
        }
        storeOperations -= 1
        feed(event)
    }

    /// Reads the next part of a connection's replay once what it was sent before has mostly
    /// gone, and feeds it back.
    private func replay(_ action: RoomScheduler.Action) async {
        let connection: UInt64
        switch action {
        case .readForReplay(let id, _, _), .readSnapshot(let id): connection = id
        default: return
        }
        guard let outbox = connections[connection]?.outbox else { return }
        await outbox.drained()
        guard connections[connection] != nil else { return }
        let event: RoomScheduler.Event
        do {
            switch action {
            case .readForReplay(_, let after, let limit):
                event = .replayRead(connection: connection, try await store.entries(of: name, after: after, limit: limit))
            case .readSnapshot:
                let snapshot = try await store.snapshot(of: name)
                event = .snapshotRead(connection: connection, bytes: snapshot.bytes, serverSeq: snapshot.serverSeq)
            default:
                return
            }
        } catch {
            logger.notice("could not replay a document to a client", metadata: ["document": "\(name)", "error": "\(error)"])
            event = .replayFailed(connection: connection, "\(error)")
        }
        feed(event)
    }

    private var isIdle: Bool { storeOperations == 0 && (scheduler.isIdle || scheduler.isBroken) }

    private func resumeIdleWaiters() {
        guard isIdle, !idleWaiters.isEmpty else { return }
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
    }

    /// Returns once no store operation is in flight and nothing accepted waits for a commit, so
    /// the store holds everything the room accepted.
    func waitUntilIdle() async {
        guard !isIdle else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// The document as the room holds it now, for checks.
    var currentLog: DocumentLog { scheduler.log }

    /// The document's incarnation this room holds.
    var epoch: UInt64 { scheduler.log.epoch }

    /// Characters in the document as this room holds it (what clients see once caught up).
    var characters: Int { scheduler.log.replica.count }

    /// Who is connected: the number of connections, and the names of those that showed presence.
    var people: (connections: Int, names: [String]) {
        (scheduler.connections.count, Array(Set(scheduler.presences.map(\.userName))).sorted())
    }

    /// The document was deleted or renamed on purpose: every connection gets `farewell` (fatal)
    /// and is closed, and the room takes no more work, so nothing reaches the store for the old
    /// incarnation after it is gone.
    func close(with farewell: WireError) {
        broken.store(true, ordering: .releasing)
        feed(.shutDown(farewell: farewell))
    }
}
