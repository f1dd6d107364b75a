import WeftCRDT
import WeftWire

/// One open document on a relay as a pure state machine: connection and store events in; sends,
/// closes, and store operations (commit, read, compact, renew the epoch) out. No I/O, no clocks,
/// no tasks: the caller performs each action and feeds its outcome back as an event, whenever it
/// likes, which lets a simulation choose every interleaving from a seed.
///
/// It follows the relay's rules (`DocumentLog` decides on every batch): accepted batches wait and
/// go together in the next commit (group commit); the store numbers them; the room then delivers
/// the store's log in server-sequence order, this relay's batches and other relays' alike, so a
/// batch is acknowledged to its replica and broadcast to everyone else only once it is durable,
/// and every connection sees one gapless sequence. A joining connection is replayed what it
/// missed first; live messages for it wait behind the replay, so `caught-up` never names a batch
/// not sent yet.
public struct RoomScheduler: Sendable {
    /// Something that happened to the room: a connection's message, or the outcome of an action.
    public enum Event: Sendable {
        /// A connection sent its hello (`readOnly`: its token grants reading only). `storedAtLast`:
        /// the batch the store's history holds at the hello's last server sequence, looked up
        /// when the room's log no longer indexes it (`DocumentLog.indexes`), for the hello's
        /// flag bit 6 to be checked against.
        case join(connection: UInt64, hello: Hello, readOnly: Bool, storedAtLast: LogPosition? = nil)
        /// A batch (`restoring`: a `restore` batch; `writers`: which of the replicas it gives
        /// characters back for write in this epoch themselves, as the store says).
        case submit(connection: UInt64, clientSeq: UInt64, ops: [Op], restoring: Bool, writers: Set<ReplicaID> = [])
        case presence(connection: UInt64, Presence)
        /// The connection ended (either side closed it, or it broke).
        case leave(connection: UInt64)
        /// The `commit` in flight committed.
        case committed(CommitResult)
        /// The `read` in flight returned these entries.
        case read([LogEntry])
        /// A `readForReplay` returned these entries.
        case replayRead(connection: UInt64, [LogEntry])
        /// A `readSnapshot` returned the stored snapshot.
        case snapshotRead(connection: UInt64, bytes: [UInt8], serverSeq: UInt64)
        /// The `renewEpoch` in flight returned the document's epoch.
        case epochRenewed(UInt64)
        /// The `compact` in flight is stored (or failed: it is tried again later).
        case compacted(DocumentLog.Compaction, stored: Bool)
        /// A store operation failed (commit, read, renewal): the room's memory may no longer match
        /// the store, so it breaks (see `isBroken`). A failed replay read ends only its connection.
        case storeFailed(String)
        case replayFailed(connection: UInt64, String)
        /// Another relay committed up to `head` (a notification).
        case storeAdvanced(head: UInt64)
        /// Notifications may have been missed: read the store for what was not delivered.
        case catchUpRequested
        /// Fold the log into a snapshot at the next idle moment, keeping `keep` entries.
        case compactionRequested(keep: UInt64)
        /// The store holds the document in this epoch (another relay moved it): the room takes it.
        case epochFollowed(UInt64)
        /// The document was deleted or renamed on purpose: every connection is sent `farewell`
        /// (fatal) and closed, and the room takes no more work.
        case shutDown(farewell: WireError)
    }

    /// What the caller must do.
    public enum Action: Sendable, Equatable {
        /// Send `message` on the connection, after what was sent before.
        case send(connection: UInt64, ServerMessage)
        /// Send `message`, part of the connection's replay (the snapshot, log entries, `caught-up`),
        /// after what was sent before. The caller may let a replay's messages go before it reads
        /// the next page for it (`readForReplay`), so a long replay does not sit in memory whole.
        case replay(connection: UInt64, ServerMessage)
        /// Close the connection once what was sent before has gone.
        case close(connection: UInt64)
        /// Send `error` and close the connection at once, ahead of what waits for it: it fell
        /// too far behind (it catches up from the log when it comes back).
        case sendAway(connection: UInt64, WireError)
        /// Commit these batches in one transaction; answer `committed` or `storeFailed`.
        case commit([PendingBatch])
        /// Read log entries after `after`; answer `read` or `storeFailed`.
        case read(after: UInt64, limit: Int)
        /// Read log entries for a connection's replay; answer `replayRead` or `replayFailed`.
        case readForReplay(connection: UInt64, after: UInt64, limit: Int)
        /// Read the stored snapshot for a connection's replay; answer `snapshotRead` or `replayFailed`.
        case readSnapshot(connection: UInt64)
        /// Move the document to a new epoch from `from`; answer `epochRenewed` or `storeFailed`.
        case renewEpoch(from: UInt64)
        /// Store this compaction; answer `compacted`.
        case compact(DocumentLog.Compaction)
    }

    /// Entries read from the store at a time.
    public static let page = 1_000

