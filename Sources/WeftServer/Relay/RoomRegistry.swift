import Logging
import WeftWire

/// The open documents: loaded from the store when the first connection asks, unloaded `keepOpen`
/// after the last one leaves (and once the room's commits are done). Loading replays the log since
/// the last snapshot, so a client that reconnects at once (a network blip, a load balancer sending
/// it elsewhere and back) should find its document still loaded.
actor RoomRegistry {
    private let store: any RelayStore
    private let logger: Logger
    private let metrics: RelayMetrics
    private let compaction: CompactionPolicy
    private let keepOpen: Duration
    /// Bytes of live messages a connection may have waiting behind its replay (`--max-queued-mib`).
    private let heldByteLimit: Int
    /// `idle` counts the times the room went unused, so a late unload timer can tell it is stale.
    private var open: [DocumentName: (room: DocumentRoom, users: Int, idle: Int)] = [:]
    private var loading: [DocumentName: Task<DocumentRoom, any Error>] = [:]
    /// Rooms being unloaded: a new load of the same document waits until their commits finish,
    /// so it reads everything they accepted.
    private var closing: [DocumentName: Task<Void, Never>] = [:]
    /// Documents whose stored state did not load, and why (for `/healthz` and the log).
    private(set) var damaged: [DocumentName: String] = [:]
    /// Documents whose stored history did not read back, and why (for `/healthz`), until a read
    /// of the whole of it succeeds.
    private(set) var damagedHistories: [DocumentName: String] = [:]
    /// Characters of documents listed while not open, by incarnation and head: a listing loads
    /// each one at most once per change.
    private var listedSizes: [DocumentName: (epoch: UInt64, head: UInt64, characters: Int)] = [:]

    /// Notes what reading `name`'s history from its beginning found: damage, or none.
    func noteHistory(of name: DocumentName, damage: String?) {
        damagedHistories[name] = damage
    }

    init(store: any RelayStore, logger: Logger, metrics: RelayMetrics, compaction: CompactionPolicy, keepOpen: Duration,
         heldByteLimit: Int = 32 << 20) {
        self.store = store
        self.heldByteLimit = heldByteLimit
        self.keepOpen = keepOpen
        self.logger = logger
        self.metrics = metrics
        self.compaction = compaction
    }

    /// Whether the store holds `name` (its room is open or loading, or the store lists it): a
    /// read-only connection to a document nobody made is refused, not let make it.
    /// - Throws: when the store cannot be asked.
    func holds(_ name: DocumentName) async throws -> Bool {
        if open[name] != nil || loading[name] != nil { return true }
        return try await !store.documents(named: name).isEmpty
    }

    /// Whether `epoch` of `name` was deleted or renamed away on purpose.
    func retired(_ epoch: UInt64, of name: DocumentName) async throws -> Bool {
        try await store.isRetired(epoch, of: name)
    }

    /// The document's room, counted as used until `release`. A broken room is set aside and the
    /// document loaded again from what the store really holds.
    func acquire(_ name: DocumentName) async throws -> DocumentRoom {
        while true {
            if var entry = open[name] {
                if entry.room.isBroken {
                    unload(name, entry.room)
                    continue
                }
                entry.users += 1
                open[name] = entry
                return entry.room
            }
            let task = loading[name] ?? startLoading(name)
            let room: DocumentRoom
            do {
                room = try await task.value
                damaged[name] = nil
            } catch {
                if loading[name] == task { loading[name] = nil }
                if let damage = error as? StoreError {
                    damaged[name] = damage.description
                    logger.error("a document does not load", metadata: ["document": "\(name)", "problem": "\(damage)"])
                }
                throw error
            }
            if loading[name] == task {
                loading[name] = nil
                open[name] = (room, 0, 0)
                metrics.openDocuments.increment()
            }
        }
    }

    /// One user is done with `room`; `keepOpen` after the last one, unless someone came back, it is unloaded.
    func release(_ name: DocumentName, _ room: DocumentRoom) {
        guard var entry = open[name], entry.room === room else { return }  // already set aside
        entry.users -= 1
        guard entry.users == 0 else {
            open[name] = entry
            return
        }
        guard keepOpen > .zero else { return unload(name, room) }
        entry.idle += 1
        open[name] = entry
        let idle = entry.idle, keepOpen = self.keepOpen
        Task {
            try? await Task.sleep(for: keepOpen)
            self.unloadIfStillUnused(name, room, idle: idle)
        }
    }

    private func unloadIfStillUnused(_ name: DocumentName, _ room: DocumentRoom, idle: Int) {
        guard let entry = open[name], entry.room === room, entry.users == 0, entry.idle == idle else { return }
        unload(name, room)
    }

    /// Another relay committed to `name` up to `head`: its room, if open here, delivers it.
    func storeAdvanced(_ name: DocumentName, to head: UInt64) async {
        guard let room = open[name]?.room else { return }
        await room.storeAdvanced(to: head)
    }

    /// Waits until every loaded document, and every one being unloaded, has committed the
    /// batches it accepted (the relay is stopping and reads no new ones).
    func waitUntilIdle() async {
        for (_, entry) in open { await entry.room.waitUntilIdle() }
        for (_, drain) in closing { await drain.value }
    }

    /// Notifications may have been missed (the listening connection was down): every open room
    /// reads the store for what it has not delivered.
    func catchUpAll() async {
        for (_, entry) in open { await entry.room.requestCatchUp() }
    }

    /// Runs `operation` (a delete or rename in the store) with `names` closed: their open rooms
    /// say `farewell` to every connection and are unloaded first, and a connection arriving
    /// meanwhile waits until `operation` has ended, so it finds what the store holds afterwards.
    func retire<T: Sendable>(_ names: [DocumentName], farewell: @escaping @Sendable (DocumentName) -> WireError,
                             _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        var rooms: [DocumentRoom] = []
        for name in names {
            // A load in flight is dropped: its acquirer loads again, after the operation.
            loading[name] = nil
            guard let entry = open.removeValue(forKey: name) else { continue }
            metrics.openDocuments.decrement()
            rooms.append(entry.room)
        }
        let previous = names.compactMap { closing[$0] }
        let work = Task {
            for drain in previous { await drain.value }
            for room in rooms {
                await room.close(with: farewell(room.name))
                await room.waitUntilIdle()
            }
            return try await operation()
        }
        let gate = Task<Void, Never> { _ = try? await work.value }
        for name in names { closing[name] = gate }
        Task {
            await gate.value
            for name in names { self.forget(gate, of: name) }
        }
        return try await work.value
    }

    /// Another relay deleted or renamed `name`'s incarnation `epoch`: its room here, if open on
    /// that incarnation, closes its connections as the deleting relay's did.
    func documentGone(_ name: DocumentName, epoch: UInt64, farewell: WireError) async {
        guard let room = open[name]?.room, await room.epoch == epoch, open[name]?.room === room else { return }
        _ = try? await retire([name], farewell: { _ in farewell }) {}
    }

    /// What the open rooms know of `name`: characters and who is connected; nil when it is not open here.
    func presence(of name: DocumentName) async -> (characters: Int, connections: Int, names: [String])? {
        guard let room = open[name]?.room else { return nil }
        let (characters, people) = (await room.characters, await room.people)
        return (characters, people.connections, people.names)
    }

    /// Characters in the document `summary` describes: from its room, loaded (and kept open a
    /// moment, as after a connection) when it is not open; nil when it does not load.
    func characters(of summary: DocumentSummary) async -> Int? {
        if let known = listedSizes[summary.name], known.epoch == summary.epoch, known.head == summary.head { return known.characters }
        guard let room = try? await acquire(summary.name) else { return nil }
        let (epoch, characters) = (await room.epoch, await room.characters)
        release(summary.name, room)
        guard epoch == summary.epoch else { return nil }
        listedSizes[summary.name] = (epoch, summary.head, characters)
        return characters
    }

    private func startLoading(_ name: DocumentName) -> Task<DocumentRoom, any Error> {
        let store = self.store, logger = self.logger, metrics = self.metrics, compaction = self.compaction, heldByteLimit = self.heldByteLimit
        let previous = closing[name]
        let executor = RoomExecutor(label: "weft.room.\(name)")
        let task = Task {
            await previous?.value
            let log = try await RoomLoader(executor: executor).load(name, from: try await store.open(name))
            return DocumentRoom(name: name, store: store, log: log, logger: logger, metrics: metrics, compaction: compaction,
                                heldByteLimit: heldByteLimit, executor: executor)
        }
        loading[name] = task
        return task
    }

    private func unload(_ name: DocumentName, _ room: DocumentRoom) {
        open[name] = nil
        metrics.openDocuments.decrement()
        let previous = closing[name]
        let drain = Task {
            await previous?.value
            await room.waitUntilIdle()
        }
        closing[name] = drain
        Task {
            await drain.value
            self.forget(drain, of: name)
        }
    }

    private func forget(_ drain: Task<Void, Never>, of name: DocumentName) {
        if closing[name] == drain { closing[name] = nil }
    }
}
