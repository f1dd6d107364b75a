import WeftCRDT
import WeftWire

/// The client side of the protocol as a pure state machine: the session feeds it events (a
/// connection opened or broke, a message arrived, a batch was queued, a retry timer fired) and
/// performs the actions it returns. No I/O, no clocks: delays come back as durations, and the
/// jitter for them is passed in.
public struct SyncMachine: Sendable {
    /// Where the connection stands.
    public enum Phase: Sendable, Equatable {
        /// Not started, or closed for good.
        case idle
        case connecting
        /// Hello sent; waiting for welcome.
        case greeting
        /// Welcome received; the relay is replaying what this replica missed.
        case replaying
        /// Caught up: batches flow both ways.
        case live
        /// Disconnected; the next attempt is `attempt` (from 1), after a delay.
        case waiting(attempt: Int)
        /// Stopped on an error that retrying cannot fix (unauthorized, upgrade-required, epoch change…).
        case failed(String)
    }

    public enum Event: Sendable {
        case start
        case connected
        case received(ServerMessage)
        /// The connection ended (closed, refused, timed out) for `reason`.
        case disconnected(reason: String)
        case retryDue
        /// The deadline armed by the current connection's `connect` action passed.
        case connectDeadlinePassed
        /// Local batches up to `clientSeq` are in the offline queue (restore batches, with `restoring`).
        case queued(through: UInt64, restoring: Bool = false)
        case stop
    }

    public enum Action: Sendable, Equatable {
        /// Open a connection, and arm its deadline: unless the relay has welcomed it by then,
        /// feed `connectDeadlinePassed` (a relay or proxy that takes the connection and never
        /// answers, or half-closes it mid-upgrade, would otherwise leave it connecting forever).
        case connect
        case send(ClientMessage)
        /// Send the queued batches with clientSeq in `after + 1 ... through`, in order.
        case sendQueued(after: UInt64, through: UInt64)
        /// Apply a remote batch.
        case apply(serverSeq: UInt64, ops: [Op])
        /// Replace the document with this snapshot, then apply the unacknowledged queued batches again.
        case replaceWithSnapshot(serverSeq: UInt64, bytes: [UInt8])
        /// The relay acknowledged every batch through this clientSeq: drop them from the queue.
        case retire(through: UInt64)
        /// The relay has another epoch for the document than the cache: set unsent work aside and start
        /// over (comes after the `disconnect` of the old connection, so the new one is left alone).
        case epochChanged(from: UInt64, to: UInt64)
        /// Reading only, this copy was asked back (the relay lacks history it may hold): read the
        /// relay's copy on `epoch` from scratch beside it, and take it once caught up if it holds
        /// all this copy does (comes after the `disconnect`).
        case readAfresh(epoch: UInt64)
        /// The relay refused a batch for good (`reason`): it would refuse it on every connection,
        /// and every batch after it waits on it. Keep this copy's text and its unsent batches
        /// where the user can get them back, tell them, and follow the relay's copy again with a
        /// fresh replica (comes after the `disconnect`).
        case setAside(reason: String)
        /// The relay lacks history this copy holds (it lost its data, or went back to an old
        /// backup): give this copy back as a new replica whose first batches are restore batches
        /// holding the whole document, on `epoch`, then connect again (comes after the `disconnect`).
        case restore(epoch: UInt64)
        case presence(ReplicaID, Presence?)
        /// Close the connection (it misbehaved, or a fatal error came).
        case disconnect
        /// Try again after this delay.
        case scheduleRetry(after: Duration)
        /// Caught up with the relay: a good moment to save the cache.
        case caughtUp
        /// Tell the user (read-only refusals, errors).
        case notice(String)
        /// Tell the user of trouble with the connection that the reconnect under way may mend (a
        /// relay that broke the protocol, one that did not answer in time): said until the relay
        /// answers again.
        case trouble(String)
    }

