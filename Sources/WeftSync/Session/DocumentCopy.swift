import Foundation
import WeftCRDT
import WeftWire

/// One document as this machine keeps it: the offline queue, the replica, the replica cache and
/// the sync machine, and what each of the machine's decisions does to them (apply others' ops,
/// load a snapshot, save the cache and let acknowledged batches go, set a copy aside, give it
/// back). Synchronous, with no network and no clock: what it needs of the connection it leaves in
/// `effects`, for its owner to perform. `DocumentSession` performs them over WebSocket and real
/// timers; the simulator over its virtual network and clock, so both run this code.
public final class DocumentCopy {
    /// What the owner must do to the connection.
    public enum Effect: Sendable {
        /// Open a connection to the relay; report `.connected`, then what arrives, then `.disconnected`.
        case connect
        /// Send `message` on the open connection, after what was sent before.
        case send(ClientMessage)
        /// End the open connection; it is reported as disconnected as usual (the relay sent
        /// something that does not apply here: the next connection starts over).
        case endConnection
        /// Drop the open connection and report nothing more of it (the machine let it go).
        case disconnect
        /// Report `.retryDue` after `delay`, unless another retry is scheduled meanwhile.
        case scheduleRetry(Duration)
        /// This copy could not go on with the relay's and started over (the user is told in a notice).
        case startedOver(StartOver)
    }

    /// Why a copy started over.
    public enum StartOver: Sendable, Equatable {
        /// The relay's document is another incarnation: this copy was set aside.
        case epochChanged(old: UInt64, new: UInt64)
        /// The relay refused one of this copy's batches for good: this copy was set aside.
        case refused(String)
        /// The relay lacks history this copy holds: the copy was given back to it.
        case relayLostHistory(epoch: UInt64)
        /// The offline queue lost batches this copy may hold: the copy was given back.
        case queueDamaged(epoch: UInt64)
    }

    /// The document.
    public let address: DocumentAddress
    let files: DocumentFiles
    let options: SessionOptions
    /// Makes the id of a new replica (random in use; seeded in the simulator).
    let newReplicaID: () -> ReplicaID
    /// The time recorded with queued batches.
    let now: () -> Date
    /// The offline queue: what this replica typed and the relay has not acknowledged (and, until
    /// the cache holds them, what it has).
    public internal(set) var queue: OfflineQueue
    /// The document's text and its history as this machine holds it.
    public internal(set) var replica: Replica {
        didSet { cacheIsCurrent = false }
    }
    /// What this copy took from the relay since the cache was saved (nil when reading only, or
    /// when the file could not be written).
    public internal(set) var received: ReceivedLog?
    /// The newest of this copy's batches the received log showed acknowledged when it was opened.
    var acknowledgedInLog: (replica: ReplicaID, clientSeq: UInt64) = (ReplicaID(0), 0)
    /// Where syncing stands, and what to do next.
    public internal(set) var machine: SyncMachine
    /// Whether the cache file holds this replica at `cachedPosition`: closing a document nobody
    /// changed then skips re-encoding and fsyncing the whole snapshot (1/10 s for 10 MB).
    var cacheIsCurrent = false
    var cachedPosition: (epoch: UInt64, lastServerSeq: UInt64) = (0, 0)
    /// The receipt the cache file holds (`SyncMachine.receipt`).
    var cachedReceipt: Receipt?
    /// False when the cache was lost but this replica has sent batches before: its next counters
    /// are unknown until the relay replays its history, so local edits wait for the first sync.
    public internal(set) var canEdit: Bool
    /// Whether this machine held a copy of the document when it was opened (it was synced or
    /// edited here before).
    public let hasLocalCopy: Bool
    /// Bumped whenever the replica is replaced, so mirrors can drop ops meant for the old one.
    public internal(set) var generation = 0
    /// The generations at which the replica got a new id: by a give-back, or by a start-over
    /// whose old copy went to `recovery`.
    var replicaSwitches: [(generation: Int, recovery: URL?)] = []
    /// Set when opening found whole batches lost from the queue: the copy is given back (on this
    /// epoch) instead of starting as usual.
    var giveBackOnStart: UInt64?
    /// The copy as it was, and its sync machine, while the relay's is read afresh beside it
    /// (`readAfresh`).
    var heldWhileReadingAfresh: (replica: Replica, machine: SyncMachine, generation: Int)?
    /// The copy shows the relay's, read afresh, while the cache keeps the copy it was: the next
    /// writer here gives that back and moves over (its batch numbers are the relay's no more).
    var showsRelaysCopy = false
    /// This user's presence, sent when it changes and again after every reconnect.
    var localPresence: Presence?
    /// Who else is connected, as far as the relay has said on this connection.
    public internal(set) var peers: Set<ReplicaID> = []
    /// Messages for the user since opening (damaged files, refusals, recovery files), oldest first.
    public internal(set) var notices: [String] = []
    /// Recovery files of copies set aside since opening because the relay refused one of their
    /// batches for good (what the user typed that the relay does not have).
    public internal(set) var setAside: [URL] = []
    /// What the owner must do to the connection, in order; `takeEffects()` hands them over.
    var effects: [Effect] = []
    /// Called with events for a view that mirrors the replica (and for every notice).
    public var onEvent: ((SessionEvent) -> Void)?