    public var log: DocumentLog
    public let compaction: CompactionPolicy
    /// Bytes of live messages a joining connection may have waiting behind its replay; beyond
    /// that it is sent away (it catches up from the log when it comes back), so a slow reader of
    /// a long replay cannot hold the relay's memory while others type.
    public let heldByteLimit: Int
    /// Set when the store failed under the room: it takes no more work, and the caller drops it
    /// (the next connection loads the document again from what the store really holds).
    public private(set) var isBroken = false
    /// Why it broke, for the relay's log.
    public private(set) var brokenBecause: String?
    /// The connections on the document.
    var members: [UInt64: Member] = [:] {
        didSet { if members.count != connections.count { connections = members.keys.sorted() } }
    }
    /// The connections on the document, in order (every delivery walks them: kept sorted rather
    /// than sorted each time).
    public private(set) var connections: [UInt64] = []
    /// Accepted batches waiting for the next commit.
    var queue: [PendingBatch] = []
    /// Batches accepted here and not delivered yet: their ops as received (broadcast without
    /// decoding again).
    var undelivered: [DocumentLog.BatchKey: [Op]] = [:]
    /// Entries this relay committed and has not delivered yet, by server sequence.
    var committedHere: [UInt64: LogEntry] = [:]
    /// The newest server sequence known to be in the store.
    var knownHead: UInt64
    /// The store operation in flight (one at a time, like the relay's pump).
    var busy: Busy?
    /// A read of the whole log beyond `deliveredHead` is wanted (a missed notification, a join
    /// from a client ahead of this room).
    var catchUpWanted = false
    /// Joins waiting for a catch-up or an epoch renewal before they are answered.
    var waitingJoins: [(connection: UInt64, hello: Hello, readOnly: Bool, storedAtLast: LogPosition?)] = []
    var renewing = false
    /// The waiting join being answered now (it does not wait again).
    var answeringWaitingJoin: UInt64?
    /// A compaction asked for from outside, keeping this many entries.
    var compactionWanted: UInt64?

    enum Busy: Sendable {
        case committing([PendingBatch])
        /// Reading up to `target` (nil: to the end of the log, a catch-up).
        case reading(target: UInt64?)
        case compacting
    }

    struct Member: Sendable {
        var replica: ReplicaID
        var readOnly: Bool
        var presence: Presence?
        /// The connection was welcomed to give back its copy of the document (`restore` messages).
        var mayRestore: Bool
        /// Where its replay stands; nil once `caught-up` is sent.
        var replay: Replay?
        /// Live messages that wait behind the replay, and about how many bytes they take.
        var held: [ServerMessage] = []
        var heldBytes = 0
        /// The replay brought the client to this sequence with a snapshot another relay stored,
        /// beyond what this room has delivered: its batches may build on characters the room
        /// has not seen yet, so they wait until the room has caught up (judged now, they would
        /// be refused, and the client would set its copy aside).
        var ahead: UInt64 = 0
        var waiting: [(clientSeq: UInt64, ops: [Op], restoring: Bool, writers: Set<ReplicaID>)] = []

        /// Ends the replay (sent, or abandoned); returns the live messages that waited behind it.
        mutating func endReplay() -> [ServerMessage] {
            defer { (replay, held, heldBytes) = (nil, [], 0) }
            return held
        }
    }

    struct Replay: Sendable {
        var after: UInt64
        var end: UInt64
        var needsSnapshot: Bool
    }

    public init(log: DocumentLog, compaction: CompactionPolicy = CompactionPolicy(), heldByteLimit: Int = 32 << 20) {
        self.log = log
        self.compaction = compaction
        self.heldByteLimit = heldByteLimit
        knownHead = log.deliveredHead
    }

    /// Whether the connection is on the document (joined, and not sent away since).
    func isMember(_ connection: UInt64) -> Bool { members[connection] != nil }

    /// Whether the connection is being replayed what it missed (`caught-up` not sent yet).
    package func isReplaying(_ connection: UInt64) -> Bool { members[connection]?.replay != nil }

    /// Whether a batch is accepted and not delivered yet (its ack is still to come).
    func awaitsDelivery(replica: ReplicaID, clientSeq: UInt64) -> Bool {
        undelivered[DocumentLog.BatchKey(replica: replica, clientSeq: clientSeq)] != nil
    }

    /// The ops of a batch accepted and not delivered yet.
    func undeliveredOps(replica: ReplicaID, clientSeq: UInt64) -> [Op]? {
        undelivered[DocumentLog.BatchKey(replica: replica, clientSeq: clientSeq)]
    }

    /// The last presence of each connection that showed one.
    public var presences: [Presence] { connections.compactMap { members[$0]?.presence } }

    /// Whether nothing is waiting: no accepted batch uncommitted, no store operation in flight.
    public var isIdle: Bool { busy == nil && queue.isEmpty && waitingJoins.isEmpty }