    public private(set) var phase: Phase = .idle
    public let document: DocumentName
    public let replica: ReplicaID
    public let readOnly: Bool
    public let token: String
    /// Sent in every hello: the relay binds this replica to it (PROTOCOL.md rule 8).
    public let replicaKey: [UInt8]
    /// Sent in every hello: the name the relay records as this replica's author without a token.
    public let userName: String
    /// The epoch the cache belongs to (0: none yet).
    public private(set) var epoch: UInt64
    /// Every batch through this serverSeq is applied here.
    public private(set) var lastServerSeq: UInt64
    /// Every local batch through this clientSeq is acknowledged.
    public private(set) var ackedThrough: UInt64
    /// The highest clientSeq in the offline queue.
    public private(set) var queuedThrough: UInt64
    /// Batches through this clientSeq are restore batches (this replica gives a relay that lost
    /// the document its copy back): until they are acknowledged, every hello says so.
    public private(set) var restoringThrough: UInt64
    /// Replicas this copy wrote as before it gave itself back, with their keys: a restoring hello
    /// names them, so that the relay takes their characters it lacks from this copy.
    public var formerReplicas: [FormerReplica] = []
    /// The relay welcomed this replica without batches it had acknowledged: the next hello says
    /// so with this receipt, and the relay starts a new epoch that every client gives its copy
    /// back to.
    private var lostBatchesReceipt: Receipt?
    /// The relay's receipt for the most of this replica's batches (kept with the cache): the
    /// proof a relay that lost them asks for.
    public private(set) var receipt: Receipt?
    /// The batch applied at `lastServerSeq` (kept with the cache; nil after a snapshot): every
    /// hello names it, so that a relay whose log holds another batch there asks for this copy.
    public private(set) var lastEntry: LogPosition?
    /// The relay refused a hello as malformed (a relay of an earlier version, which does not know
    /// a flag it sets): later hellos ask for none of what the copy can do without (receipts,
    /// bundles, the check of its last batch, the user's name).
    private var plainHello = false
    /// The highest clientSeq sent on the current connection.
    private var sentThrough: UInt64 = 0
    /// Retries since the relay last sent something that moved this replica on.
    private var retryAttempt = 0
    /// The last reason a connection failed, said to the user; cleared once a relay welcomes one.
    private var lastTrouble: String?
    /// Connections in a row that the relay closed refusing a batch for now (`unavailable`,
    /// `rate-limited`) with nothing acknowledged between them: each is welcomed and replayed (which
    /// resets `retryAttempt`), so the backoff counts these instead, or a copy waiting for another
    /// writer to come back would connect and replay the document four times a second.
    private var refusalsInARow = 0
    /// The last such refusal, said to the user once.
    private var lastRefusal: String?
    /// The relay is closing the connection after such a refusal: its end is that refusal, said
    /// already, not trouble of its own to tell.
    private var closingAfterRefusal = false
    /// The refusal the connection now ending was closed with, if it was.
    public var refusalEndingConnection: String? { closingAfterRefusal ? lastRefusal : nil }
    /// This machine reads the relay's copy from scratch because an earlier one was asked for its
    /// copy while reading only: asked again, it stops.
    public var readsAfresh = false
    /// A live view: a copy holding history the relay lost waits and asks again instead of
    /// stopping (`SessionOptions.keepsWatching`).
    public var keepsWatching = false
    /// The relay refused this connection because it holds no such document, and this copy holds
    /// none either (a name nobody made).
    public private(set) var relayHasNoDocument = false
    /// Checks so far, reading only and live, whether the relay got back what this copy holds and
    /// it lacks (`askAgainLater`).
    private var lostHistoryChecks = 0
    /// A live view waits this long before asking again whether the relay got back what it lost
    /// (every check reads the relay's whole copy), doubling up to `maxLostHistoryRecheck`.
    public static let lostHistoryRecheck: Duration = .seconds(30)
    public static let maxLostHistoryRecheck: Duration = .seconds(120)
    /// The relay refused a write as read-only: queued batches wait instead of being resent forever.
    public private(set) var writesRefused = false

    /// How messages to the user name this document in a command (the bare name on the default
    /// server, else the whole address).
    public var commandArgument: String?

    /// Backoff: the first retry after about `baseDelay`, doubling up to `maxDelay`.
    public static let baseDelay: Duration = .milliseconds(250)
    public static let maxDelay: Duration = .seconds(30)

    public init(document: DocumentName, replica: ReplicaID, token: String, readOnly: Bool,
                epoch: UInt64, lastServerSeq: UInt64, ackedThrough: UInt64, queuedThrough: UInt64, restoringThrough: UInt64 = 0,
                replicaKey: [UInt8] = [], userName: String = "", receipt: Receipt? = nil, lastEntry: LogPosition? = nil) {
        self.receipt = receipt
        self.lastEntry = lastServerSeq > 0 ? lastEntry : nil
        self.userName = userName
        self.restoringThrough = restoringThrough
        self.replicaKey = replicaKey
        self.document = document
        self.replica = replica
        self.token = token
        self.readOnly = readOnly
        self.epoch = epoch
        self.lastServerSeq = lastServerSeq
        self.ackedThrough = ackedThrough
        self.queuedThrough = queuedThrough
    }

