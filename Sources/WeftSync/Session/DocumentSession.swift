import Foundation
import Logging
import NIOCore
import NIOSSL
import WSClient
import WeftCRDT
import WeftWire

/// One document on this machine: the replica, its offline queue and cache, and the connection to
/// the relay. Local edits apply at once and are queued durably before `apply` returns; the session
/// sends them, applies what others send, and reconnects after any failure (see `SyncMachine`).
public actor DocumentSession {
    public nonisolated let address: DocumentAddress
    private let files: DocumentFiles
    private var queue: OfflineQueue
    private var replica: Replica {
        didSet { cacheIsCurrent = false }
    }
    /// Whether the cache file holds this replica at `cachedPosition`: closing a document nobody
    /// changed then skips re-encoding and fsyncing the whole snapshot (1/10 s for 10 MB).
    private var cacheIsCurrent = false
    private var cachedPosition: (epoch: UInt64, lastServerSeq: UInt64) = (0, 0)
    /// The receipt the cache file holds (`SyncMachine.receipt`).
    private var cachedReceipt: Receipt?
    private var machine: SyncMachine
    private let options: SessionOptions
    /// False when the cache was lost but this replica has sent batches before: its next counters
    /// are unknown until the relay replays its history, so local edits wait for the first sync.
    private var canEditOffline: Bool
    private var connectionGeneration = 0
    private var outgoing: AsyncStream<ClientMessage>.Continuation?
    private var retryTask: Task<Void, Never>?
    /// Fires `connectDeadlinePassed` for the connection being opened.
    private var connectDeadline: Task<Void, Never>?
    private var retryAt: ContinuousClock.Instant?
    private var peers: Set<ReplicaID> = []
    private var noticeLog: [String] = []
    private var statusContinuation: AsyncStream<SyncStatus>.Continuation
    /// The latest status; also published on `statusUpdates`.
    public nonisolated let statusUpdates: AsyncStream<SyncStatus>
    /// Called (on the session) with events for a view that mirrors the replica.
    private var eventHandler: (@Sendable (SessionEvent) -> Void)?
    /// Bumped whenever the replica is replaced, so mirrors can drop ops meant for the old one.
    private var generation = 0
    /// The generations at which the replica got a new id: by a give-back, or by a start-over
    /// whose old copy went to `recovery`.
    private var replicaSwitches: [(generation: Int, recovery: URL?)] = []
    /// Why the last connection failed, until a relay welcomes one (for timeout messages).
    private var lastConnectionProblem: String?
    /// Why the last connection failed, while no relay has welcomed a new one.
    public var connectionProblem: String? { lastConnectionProblem }
    /// Set when opening found whole batches lost from the queue: the copy is given back (on this
    /// epoch) instead of starting as usual.
    private var giveBackOnStart: UInt64?
    /// This user's presence, sent when it changes and again after every reconnect.
    private var localPresence: Presence?

    /// Opens the document's files (taking their lock) and its cached state. Does not connect: call `start()`.
    /// - Throws: `SyncError` (`.locked` when another process has the document open, `.io`).
    public init(address: DocumentAddress, home: ClientHome, options: SessionOptions = SessionOptions()) throws(SyncError) {
        self.address = address
        self.options = options
        home.moveNestedFiles(for: address)
        files = try DocumentFiles(directory: home.directory(for: address))
        try? Data(address.url.utf8).write(to: files.directory.appendingPathComponent(DocumentFiles.addressName))
        var notices: [String] = []
        var cache: ReplicaCache?
        do {
            cache = try ReplicaCache.load(from: files.cacheURL)
        } catch {
            notices.append("\(error); starting from the relay's copy")
        }
        var random = SystemRandomNumberGenerator()
        let queue = try OfflineQueue(url: files.queueURL, newReplica: cache?.replica ?? ReplicaID(random.next() | 1))
        self.queue = queue
        if let damage = queue.damage { notices.append(damage.description) }
        if try queue.splitOversized() > 0 {
            notices.append("edits queued by an earlier version were larger than the relay accepts; they were cut into batches it takes")
        }
        if let loaded = cache, loaded.replica != queue.replica {
            notices.append("the replica cache belongs to another replica than the offline queue; starting from the relay's copy")
            cache = nil
        }
        var replica = Replica(replicaID: queue.replica)
        if let loaded = cache {
            do {
                replica = try Replica(snapshot: loaded.snapshot, replicaID: queue.replica)
            } catch {
                notices.append("the replica cache does not load (\(error)); starting from the relay's copy")
                cache = nil
            }
        }
        // Queued batches the cache may predate (a crash between queueing and saving): applying
        // them again is harmless.
        for batch in queue.pending { _ = try? replica.apply(OpCodec.decode(batch.ops)) }
        self.replica = replica
        // Queued batches that wait for characters the cache lacks (it was saved before others'
        // edits they build on) leave this replica's own counter behind theirs: an edit made now
        // would reuse their ids, and the relay would refuse it. Editing waits for the replay.
        canEditOffline = (cache != nil || queue.lastClientSeq == 0) && replica.pendingCount == 0
        hasLocalCopy = cache != nil || queue.lastClientSeq > 0
        machine = Self.machine(address: address, queue: queue, key: try ReplicaKey.loadOrCreate(at: files.keyURL(for: queue.replica), for: queue.replica),
                               cache: cache, options: options)
        if let cache, queue.pending.isEmpty {
            cacheIsCurrent = true
            cachedPosition = (cache.epoch, cache.lastServerSeq)
            cachedReceipt = cache.receipt
        }
        // Batches went missing from the queue while this copy's text may hold them (the cache was
        // saved after they were queued): give the whole copy back instead of sending what is left,
        // which the relay would refuse (its characters follow the lost ones) or which would leave
        // the copies disagreeing. Ids the relay has are skipped, so nothing is doubled.
        // A queue that only ends early, short of what the cache holds, lost nothing accepted: the
        // write a crash cut short never returned, so nothing of it was sent, and what is left is
        // sent as usual (giving back a cache saved before others' edits that queued batches build
        // on would leave those batches out).
        if let damage = queue.damage, let cache, !damage.truncated || (cache.queuedThrough ?? .max) > queue.lastClientSeq {
            giveBackOnStart = cache.epoch
            notices.append("this copy holds edits the damaged queue lost; it gives the relay the whole copy instead")
        }
        noticeLog = notices
        (statusUpdates, statusContinuation) = AsyncStream.makeStream(of: SyncStatus.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The sync machine for `queue`, resuming from `cache` (from scratch without one), proving
    /// the queue's replica with `key`.
    private static func machine(address: DocumentAddress, queue: OfflineQueue, key: ReplicaKey, cache: ReplicaCache?,
                                options: SessionOptions) -> SyncMachine {
        var machine = SyncMachine(document: address.name, replica: queue.replica, token: options.token, readOnly: options.readOnly,
                                  epoch: cache?.epoch ?? 0, lastServerSeq: cache?.lastServerSeq ?? 0,
                                  ackedThrough: queue.ackedThrough, queuedThrough: queue.lastClientSeq, restoringThrough: queue.restoringThrough,
                                  replicaKey: key.bytes, userName: options.userName,
                                  receipt: cache?.replica == queue.replica ? cache?.receipt : nil)
        machine.commandArgument = address.commandArgument(defaultServer: options.defaultServer)
        return machine
    }

    // MARK: Reading

    /// The document's text now.
    public var text: String { replica.text }
    /// The document's length in Unicode scalars.
    public var count: Int { replica.count }
    /// Messages for the user since opening (damaged files, refusals, recovery files), oldest first.
    public var notices: [String] { noticeLog }
    /// How commands in messages to the user name this document (`DocumentAddress.commandArgument`).
    public nonisolated var commandArgument: String { address.commandArgument(defaultServer: options.defaultServer) }
    /// Batches queued and not yet acknowledged.
    public var unsentCount: Int { Int(machine.queuedThrough - machine.ackedThrough) }
    /// Recovery files of copies set aside since opening because the relay refused one of their
    /// batches for good (what the user typed that the relay does not have).
    public private(set) var setAside: [URL] = []
    /// This installation's replica id for the document.
    public var replicaID: ReplicaID { queue.replica }

    public var status: SyncStatus {
        let connection: SyncStatus.Connection
        switch machine.phase {
        case .idle: connection = .idle
        case .connecting, .greeting, .replaying: connection = .connecting
        case .live: connection = .online
        case .waiting(let attempt):
            let remaining = retryAt.map { max(.zero, $0 - ContinuousClock.now) } ?? .zero
            connection = .offline(retryIn: remaining, attempt: attempt)
        case .failed(let reason): connection = .failed(reason)
        }
        return SyncStatus(connection: connection, unsent: unsentCount, peers: peers.count, writesRefused: machine.writesRefused)
    }

    /// Whether every queued batch is acknowledged and the replica has everything the relay had when it caught up.
    public var isSettled: Bool { machine.isSettled }

    /// Sets the handler for events a mirroring view needs (remote ops, replacements, presence, notices).
    public func observe(_ handler: @escaping @Sendable (SessionEvent) -> Void) { eventHandler = handler }

    /// A copy of the replica and its generation, for a view to edit and keep in step through `observe`.
    public func replicaCopy() -> (replica: Replica, generation: Int) { (replica, generation) }

    /// Whether this machine held a copy of the document when the session opened (it was synced or
    /// edited here before).
    public let hasLocalCopy: Bool

    /// Whether local edits may be made now (false only while a lost cache waits for the first sync).
    public var canEdit: Bool { canEditOffline }

    // MARK: Editing

    /// One edit as `weft apply` reads it: at `position` (Unicode scalars), delete `deleting`, insert `inserting`.
    public struct Edit: Sendable, Equatable {
        public var position: Int
        public var deleting: Int
        public var inserting: String
        public init(position: Int, deleting: Int, inserting: String) {
            self.position = position
            self.deleting = deleting
            self.inserting = inserting
        }
    }

    /// Applies `edits` in order, each against the text the previous left, as one batch per edit,
    /// and queues them durably (one fsync for all) before returning.
    /// - Throws: `SyncError` when an edit is out of range (nothing of it or after it is applied)
    ///   or the queue cannot be written.
    public func apply(_ edits: [Edit]) throws(SyncError) {
        guard !edits.isEmpty else { return }
        try requireEditable()
        // Every edit is checked against the text the ones before it leave, before any applies:
        // a script whose line 2 does not fit changes nothing.
        var length = replica.count
        for (index, edit) in edits.enumerated() {
            guard edit.position >= 0, edit.deleting >= 0, edit.position + edit.deleting <= length else {
                throw SyncError(.configuration, "edit \(index + 1) (pos \(edit.position), del \(edit.deleting)) does not fit the \(length)-character text the edits before it leave; nothing was applied")
            }
            length += edit.inserting.unicodeScalars.count - edit.deleting
        }
        var batches: [[Op]] = []
        var failure: SyncError?
        for (index, edit) in edits.enumerated() {
            do {
                var ops: [Op] = []
                if edit.deleting > 0 {
                    if let op = try replica.delete(edit.position..<(edit.position + edit.deleting)) { ops.append(op) }
                }
                if !edit.inserting.isEmpty, let op = try replica.insert(edit.inserting, at: edit.position) { ops.append(op) }
                batches.append(ops)
            } catch {
                failure = SyncError(.configuration, "edit \(index + 1) (pos \(edit.position), del \(edit.deleting)) does not fit the \(replica.count)-character text: \(error.message)")
                break
            }
        }
        // What applied is queued even when a later edit failed: nothing typed is dropped.
        try enqueue(batches)
        if let failure { throw failure }
    }

    /// Queues batches a mirroring view made on its copy of generation `generation` (from
    /// `replicaCopy()`), durably (one fsync for all) before returning, and applies them here.
    ///
    /// Batches made on a copy older than a change of replica (the view had not taken the new copy
    /// yet) carry the old replica's ids: after a give-back they are given back too (as restore
    /// batches, which may carry any id); after a start-over, whose old copy was set aside, their
    /// text is added to that copy's recovery file, and the user is told.
    /// - Throws: `SyncError` when the queue cannot be written (the batches are applied here but
    ///   not queued: call again with them; applying twice changes nothing).
    public func applyLocal(_ batches: [[Op]], generation: Int) throws(SyncError) {
        guard !batches.isEmpty else { return }
        try requireEditable()
        let switches = replicaSwitches.filter { $0.generation > generation }
        if let startOver = switches.first(where: { $0.recovery != nil }), let recovery = startOver.recovery {
            return keepStale(batches, in: recovery)
        }
        for ops in batches {
            do {
                try replica.apply(ops)
            } catch {
                throw SyncError(.io, "a local edit did not apply to the session's copy (\(error)); it was not queued")
            }
        }
        try enqueue(batches, restoring: !switches.isEmpty)
    }

    /// Adds the text `batches` inserted to `recovery`, the file that holds the copy they were
    /// made on: they were typed on a copy already set aside.
    private func keepStale(_ batches: [[Op]], in recovery: URL) {
        let typed = batches.joined().compactMap { op -> String? in
            if case .insert(let insertion) = op { insertion.text } else { nil }
        }.joined()
        guard !typed.isEmpty else { return }
        do {
            let handle = try FileHandle(forWritingTo: recovery)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\n\n--- typed after this copy was set aside ---\n\(typed)".utf8))
            note("what you typed just as this copy was set aside is at the end of \(recovery.path)")
        } catch {
            note("what you typed just as this copy was set aside could not be saved (\(error)): \(typed.prefix(200))")
        }
    }

    private func requireEditable() throws(SyncError) {
        guard canEditOffline else {
            if replica.pendingCount > 0 {
                throw SyncError(.io, "this copy's queued edits build on others' edits its cache does not hold yet (it was saved before them); connect once before editing offline")
            }
            throw SyncError(.io, "this document's cache was lost while it had edits on the relay; connect once before editing offline")
        }
    }

    /// Appends `batches` to the offline queue (one fsync) and lets the sync machine send them.
    private func enqueue(_ batches: [[Op]], restoring: Bool = false) throws(SyncError) {
        let queued = try queue.append(batches, restoring: restoring)
        if let last = queued.last { perform(machine.handle(.queued(through: last.clientSeq, restoring: restoring))) }
        publish()
    }

    /// Tells the others where this user is. Sent now when connected, and again after every reconnect.
    public func sendPresence(_ presence: Presence) {
        guard presence != localPresence else { return }
        localPresence = presence
        if machine.phase == .live { outgoing?.yield(.presence(presence)) }
    }

    // MARK: Connection

    /// Starts connecting (and reconnecting after failures) in the background.
    public func start() {
        if let epoch = giveBackOnStart {
            giveBackOnStart = nil
            return giveBack(onEpoch: epoch, because: "its offline queue was damaged")
        }
        perform(machine.handle(.start))
    }

    /// Waits until caught up with the relay and (with `flushingQueue`) every queued batch is
    /// acknowledged; throws when the session failed or `timeout` passed.
    public func waitUntilSettled(timeout: Duration, flushingQueue: Bool = true) async throws(SyncError) {
        let deadline = ContinuousClock.now + timeout
        while flushingQueue ? !machine.isSettled : machine.phase != .live {
            if case .failed(let reason) = machine.phase { throw SyncError(.refused, reason) }
            if flushingQueue, machine.writesRefused, machine.ackedThrough < machine.queuedThrough {
                throw SyncError(.refused, "read-only: the relay accepts no writes to \(address.name) on this connection (a read-only token?); \(unsentCount) \(unsentCount == 1 ? "batch stays" : "batches stay") queued here (`weft status` lists them) and go out with a read-write token")
            }
            guard ContinuousClock.now < deadline else {
                let seconds = Int(timeout.components.seconds)
                let why = lastConnectionProblem.map { " (\($0))" } ?? ""
                let unsent = unsentCount
                guard unsent > 0 else {
                    throw SyncError(.timeout, "could not sync with \(address) within \(seconds) s\(why)")
                }
                throw SyncError(.timeout, "not in sync with \(address) after \(seconds) s\(why): \(unsent) \(unsent == 1 ? "batch" : "batches") still unsent; they stay queued, and the next command that reaches the relay sends them (--timeout SECONDS waits longer)")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Disconnects and saves the cache. Queued batches stay queued for next time.
    public func close() {
        perform(machine.handle(.stop))
        retryTask?.cancel()
        connectDeadline?.cancel()
        saveCache()
        statusContinuation.finish()
    }

    private func connect() {
        connectionGeneration += 1
        let generation = connectionGeneration
        let (messages, continuation) = AsyncStream.makeStream(of: ClientMessage.self)
        outgoing = continuation
        let url = address.url, options = self.options, address = self.address
        connectDeadline?.cancel()
        connectDeadline = Task {
            try? await Task.sleep(for: options.connectTimeout)
            guard !Task.isCancelled else { return }
            self.event(.connectDeadlinePassed, generation: generation)
        }
        Task {
            let reason: String
            do {
                let tls = try Self.tlsConfiguration(options)
                var logger = Logger(label: "weft.sync")
                logger.logLevel = .critical
                _ = try await WebSocketClient.connect(
                    url: url,
                    configuration: .init(maxFrameSize: WireLimits.maxSnapshotMessageBytes, autoPing: .enabled(timePeriod: options.pingInterval)),
                    tlsConfiguration: tls, logger: logger
                ) { inbound, outbound, _ in
                    await self.event(.connected, generation: generation)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            var limiter = RateLimiter(rate: options.maxMessagesPerSecond, burst: 2 * options.maxMessagesPerSecond, now: .now)
                            for await message in messages {
                                while !limiter.admit(now: .now) { try await Task.sleep(for: limiter.wait(now: .now)) }
                                try await outbound.write(.binary(ByteBuffer(bytes: message.encoded())))
                            }
                            try? await outbound.close(.normalClosure, reason: nil)
                        }
                        for try await frame in inbound.messages(maxSize: WireLimits.maxSnapshotMessageBytes) {
                            guard case .binary(var buffer) = frame else { continue }
                            let message: ServerMessage
                            do {
                                message = try ServerMessage(decoding: buffer.readBytes(length: buffer.readableBytes) ?? [])
                            } catch {
                                continuation.finish()
                                throw SyncError(.refused, "the relay sent an undecodable message (\(error))")
                            }
                            await self.event(.received(message), generation: generation)
                        }
                        continuation.finish()
                        try await group.waitForAll()
                    }
                }
                reason = "the relay closed the connection"
            } catch {
                reason = ConnectionFailure.describe(error, address: address)
            }
            continuation.finish()
            self.event(.disconnected(reason: reason), generation: generation)
        }
    }

    private static func tlsConfiguration(_ options: SessionOptions) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile.path))
            } catch {
                throw SyncError(.configuration, "cannot read the CA certificates in \(caFile.path) (PEM expected): \(error)")
            }
        }
        return tls
    }

    private func event(_ event: SyncMachine.Event, generation: Int) {
        guard generation == connectionGeneration else { return }
        if case .disconnected(let reason) = event {
            forgetPeers()
            lastConnectionProblem = reason
        }
        if case .received(.welcome) = event { lastConnectionProblem = nil }
        perform(machine.handle(event, jitter: Double.random(in: 0...1)))
    }

    private func perform(_ actions: [SyncMachine.Action]) {
        for action in actions {
            switch action {
            case .connect:
                retryAt = nil
                connect()
            case .send(let message):
                outgoing?.yield(message)
            case .sendQueued(let after, let through):
                for batch in queue.batches(after: after, through: through) {
                    guard let ops = try? OpCodec.decode(batch.ops) else { continue }  // checked when queued or read
                    outgoing?.yield(batch.restores ? .restore(clientSeq: batch.clientSeq, ops: ops) : .batch(clientSeq: batch.clientSeq, ops: ops))
                }
            case .apply(_, let ops):
                do {
                    try replica.apply(ops)
                    eventHandler?(.remote(ops, generation: generation))
                } catch {
                    note("a batch from the relay did not apply (\(error)); reconnecting")
                    outgoing?.finish()
                }
            case .replaceWithSnapshot(_, let bytes):
                replaceWithSnapshot(bytes)
            case .retire:
                // The batches leave the queue once the cache holds them (`saveCache`): until then
                // the queue is the only file that does, and a crash would lose them from this
                // copy (its next edits would then reuse their ids). Saved every so often, so that
                // a long session does not keep every batch it typed.
                if queue.pending.count - unsentCount >= Self.acknowledgedBatchesKept { saveCache() }
            case .epochChanged(let old, let new):
                _ = startOver(keepingEpoch: false) { saved, unsent in
                    "the relay's copy of \(self.address.name) was reset (epoch \(old) → \(new)). This copy, with \(unsent) unsent batches, is saved in \(saved); now following the relay's copy"
                }
            case .restore(let epoch):
                giveBack(onEpoch: epoch)
            case .setAside(let reason):
                let saved = startOver(keepingEpoch: true) { saved, unsent in
                    "the relay refused an edit of yours for good (\(reason)). This copy of \(self.address.name) as it was, with the \(unsent) \(unsent == 1 ? "batch" : "batches") the relay does not have, is saved in \(saved); the document follows the relay's copy again: paste back from that file what you need"
                }
                if let saved { setAside.append(saved) }
            case .presence(let replica, let presence):
                if presence == nil { peers.remove(replica) } else { peers.insert(replica) }
                eventHandler?(.presence(replica, presence))
            case .disconnect:
                outgoing?.finish()
                outgoing = nil
                connectionGeneration += 1
                forgetPeers()
            case .scheduleRetry(let delay):
                retryAt = .now + delay
                retryTask?.cancel()
                retryTask = Task {
                    try? await Task.sleep(for: delay)
                    guard !Task.isCancelled else { return }
                    self.retry()
                }
            case .caughtUp:
                canEditOffline = true
                saveCache()
                if let localPresence { outgoing?.yield(.presence(localPresence)) }
            case .notice(let message):
                note(message)
            }
        }
        publish()
    }

    /// Who is there is unknown until the relay says so again after reconnecting.
    private func forgetPeers() {
        for replica in peers { eventHandler?(.presence(replica, nil)) }
        peers.removeAll()
    }

    private func retry() { perform(machine.handle(.retryDue)) }

    /// Tries to connect now instead of when the backoff says (the relay was just started again).
    public func reconnectNow() { retry() }

    /// Tells the user `message`, as the session's own notices are (the event handler and `notices`).
    public func note(_ message: String) {
        noticeLog.append(message)
        eventHandler?(.notice(message))
    }

    private func publish() { statusContinuation.yield(status) }

    private func replaceWithSnapshot(_ bytes: [UInt8]) {
        do {
            var fresh = try Replica(snapshot: bytes, replicaID: queue.replica)
            for batch in queue.pending { _ = try fresh.apply(OpCodec.decode(batch.ops)) }
            replica = fresh
            generation += 1
            eventHandler?(.replaced(generation: generation))
        } catch {
            note("the relay's snapshot did not load (\(error)); reconnecting")
            outgoing?.finish()
        }
    }

    /// This copy cannot go on with the relay's: its document was deleted and made again (a new
    /// epoch), or the relay refused one of its batches for good. Keeps this copy's text in a
    /// recovery file and the unsent batches beside the queue, then syncs from scratch as a new
    /// replica (on the same epoch with `keepingEpoch`). `notice` words the message from the
    /// recovery file's path and the number of unsent batches.
    /// - Returns: the recovery file, nil when setting the copy aside failed (the user is told).
    private func startOver(keepingEpoch: Bool, notice: (String, UInt64) -> String) -> URL? {
        let recovery = FileStamp.unused(in: files.directory, prefix: "recovered-", suffix: ".txt")
        let unsent = machine.queuedThrough - machine.ackedThrough
        let epoch = machine.epoch
        let key: ReplicaKey
        do {
            try Data(replica.text.utf8).write(to: recovery)
            if unsent > 0 {
                try FileManager.default.moveItem(at: files.queueURL, to: FileStamp.unused(in: files.directory, prefix: "\(DocumentFiles.queueName).set-aside-"))
            } else {
                try FileManager.default.removeItem(at: files.queueURL)
            }
            try? FileManager.default.removeItem(at: files.cacheURL)
            var random = SystemRandomNumberGenerator()
            queue = try OfflineQueue(url: files.queueURL, newReplica: ReplicaID(random.next() | 1))
            key = try ReplicaKey.loadOrCreate(at: files.keyURL(for: queue.replica), for: queue.replica)
        } catch {
            note("\(notice(recovery.path, unsent)) — but setting this copy aside failed: \(error). Nothing was deleted; move \(files.directory.path) away and open the document again")
            return nil
        }
        note(notice(recovery.path, unsent))
        replica = Replica(replicaID: queue.replica)
        canEditOffline = true
        generation += 1
        replicaSwitches.append((generation, recovery))
        machine = Self.machine(address: address, queue: queue, key: key, cache: nil, options: options)
        if keepingEpoch { machine.adopt(epoch: epoch) }
        eventHandler?(.replaced(generation: generation))
        perform(machine.handle(.start))
        return recovery
    }

    /// The relay lacks history this copy holds (its data was lost, or went back to an old
    /// backup): give the relay this copy back. This copy becomes a new replica whose first
    /// batches are restore batches holding the whole document (every character with its original
    /// id, so copies given back by several people at once cannot duplicate anything), queued
    /// durably in place of the old queue (whose batches they include), and the session connects
    /// again to send them.
    private func giveBack(onEpoch epoch: UInt64, because reason: String? = nil) {
        let ops = replica.restorationOps()
        var random = SystemRandomNumberGenerator()
        let fresh = ReplicaID(random.next() | 1)
        let staging = files.directory.appendingPathComponent("\(DocumentFiles.queueName).giving-back")
        let key: ReplicaKey
        do {
            try? FileManager.default.removeItem(at: staging)
            let given = try OfflineQueue(url: staging, newReplica: fresh)
            // The key first: once the new queue is in place, the replica may connect.
            key = try ReplicaKey.loadOrCreate(at: files.keyURL(for: fresh), for: fresh)
            try given.append([ops], restoring: true)
            // Atomic: a crash leaves the old queue, or this one, which holds everything.
            if rename(staging.path, files.queueURL.path) != 0 {
                throw SyncError(.io, "cannot replace \(files.queueURL.path): \(String(cString: strerror(errno)))")
            }
            queue = try OfflineQueue(url: files.queueURL, newReplica: fresh)
            replica = try Replica(snapshot: replica.encodeSnapshot(), replicaID: fresh)
        } catch {
            note("the relay has lost history of \(address.name) that this copy holds, and giving it back failed: \(error). Nothing was changed here; open the document again to retry")
            return
        }
        let why = reason ?? "the relay had lost history of \(address.name) (its data was lost or restored from an old backup)"
        note("\(why); giving it this copy back (\(queue.pending.count) \(queue.pending.count == 1 ? "batch" : "batches"))")
        canEditOffline = true
        generation += 1
        replicaSwitches.append((generation, nil))
        machine = Self.machine(address: address, queue: queue, key: key, cache: nil, options: options)
        machine.adopt(epoch: epoch)
        cacheIsCurrent = false
        saveCache()
        eventHandler?(.replaced(generation: generation))
        perform(machine.handle(.start))
    }

    /// Acknowledged batches kept in the queue before the cache is saved to let them go.
    public static let acknowledgedBatchesKept = 256

    /// Saves the cache, then drops from the queue the batches the relay acknowledged, which the
    /// cache now holds (the replica has every queued edit applied).
    private func saveCache() {
        guard canEditOffline else { return }
        if !cacheIsCurrent || cachedPosition != (machine.epoch, machine.lastServerSeq) || cachedReceipt != machine.receipt {
            let cache = ReplicaCache(replica: queue.replica, epoch: machine.epoch, lastServerSeq: machine.lastServerSeq, snapshot: replica.encodeSnapshot(),
                                     queuedThrough: queue.lastClientSeq, receipt: machine.receipt)
            do {
                try cache.save(to: files.cacheURL)
                cacheIsCurrent = true
                cachedPosition = (cache.epoch, cache.lastServerSeq)
                cachedReceipt = cache.receipt
            } catch {
                return note("\(error)")
            }
        }
        do {
            try queue.acknowledge(through: machine.ackedThrough)
        } catch {
            note("\(error)")
        }
    }
}
