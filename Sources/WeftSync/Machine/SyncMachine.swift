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
        /// Local batches up to `clientSeq` are in the offline queue.
        case queued(through: UInt64)
        case stop
    }

    public enum Action: Sendable, Equatable {
        /// Open a connection, and arm its deadline: unless the relay has welcomed it by then,
        /// feed `connectDeadlinePassed` (a relay or proxy that takes the connection and never
        /// answers, or half-closes it mid-upgrade, would otherwise leave it connecting forever).
        case connect
        case send(ClientMessage)
        /// Send every queued batch with clientSeq above this, in order.
        case sendQueued(after: UInt64)
        /// Apply a remote batch.
        case apply(serverSeq: UInt64, ops: [Op])
        /// Replace the document with this snapshot, then apply the unacknowledged queued batches again.
        case replaceWithSnapshot(serverSeq: UInt64, bytes: [UInt8])
        /// The relay acknowledged every batch through this clientSeq: drop them from the queue.
        case retire(through: UInt64)
        /// The relay has another epoch for the document than the cache: set unsent work aside and start
        /// over (comes after the `disconnect` of the old connection, so the new one is left alone).
        case epochChanged(from: UInt64, to: UInt64)
        case presence(ReplicaID, Presence?)
        /// Close the connection (it misbehaved, or a fatal error came).
        case disconnect
        /// Try again after this delay.
        case scheduleRetry(after: Duration)
        /// Caught up with the relay: a good moment to save the cache.
        case caughtUp
        /// Tell the user (read-only refusals, errors).
        case notice(String)
    }

    public private(set) var phase: Phase = .idle
    public let document: DocumentName
    public let replica: ReplicaID
    public let readOnly: Bool
    public let token: String
    /// The epoch the cache belongs to (0: none yet).
    public private(set) var epoch: UInt64
    /// Every batch through this serverSeq is applied here.
    public private(set) var lastServerSeq: UInt64
    /// Every local batch through this clientSeq is acknowledged.
    public private(set) var ackedThrough: UInt64
    /// The highest clientSeq in the offline queue.
    public private(set) var queuedThrough: UInt64
    /// The highest clientSeq sent on the current connection.
    private var sentThrough: UInt64 = 0
    /// Retries since the connection was last live.
    private var retryAttempt = 0
    /// The relay refused a write as read-only: queued batches wait instead of being resent forever.
    public private(set) var writesRefused = false

    /// Backoff: the first retry after about `baseDelay`, doubling up to `maxDelay`.
    public static let baseDelay: Duration = .milliseconds(250)
    public static let maxDelay: Duration = .seconds(30)

    public init(document: DocumentName, replica: ReplicaID, token: String, readOnly: Bool,
                epoch: UInt64, lastServerSeq: UInt64, ackedThrough: UInt64, queuedThrough: UInt64) {
        self.document = document
        self.replica = replica
        self.token = token
        self.readOnly = readOnly
        self.epoch = epoch
        self.lastServerSeq = lastServerSeq
        self.ackedThrough = ackedThrough
        self.queuedThrough = queuedThrough
    }

    /// Whether every queued batch is acknowledged and the replay is done.
    public var isSettled: Bool { phase == .live && ackedThrough >= queuedThrough }

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
            return dropConnection(notice: "the relay did not welcome the connection in time; reconnecting",
                                  reason: "connect timeout", jitter: jitter)
        case .stop:
            phase = .idle
            return [.disconnect]
        case .connected:
            guard phase == .connecting else { return [.disconnect] }
            phase = .greeting
            sentThrough = 0
            return [.send(.hello(Hello(document: document, epoch: epoch, replica: replica, lastServerSeq: lastServerSeq,
                                       readOnly: readOnly, token: token)))]
        case .disconnected(let reason):
            switch phase {
            case .idle, .failed, .waiting: return []
            case .connecting, .greeting, .replaying, .live:
                retryAttempt += 1  // reset to 0 on reaching live
                phase = .waiting(attempt: retryAttempt)
                return [.notice("disconnected: \(reason)"), .scheduleRetry(after: Self.retryDelay(attempt: retryAttempt, jitter: jitter))]
            }
        case .queued(let through):
            queuedThrough = max(queuedThrough, through)
            guard phase == .live, !writesRefused, through > sentThrough else { return [] }
            let after = max(sentThrough, ackedThrough)
            sentThrough = through
            return [.sendQueued(after: after)]
        case .received(let message):
            return receive(message, jitter: jitter)
        }
    }

    private mutating func receive(_ message: ServerMessage, jitter: Double) -> [Action] {
        switch (phase, message) {
        case (.greeting, .welcome(let welcome)):
            if epoch != 0, welcome.epoch != epoch {
                let old = epoch
                phase = .failed("the relay's copy of \(document) was reset (epoch changed)")
                return [.disconnect, .epochChanged(from: old, to: welcome.epoch)]
            }
            epoch = welcome.epoch
            phase = .replaying
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
            return actions
        case (.replaying, .snapshot(let serverSeq, let bytes)):
            guard serverSeq >= lastServerSeq else { return [] }
            lastServerSeq = serverSeq
            return [.replaceWithSnapshot(serverSeq: serverSeq, bytes: bytes)]
        case (.replaying, .broadcast(let serverSeq, _, _, let ops)), (.live, .broadcast(let serverSeq, _, _, let ops)):
            if serverSeq <= lastServerSeq { return [] }
            guard serverSeq == lastServerSeq + 1 else {
                return violation("broadcast \(serverSeq) after \(lastServerSeq)", jitter: jitter)
            }
            lastServerSeq = serverSeq
            return [.apply(serverSeq: serverSeq, ops: ops)]
        case (.replaying, .caughtUp(let serverSeq)):
            guard serverSeq <= lastServerSeq else { return violation("caught-up at \(serverSeq) with only \(lastServerSeq) received", jitter: jitter) }
            phase = .live
            retryAttempt = 0
            var actions: [Action] = [.caughtUp]
            if queuedThrough > ackedThrough, !writesRefused {
                sentThrough = queuedThrough
                actions.append(.sendQueued(after: ackedThrough))
            }
            return actions
        case (.live, .ack(let clientSeq, let serverSeq)):
            var actions: [Action] = []
            if serverSeq == lastServerSeq + 1 {
                lastServerSeq = serverSeq
            } else if serverSeq > lastServerSeq + 1 {
                return violation("ack as serverSeq \(serverSeq) after \(lastServerSeq)", jitter: jitter)
            }
            if clientSeq > ackedThrough, clientSeq <= queuedThrough {
                ackedThrough = clientSeq
                actions.append(.retire(through: clientSeq))
            }
            return actions
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

    private mutating func refused(_ error: WireError, fatal: Bool, jitter: Double) -> [Action] {
        if error.code == .readOnly {
            writesRefused = true
            return [.notice("the relay refused a write: \(error.message); your edits stay queued and unsent")]
        }
        if !fatal { return [.notice(error.message)] }
        switch error.code {
        case .unavailable, .rateLimited:
            // Transient: the connection is closing; the disconnect event schedules the retry.
            return [.notice("\(error.code): \(error.message)")]
        default:
            phase = .failed("\(error.code): \(error.message)")
            return [.notice("the relay refused: \(error.code): \(error.message)"), .disconnect]
        }
    }

    /// The relay broke the protocol: drop the connection and come back (what it sends next
    /// time starts again from `lastServerSeq`).
    private mutating func violation(_ what: String, jitter: Double) -> [Action] {
        dropConnection(notice: "protocol error from the relay: \(what); reconnecting", reason: what, jitter: jitter)
    }

    /// Closes the connection from this side and schedules the next attempt, as if it had broken.
    private mutating func dropConnection(notice: String, reason: String, jitter: Double) -> [Action] {
        var actions: [Action] = [.notice(notice), .disconnect]
        actions += handle(.disconnected(reason: reason), jitter: jitter).filter { if case .notice = $0 { false } else { true } }
        return actions
    }
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
        }
    }
}