    /// Continues on `epoch` from scratch (a fresh replica on a document whose epoch is known),
    /// before `start`.
    public mutating func adopt(epoch: UInt64) {
        guard phase == .idle, lastServerSeq == 0 else { return }
        self.epoch = epoch
    }

    /// Whether every queued batch is acknowledged and the replay is done.
    ///
    /// With receipts, the relay's receipt for the last acknowledged batch must have come too: a
    /// client that left between the two would hold no proof should the relay lose that batch.
    public var isSettled: Bool {
        phase == .live && ackedThrough >= queuedThrough && (!keepsReceipts || (receipt?.clientSeq ?? 0) >= ackedThrough)
    }

    /// This connection asks for receipts (hello flag bit 4).
    private var keepsReceipts: Bool { !readOnly && !plainHello }

    /// The delay before retry `attempt` (from 1): exponential, capped, with `jitter` in 0…1
    /// spreading it over its upper half so that clients cut off together do not return together.
    public static func retryDelay(attempt: Int, jitter: Double) -> Duration {
        let exponent = min(attempt - 1, 16)
        let full = min(baseDelay * (1 << exponent), maxDelay)
        return full * (0.5 + 0.5 * min(max(jitter, 0), 1))
    }

    /// Feeds one event; returns what to do, in order. `jitter` (0…1) is used only when a retry is scheduled.
    public mutating func handle(_ event: Event, jitter: Double = 0.5) -> [Action] {
        switch event {
        case .start:
            guard case .idle = phase else { return [] }
            phase = .connecting
            return [.connect]
        case .retryDue:
            guard case .waiting = phase else { return [] }
            phase = .connecting
            return [.connect]
        case .connectDeadlinePassed:
            guard phase == .connecting || phase == .greeting else { return [] }
            return dropConnection(trouble: "the relay did not welcome the connection in time; reconnecting",
                                  reason: "connect timeout", jitter: jitter)
        case .stop:
            phase = .idle
            return [.disconnect]
        case .connected:
            guard phase == .connecting else { return [.disconnect] }
            phase = .greeting
            sentThrough = 0
            return [.send(.hello(Hello(document: document, epoch: epoch, replica: replica, lastServerSeq: lastServerSeq,
                                       readOnly: readOnly, restoring: givesBackHere, lostBatchesReceipt: lostBatchesReceipt,
                                       wantsReceipts: keepsReceipts,
                                       token: token, replicaKey: replicaKey, userName: plainHello ? "" : userName,
                                       formerReplicas: givesBackHere ? formerReplicas : [], lastEntry: plainHello ? nil : lastEntry,
                                       takesBundles: !plainHello)))]
        case .disconnected(let reason):
            switch phase {
            case .idle, .failed, .waiting: return []
            case .connecting, .greeting, .replaying, .live:
                retryAttempt += 1  // reset to 0 by progress (see `madeProgress`)
                phase = .waiting(attempt: retryAttempt)
                // Said once, not on every retry of the same failure.
                let notice: [Action] = reason == lastTrouble || closingAfterRefusal ? [] : [.notice(reason)]
                closingAfterRefusal = false
                lastTrouble = reason
                return notice + [.scheduleRetry(after: Self.retryDelay(attempt: max(retryAttempt, refusalsInARow), jitter: jitter))]
            }
        case .queued(let through, let restoring):
            queuedThrough = max(queuedThrough, through)
            if restoring { restoringThrough = max(restoringThrough, through) }
            return sendUnsent()
        case .received(let message):
            return receive(message, jitter: jitter)
        }
    }