    /// Acknowledged batches kept in the queue before the cache is saved to let them go.
    public static let acknowledgedBatchesKept = 256

    /// Opens the document's files in `files` and its cached state: the queue (a torn tail cut,
    /// damage noted), the cache, and the queued batches applied again on top of it (covering a
    /// crash between queueing and saving).
    /// - Parameters:
    ///   - seed: a cache to start from when `files` hold none (the pager's copy of this machine's
    ///     cache, loaded once and handed over rather than written again and read back).
    ///   - newReplicaID: makes the id of a new replica (the simulator's is seeded).
    ///   - now: the time recorded with queued batches (the simulator's is virtual).
    /// - Throws: `SyncError` (`.io`) when the files cannot be read or made.
    public init(address: DocumentAddress, files: DocumentFiles, options: SessionOptions, seed: ReplicaCache? = nil,
                newReplicaID: @escaping () -> ReplicaID = DocumentCopy.randomReplicaID, now: @escaping () -> Date = Date.init) throws(SyncError) {
        self.address = address
        self.files = files
        self.options = options
        self.newReplicaID = newReplicaID
        self.now = now
        var found: [String] = []
        var cache: ReplicaCache?
        var cacheFileLoaded = false
        do {
            cache = try ReplicaCache.load(from: files.cacheURL)
            cacheFileLoaded = cache != nil
            cache = cache ?? seed
        } catch {
            found.append("\(error); starting from the relay's copy")
        }
        let queue = try OfflineQueue(url: files.queueURL, newReplica: cache?.replica ?? newReplicaID())
        self.queue = queue
        if let damage = queue.damage { found.append(damage.description) }
        if try queue.splitOversized() > 0 {
            found.append("edits queued by an earlier version were larger than the relay accepts; they were cut into batches it takes")
        }
        if let loaded = cache, loaded.replica != queue.replica {
            found.append("the replica cache belongs to another replica than the offline queue; starting from the relay's copy")
            cache = nil
        }
        var replica = Replica(replicaID: queue.replica)
        if let loaded = cache {
            do {
                replica = try Replica(snapshot: loaded.snapshot, replicaID: queue.replica)
            } catch {
                found.append("the replica cache does not load (\(error)); starting from the relay's copy")
                cache = nil
            }
        }
        // What the relay sent after the cache was saved, and the edits queued since, some of them
        // typed on it: applied again, they leave the copy as it was (in any order: an op waits
        // here for the characters it builds on). Applying what the cache holds again is harmless.
        // A reader applies it too (`weft cat --offline` prints what the writer held), but keeps
        // no log of its own.
        var receivedSince = 0
        let (log, entries) = ReceivedLog.open(at: files.receivedURL, repairing: !options.readOnly)
        received = options.readOnly ? nil : log
        if var loaded = cache, let origin = log.origin, origin.replica == queue.replica, origin.epoch == loaded.epoch,
           origin.after <= loaded.lastServerSeq {
            acknowledgedInLog = (origin.replica, ReceivedLog.acknowledged(of: origin.replica, in: entries))
            for entry in entries where entry.serverSeq > loaded.lastServerSeq {
                if !entry.ops.isEmpty { _ = try? replica.apply(OpCodec.decode(entry.ops)) }
                loaded.lastServerSeq = entry.serverSeq
                loaded.lastEntry = entry.position
                receivedSince += 1
            }
            cache = loaded
        } else if let loaded = cache, !options.readOnly {
            do {
                try log.restart(from: ReceivedLog.Origin(replica: queue.replica, epoch: loaded.epoch, after: loaded.lastServerSeq))
            } catch {
                found.append(Self.receivedLogStopped(error))
                received = nil
            }
        }
        for batch in queue.pending { _ = try? replica.apply(OpCodec.decode(batch.ops)) }
        self.replica = replica
        // Queued batches that wait for characters the cache lacks (it was saved before others'
        // edits they build on) leave this replica's own counter behind theirs: an edit made now
        // would reuse their ids, and the relay would refuse it. Editing waits for the replay.
        canEdit = (cache != nil || queue.lastClientSeq == 0) && replica.pendingCount == 0
        hasLocalCopy = cache != nil || queue.lastClientSeq > 0
        machine = Self.machine(address: address, queue: queue, key: try ReplicaKey.loadOrCreate(at: files.keyURL(for: queue.replica), for: queue.replica),
                               cache: cache, options: options)
        if queue.restoringThrough > queue.ackedThrough { machine.formerReplicas = files.formerReplicas(before: queue.replica, heldIn: replica) }
        // A seed is in no file yet: closing must write it.
        if let cache, cacheFileLoaded, queue.pending.isEmpty, receivedSince == 0 {
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
            found.append("this copy holds edits the damaged queue lost; it gives the relay the whole copy instead")
        }
        notices = found
    }