    /// Feeds one event; returns what to do, in order.
    public mutating func handle(_ event: Event) -> [Action] {
        var actions: [Action] = []
        if isBroken {
            // Nothing more is taken; connections that still speak are sent away.
            switch event {
            case .join(let connection, _, _, _), .submit(let connection, _, _, _, _), .presence(let connection, _):
                dismiss(connection, with: WireError(.unavailable, "the relay could not store this document's changes; reconnect"), into: &actions)
            default: break
            }
            return actions
        }
        switch event {
        case .join(let connection, let hello, let readOnly, let storedAtLast):
            join(connection, hello: hello, readOnly: readOnly, storedAtLast: storedAtLast, into: &actions)
        case .submit(let connection, let clientSeq, let ops, let restoring, let writers):
            submit(connection, clientSeq: clientSeq, ops: ops, restoring: restoring, writers: writers, into: &actions)
        case .presence(let connection, let presence):
            guard let sender = members[connection] else { break }
            members[connection]?.presence = presence
            for other in connections where other != connection {
                send(.presence(replica: sender.replica, presence), to: other, into: &actions)
            }
        case .leave(let connection):
            waitingJoins.removeAll { $0.connection == connection }
            remove(connection, into: &actions)
        case .committed(let result):
            committed(result, into: &actions)
        case .read(let entries):
            read(entries, into: &actions)
        case .replayRead(let connection, let entries):
            replayRead(connection, entries, into: &actions)
        case .snapshotRead(let connection, let bytes, let serverSeq):
            snapshotRead(connection, bytes: bytes, serverSeq: serverSeq, into: &actions)
        case .replayFailed(let connection, let reason):
            handleReplayFailure(connection, reason, into: &actions)
        case .epochRenewed(let epoch):
            renewing = false
            log.renew(epoch: epoch)
            // Their clients hold the old epoch's copy: connecting again, they are asked for it.
            let moved = WireError(.unavailable, "the relay lost history of this document and moved it to a new epoch; reconnect to give your copy back")
            for connection in connections { dismiss(connection, with: moved, into: &actions) }
            members = [:]
            answerWaitingJoins(into: &actions)
        case .epochFollowed(let epoch):
            if epoch != log.epoch { log.renew(epoch: epoch) }
        case .compacted(let due, let stored):
            busy = nil
            if stored { log.compacted(due) }
        case .storeFailed(let reason):
            fail(because: reason, into: &actions)
            return actions
        case .storeAdvanced(let head):
            knownHead = max(knownHead, head)
        case .catchUpRequested:
            catchUpWanted = true
        case .compactionRequested(let keep):
            compactionWanted = keep
        case .shutDown(let farewell):
            fail(because: "the document was deleted or renamed", telling: farewell, into: &actions)
            return actions
        }
        pump(into: &actions)
        return actions
    }

    /// Sends `message` to a connection now, or after its replay. A connection whose waiting
    /// messages outgrow `heldByteLimit` is sent away.
    mutating func send(_ message: ServerMessage, to connection: UInt64, into actions: inout [Action]) {
        guard members[connection] != nil else { return }
        guard members[connection]!.replay != nil else { return actions.append(.send(connection: connection, message)) }
        members[connection]!.held.append(message)
        members[connection]!.heldBytes += message.heldSize
        guard members[connection]!.heldBytes > heldByteLimit else { return }
        actions.append(.sendAway(connection: connection, WireError(.unavailable, "too far behind while catching up; connect again to catch up")))
        remove(connection, into: &actions)
    }

    /// Sends `error` (fatal) to the connection and closes it once that has gone; a replay in
    /// progress is abandoned with what waited behind it, so the error does not wait too (the
    /// client replays again when it comes back).
    mutating func dismiss(_ connection: UInt64, with error: WireError, into actions: inout [Action]) {
        _ = members[connection]?.endReplay()
        actions.append(.send(connection: connection, .error(error, fatal: true)))
        actions.append(.close(connection: connection))
    }

    /// The connection is gone: the others are told its cursor is.
    mutating func remove(_ connection: UInt64, into actions: inout [Action]) {
        guard let member = members.removeValue(forKey: connection) else { return }
        for other in connections { send(.presenceGone(replica: member.replica), to: other, into: &actions) }
    }

    /// The store failed: nothing in flight was acknowledged; every connection, and every join
    /// still waiting, is told to come back.
    mutating func fail(because reason: String,
                       telling error: WireError = WireError(.unavailable, "the relay could not store this document's changes; reconnect"),
                       into actions: inout [Action]) {
        isBroken = true
        brokenBecause = reason
        // A replay in progress is abandoned with what it held: the client replays again when it
        // comes back.
        for connection in connections + waitingJoins.map(\.connection) { dismiss(connection, with: error, into: &actions) }
        members = [:]
        queue = []
        undelivered = [:]
        committedHere = [:]
        waitingJoins = []
        busy = nil
    }
}