    private mutating func receive(_ message: ServerMessage, jitter: Double) -> [Action] {
        switch (phase, message) {
        case (.greeting, .welcome(let welcome)):
            if welcome.restore, !givesBackHere, welcome.epoch == epoch, !readOnly, lostBatchesReceipt == nil,
               let receipt, receipt.serverSeq > welcome.serverSeq || receipt.clientSeq > welcome.lastClientSeq {
                // The relay is behind this copy in the same epoch, and the receipt proves it: shown,
                // it makes the relay move the document to a new epoch, so that every client gives
                // its copy back, not only this one.
                lostBatchesReceipt = receipt
                return dropConnection(notice: "the relay has lost edits it had acknowledged (restored from an old backup?); giving it this copy back",
                                      reason: "the relay lost history", jitter: 0, immediately: true)
            }
            if welcome.restore, givesBackHere, lastServerSeq > 0,
               welcome.restoreAgain || welcome.epoch != epoch || welcome.serverSeq < lastServerSeq {
                // Still giving itself back, this copy took more of the relay's log since, and the
                // relay lost that too (it went back to a backup again and was written to since,
                // lost everything, or moved to a new epoch): the restore batches queued hold less
                // than this copy now does, and the batches after them build on what they lack.
                // The copy as it is now is given back in their place.
                phase = .idle
                return [.disconnect, .restore(epoch: welcome.epoch)]
            }
            if welcome.restore, !givesBackHere {
                // The relay asks for this copy: it lacks history this copy holds.
                if readOnly, !readsAfresh {
                    // Reading only, this connection cannot give it back. The relay's copy may hold
                    // all this one does (it was healed by others since): read it beside this one.
                    phase = .idle
                    return [.disconnect, .readAfresh(epoch: welcome.epoch)]
                }
                if readOnly {
                    // Reading only, this connection cannot give it back, and taking the relay's
                    // poorer copy would lose it: stop, keeping the copy for the next writer.
                    phase = .failed(lacksHistoryReason)
                    return [.disconnect]
                }
                phase = .idle
                return [.disconnect, .restore(epoch: welcome.epoch)]
            }
            if epoch != 0, welcome.epoch != epoch, !welcome.restore {
                let old = epoch
                phase = .failed("the relay's copy of \(document) was reset (epoch changed)")
                return [.disconnect, .epochChanged(from: old, to: welcome.epoch)]
            }
            if welcome.epoch == epoch, welcome.lastClientSeq < ackedThrough, !readOnly, !isRestoring {
                // Batches the relay acknowledged are gone from it: it went back to an old backup.
                // Say so on the next hello, with the relay's receipt for them, and the relay asks
                // every client for its copy.
                guard let receipt, receipt.clientSeq > welcome.lastClientSeq || receipt.serverSeq > welcome.serverSeq else {
                    phase = .failed("the relay lacks edits of \(document) it had acknowledged (restored from an old backup?), and this copy holds no receipt from it to show so; `weft cat --offline \(commandArgument ?? document.rawValue)` prints this copy, which holds them")
                    return [.disconnect]
                }
                lostBatchesReceipt = receipt
                return dropConnection(notice: "the relay has lost edits it had acknowledged (restored from an old backup?); giving it this copy back",
                                      reason: "the relay lost history", jitter: 0, immediately: true)
            }
            lostBatchesReceipt = nil
            epoch = welcome.epoch
            phase = .replaying
            lastTrouble = nil
            var actions: [Action] = []
            if welcome.readOnly, !writesRefused {
                // The relay says so up front (a read-only token): nothing is sent to be refused.
                writesRefused = true
                if !readOnly { actions.append(.notice("the relay grants \(document) read-only access to this connection: edits stay queued and unsent")) }
            }
            if welcome.lastClientSeq > ackedThrough {
                ackedThrough = min(welcome.lastClientSeq, queuedThrough)
                actions.append(.retire(through: ackedThrough))
            }
            // Queued batches go out now, beside the replay, not after it: on a link that breaks
            // every few seconds a long replay would otherwise leave no time to send anything. The
            // relay can take them at once (they only refer to what it has), and it acknowledges
            // them after the replay, in sequence.
            return actions + sendUnsent()
        case (.replaying, .snapshot(let serverSeq, let bytes)):
            guard serverSeq >= lastServerSeq else { return [] }
            lastServerSeq = serverSeq
            lastEntry = nil
            madeProgress()
            return [.replaceWithSnapshot(serverSeq: serverSeq, bytes: bytes)]
        case (.replaying, .broadcast(let serverSeq, let sender, let clientSeq, let ops)), (.live, .broadcast(let serverSeq, let sender, let clientSeq, let ops)):
            if serverSeq <= lastServerSeq { return [] }
            guard serverSeq == lastServerSeq + 1 else {
                return violation("broadcast \(serverSeq) after \(lastServerSeq)", jitter: jitter)
            }
            lastServerSeq = serverSeq
            lastEntry = LogPosition(replica: sender, clientSeq: clientSeq)
            madeProgress()
            return [.apply(serverSeq: serverSeq, ops: ops)]
        case (.replaying, .caughtUp(let serverSeq)):
            guard serverSeq <= lastServerSeq else { return violation("caught-up at \(serverSeq) with only \(lastServerSeq) received", jitter: jitter) }
            phase = .live
            madeProgress()
            if ackedThrough >= queuedThrough { forgetRefusals() }
            return [.caughtUp] + sendUnsent()
        case (.replaying, .ack(let clientSeq, let serverSeq)), (.live, .ack(let clientSeq, let serverSeq)):
            var actions: [Action] = []
            if serverSeq == lastServerSeq + 1 {
                lastServerSeq = serverSeq
                lastEntry = LogPosition(replica: replica, clientSeq: clientSeq)
            } else if serverSeq > lastServerSeq + 1 {
                return violation("ack as serverSeq \(serverSeq) after \(lastServerSeq)", jitter: jitter)
            }
            if clientSeq > ackedThrough, clientSeq <= queuedThrough {
                ackedThrough = clientSeq
                actions.append(.retire(through: clientSeq))
                forgetRefusals()
            }
            madeProgress()
            return actions + sendUnsent()
        case (.replaying, .receipt(let receipt)), (.live, .receipt(let receipt)):
            if receipt.serverSeq >= self.receipt?.serverSeq ?? 0 { self.receipt = receipt }
            return []
        case (.replaying, .presence(let replica, let presence)), (.live, .presence(let replica, let presence)):
            return [.presence(replica, presence)]
        case (.replaying, .presenceGone(let replica)), (.live, .presenceGone(let replica)):
            return [.presence(replica, nil)]
        case (_, .error(let error, let fatal)):
            return refused(error, fatal: fatal, jitter: jitter)
        default:
            return violation("unexpected \(message.kindName) while \(phase)", jitter: jitter)
        }
    }