    /// A new replica id from the system's random source (odd, so never 0).
    public static func randomReplicaID() -> ReplicaID {
        var random = SystemRandomNumberGenerator()
        return ReplicaID(random.next() | 1)
    }

    /// The sync machine for `queue`, resuming from `cache` (from scratch without one), proving
    /// the queue's replica with `key`.
    static func machine(address: DocumentAddress, queue: OfflineQueue, key: ReplicaKey, cache: ReplicaCache?,
                        options: SessionOptions) -> SyncMachine {
        var machine = SyncMachine(document: address.name, replica: queue.replica, token: options.token, readOnly: options.readOnly,
                                  epoch: cache?.epoch ?? 0, lastServerSeq: cache?.lastServerSeq ?? 0,
                                  ackedThrough: queue.ackedThrough, queuedThrough: queue.lastClientSeq, restoringThrough: queue.restoringThrough,
                                  replicaKey: key.bytes, userName: options.userName,
                                  receipt: cache?.replica == queue.replica ? cache?.receipt : nil, lastEntry: cache?.lastEntry)
        machine.commandArgument = address.commandArgument(defaultServer: options.defaultServer)
        machine.keepsWatching = options.keepsWatching
        return machine
    }

    /// Hands over the effects left since the last call, oldest first.
    public func takeEffects() -> [Effect] {
        defer { effects = [] }
        return effects
    }

    /// Batches queued and not yet acknowledged.
    /// Counted from what the relay acknowledged, which the received log may know of before the
    /// queue does (a copy reopened offline after a crash): the sync machine resends those until
    /// a relay says it has them.
    public var unsentCount: Int {
        let logged = acknowledgedInLog.replica == queue.replica ? acknowledgedInLog.clientSeq : 0
        return Int(machine.queuedThrough - min(machine.queuedThrough, max(machine.ackedThrough, logged)))
    }

    /// Starts syncing: connecting, or first giving the copy back when opening found the queue
    /// damaged.
    public func start() {
        if let epoch = giveBackOnStart {
            giveBackOnStart = nil
            return giveBack(onEpoch: epoch, because: .queueDamaged(epoch: epoch))
        }
        handle(.start)
    }