    /// Batches sent and not acknowledged at most at any time: a 100 MB paste is 200 batches of
    /// 512 KiB, and sending them all at once would hold every one in memory twice more.
    public static let sendWindow: UInt64 = 32

    /// Sends the queued batches not sent on this connection yet, once the relay has welcomed it,
    /// as far as the window lets (acknowledgements open it again).
    private mutating func sendUnsent() -> [Action] {
        let after = max(sentThrough, ackedThrough)
        let through = min(queuedThrough, ackedThrough + Self.sendWindow)
        guard phase == .replaying || phase == .live, !writesRefused, through > after else { return [] }
        sentThrough = through
        return [.sendQueued(after: after, through: through)]
    }

    /// Something arrived that moves this replica on: the next break starts the backoff afresh, so
    /// a link that breaks often but lets work through between breaks is retried quickly.
    private mutating func madeProgress() { retryAttempt = 0 }

    /// A batch went through, or nothing waits to: a refusal for now is over.
    private mutating func forgetRefusals() {
        refusalsInARow = 0
        lastRefusal = nil
    }

    private mutating func refused(_ error: WireError, fatal: Bool, jitter: Double) -> [Action] {
        if error.code == .readOnly {
            writesRefused = true
            return [.notice("the relay refused a write: \(error.message); your edits stay queued and unsent")]
        }
        if !fatal { return [.notice(error.message)] }
        if phase == .greeting, error.code == .malformed, !plainHello, lostBatchesReceipt == nil {
            // The relay could not read the hello: one of an earlier version does not know a flag
            // it sets. Connect again with none of those this copy can do without.
            plainHello = true
            return dropConnection(notice: "the relay could not read this weft's hello (\(error.message)); it may be older than this weft. Connecting again without receipts or bundles; upgrading the relay brings them back",
                                  reason: "hello refused", jitter: 0, immediately: true)
        }
        switch error.code {
        case .noDocument where readOnly && epoch != 0:
            // The relay lost the whole document this copy holds: as any history it lost.
            return lostHistory()
        case .noDocument where keepsWatching:
            // A live view of a document not made yet (this copy holds only what was typed here).
            return askAgainLater(because: error.message)
        case .noDocument:
            relayHasNoDocument = true
            phase = .failed(error.message)
            return [.disconnect]
        case .unavailable, .rateLimited:
            // Transient: the connection is closing; the disconnect event schedules the retry.
            refusalsInARow += 1
            closingAfterRefusal = true
            let notice = "\(error.code): \(error.message)"
            defer { lastRefusal = notice }
            return notice == lastRefusal ? [] : [.notice(notice)]
        case .malformed where sentThrough > ackedThrough, .tooLarge where sentThrough > ackedThrough:
            // A batch sent on this connection was refused, and the relay would refuse it again on
            // the next: retrying would wedge every later edit behind it.
            phase = .idle
            return [.disconnect, .setAside(reason: "\(error.code): \(error.message)")]
        default:
            phase = .failed("\(error.code): \(error.message)")
            return [.notice("the relay refused: \(error.code): \(error.message)"), .disconnect]
        }
    }