    /// Feeds the sync machine one event and performs what it decides.
    public func handle(_ event: SyncMachine.Event, jitter: Double = 0.5) {
        if case .disconnected = event { forgetPeers() }
        perform(machine.handle(event, jitter: jitter))
        if case .received(.welcome) = event, machine.epoch != cachedPosition.epoch, machine.phase == .replaying {
            // The first welcome into an epoch is kept at once: batches of this copy the relay
            // acknowledges from now on belong to it, and a copy that forgot it (no cache saved
            // before a crash) would come back as one that never synced, its batches numbered
            // again against a document that may have them from elsewhere.
            saveCache()
        }
        if let entry = machine.lastEntry, entry.replica == queue.replica { logReceived(machine.lastServerSeq, ops: nil) }
    }

    /// Keeps relay batch `serverSeq` in the received log (`ops` nil: one of this replica's own,
    /// acknowledged, which the queue holds), when it continues the log. The cache is saved once
    /// the log is large.
    func logReceived(_ serverSeq: UInt64, ops: [Op]?) {
        guard let received, let origin = received.origin, origin.replica == queue.replica, origin.epoch == machine.epoch,
              serverSeq == received.lastServerSeq + 1, serverSeq == machine.lastServerSeq, let position = machine.lastEntry else { return }
        do {
            try received.append(serverSeq: serverSeq, position: position, ops: ops.map { OpCodec.encode($0) } ?? [])
        } catch {
            return stopReceivedLog(error)
        }
        if received.size > ReceivedLog.saveCacheAfterBytes { saveCache() }
    }

    /// The received log could not be written: the copy goes on without it, as before it had one,
    /// and the user is told.
    private func stopReceivedLog(_ error: SyncError) {
        note(Self.receivedLogStopped(error))
        received = nil
    }

    private static func receivedLogStopped(_ error: SyncError) -> String {
        "\(error); edits others make are not kept here between cache saves"
    }

    /// Tells the others where this user is. Sent now when connected, and again after every reconnect.
    public func sendPresence(_ presence: Presence) {
        guard presence != localPresence else { return }
        localPresence = presence
        if machine.phase == .live { effects.append(.send(.presence(presence))) }
    }

    /// Tells the user `message` (kept in `notices`, and passed to `onEvent`).
    public func note(_ message: String) {
        notices.append(message)
        onEvent?(.notice(message))
    }

    /// Tells the user of connection trouble that reconnecting may mend (`SessionEvent.trouble`).
    func noteTrouble(_ message: String) {
        notices.append(message)
        onEvent?(.trouble(message))
    }

    /// Who is there is unknown until the relay says so again after reconnecting.
    func forgetPeers() {
        for replica in peers { onEvent?(.presence(replica, nil)) }
        peers.removeAll()
    }

    /// Saves the cache, then drops from the queue the batches the relay acknowledged, which the
    /// cache now holds (the replica has every queued edit applied).
    public func saveCache() {
        // While the relay's copy is read afresh, and shown, the cache keeps the copy it was.
        guard canEdit, !showsRelaysCopy else { return }
        // A copy that never reached a relay and holds nothing typed here is no copy: saved, it
        // would make a read that found the relay down count as this machine having the document.
        let holdsNothing = machine.epoch == 0 && queue.lastClientSeq == 0 && replica.count == 0 && !cacheIsCurrent
        if !holdsNothing, !cacheIsCurrent || cachedPosition != (machine.epoch, machine.lastServerSeq) || cachedReceipt != machine.receipt {
            let cache = ReplicaCache(replica: queue.replica, epoch: machine.epoch, lastServerSeq: machine.lastServerSeq, snapshot: replica.encodeSnapshot(),
                                     queuedThrough: queue.lastClientSeq, receipt: machine.receipt, lastEntry: machine.lastEntry)
            do {
                try cache.save(to: files.cacheURL)
                cacheIsCurrent = true
                cachedPosition = (cache.epoch, cache.lastServerSeq)
                cachedReceipt = cache.receipt
            } catch {
                return note("\(error)")
            }
            do {
                try received?.restart(from: ReceivedLog.Origin(replica: queue.replica, epoch: cache.epoch, after: cache.lastServerSeq))
            } catch {
                stopReceivedLog(error)
            }
        }
        do {
            try queue.acknowledge(through: machine.ackedThrough)
        } catch {
            note("\(error)")
        }
    }
}