    /// The relay broke the protocol: drop the connection and come back (what it sends next
    /// time starts again from `lastServerSeq`).
    private mutating func violation(_ what: String, jitter: Double) -> [Action] {
        dropConnection(trouble: "protocol error from the relay: \(what); reconnecting", reason: what, jitter: jitter)
    }

    /// Closes the connection from this side and schedules the next attempt (`immediately`: with
    /// no delay), as if it had broken, saying `notice` (or `trouble`, which reconnecting mends).
    private mutating func dropConnection(notice: String? = nil, trouble: String? = nil, reason: String, jitter: Double,
                                         immediately: Bool = false) -> [Action] {
        var actions: [Action] = (notice.map { [.notice($0)] } ?? []) + (trouble.map { [.trouble($0)] } ?? []) + [.disconnect]
        actions += handle(.disconnected(reason: reason), jitter: jitter).compactMap { action in
            switch action {
            case .notice: nil
            case .scheduleRetry where immediately: .scheduleRetry(after: .zero)
            default: action
            }
        }
        return actions
    }

    /// Why a copy read only stops when the relay lacks history it holds.
    public var lacksHistoryReason: String {
        "the relay lacks history of \(document) that this copy holds (its data was lost or restored from an old backup); open it for writing (`weft edit`, or `weft apply \(commandArgument ?? document.rawValue) < /dev/null`) to give it back; `weft cat --offline` prints this copy"
    }

    /// Reading only, this copy holds history the relay lacks (and the relay's copy read afresh
    /// lacks it too): a live view waits and asks again (`waitForLostHistory`), anything else
    /// stops, saying how to give the copy back.
    public mutating func lostHistory() -> [Action] {
        keepsWatching ? askAgainLater(because: watchedLacksHistoryReason) : stop(because: lacksHistoryReason)
    }

    /// What a live view says when it shows history the relay lacks: a view cannot give it back,
    /// and its own home may never have written it, so it names who can.
    private var watchedLacksHistoryReason: String {
        "the relay lacks history of \(document) that this copy holds (its data was lost or restored from an old backup); opening it for writing in a home that wrote it (`weft edit \(commandArgument ?? document.rawValue)`) gives it back"
    }

    /// Reading only and live, this copy holds what the relay lacks (history it lost, or the
    /// document): asks again later, as its user would, since a writer may give it back meanwhile.
    /// Said once; the status line counts down to the next check.
    private mutating func askAgainLater(because reason: String) -> [Action] {
        lostHistoryChecks += 1
        phase = .waiting(attempt: lostHistoryChecks)
        let delay = min(Self.lostHistoryRecheck * (1 << min(lostHistoryChecks - 1, 8)), Self.maxLostHistoryRecheck)
        let notice: [Action] = lostHistoryChecks == 1 ? [.notice(reason + "; showing this copy, and asking the relay again now and then")] : []
        return [.disconnect] + notice + [.scheduleRetry(after: delay)]
    }

    /// Stops syncing for `reason` (the copy decided it cannot go on).
    public mutating func stop(because reason: String) -> [Action] {
        phase = .failed(reason)
        return [.disconnect]
    }

    /// Whether this replica's restore batches are not all acknowledged yet.
    public var isRestoring: Bool { restoringThrough > ackedThrough }

    /// Whether this connection gives the copy back: a copy still giving itself back, read only
    /// here (`weft cat` of it), sends nothing, so it reads the relay's document as any reader
    /// does (a relay replays nothing to a restoring hello it cannot take restore batches on).
    private var givesBackHere: Bool { isRestoring && !readOnly }
}

extension ServerMessage {
    /// The message's name in PROTOCOL.md, for error messages.
    var kindName: String {
        switch self {
        case .welcome: "welcome"
        case .snapshot: "snapshot"
        case .broadcast: "broadcast"
        case .caughtUp: "caught-up"
        case .ack: "ack"
        case .presence: "presence"
        case .presenceGone: "presence-gone"
        case .error: "error"
        case .receipt: "receipt"
        }
    }
}
