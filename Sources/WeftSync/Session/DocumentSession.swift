import Foundation
import WeftCRDT
import WeftWire

/// One document on this machine, connected to its relay: the `DocumentCopy` (replica, offline
/// queue, cache and sync machine) and the connection. Local edits apply at once and are queued
/// durably before `apply` returns; the session sends them, applies what others send, and
/// reconnects after any failure (see `SyncMachine`). The copy decides; the session performs its
/// effects over a `SyncTransport` (WebSocket unless told otherwise) and a `SessionClock`.
public actor DocumentSession {
    public nonisolated let address: DocumentAddress
    private let copy: DocumentCopy
    private let options: SessionOptions
    private let environment: SessionEnvironment
    private var jitter: JitterSource
    /// `close()` was called: the lock is let go, so nothing more is written or sent.
    private var closed = false
    /// Callers of `waitUntilSettled` waiting for the next status.
    private var statusWaiters: [CheckedContinuation<Void, Never>] = []
    private var connectionGeneration = 0
    private var outgoing: AsyncStream<ClientMessage>.Continuation?
    private var retryTask: Task<Void, Never>?
    /// Fires `connectDeadlinePassed` for the connection being opened.
    private var connectDeadline: Task<Void, Never>?
    /// When the next retry is due, on `environment.clock`.
    private var retryAt: Duration?
    private var statusContinuation: AsyncStream<SyncStatus>.Continuation
    /// The latest status; also published on `statusUpdates`.
    public nonisolated let statusUpdates: AsyncStream<SyncStatus>
    /// Why the last connection failed, until a relay welcomes one (for timeout messages).
    private var lastConnectionProblem: String?
    /// Why the last connection failed, while no relay has welcomed a new one.
    public var connectionProblem: String? { lastConnectionProblem }
    /// Since when every attempt to connect was refused (nil once one was not).
    private var refusedSince: Duration?

    /// Opens the document's files (taking their lock) and its cached state. Does not connect: call `start()`.
    /// - Parameters:
    ///   - seed: a cache to start from when the files hold none (`DocumentCopy.init`).
    ///   - environment: the transport, clock and jitter the session runs on (`.live` outside tests).
    /// - Throws: `SyncError` (`.locked` when another process has the document open, `.io`).
    public init(address: DocumentAddress, home: ClientHome, options: SessionOptions = SessionOptions(), seed: ReplicaCache? = nil,
                environment: SessionEnvironment = .live) throws(SyncError) {
        self.address = address
        self.options = options
        self.environment = environment
        jitter = environment.jitter
        home.moveNestedFiles(for: address)
        let files = try DocumentFiles(directory: home.directory(for: address))
        try? Data(address.url.utf8).write(to: files.directory.appendingPathComponent(DocumentFiles.addressName))
        copy = try DocumentCopy(address: address, files: files, options: options, seed: seed)
        hasLocalCopy = copy.hasLocalCopy
        (statusUpdates, statusContinuation) = AsyncStream.makeStream(of: SyncStatus.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Reading

    /// The document's text now.
    public var text: String { copy.replica.text }
    /// The document's length in Unicode scalars.
    public var count: Int { copy.replica.count }
    /// Messages for the user since opening (damaged files, refusals, recovery files), oldest first.
    public var notices: [String] { copy.notices }
    /// How commands in messages to the user name this document (`DocumentAddress.commandArgument`).
    public nonisolated var commandArgument: String { address.commandArgument(defaultServer: options.defaultServer) }
    /// Batches queued and not yet acknowledged.
    public var unsentCount: Int { copy.unsentCount }
    /// Recovery files of copies set aside since opening because the relay refused one of their
    /// batches for good (what the user typed that the relay does not have).
    public var setAside: [URL] { copy.setAside }
    /// This installation's replica id for the document.
    public var replicaID: ReplicaID { copy.queue.replica }

    public var status: SyncStatus {
        let machine = copy.machine
        let connection: SyncStatus.Connection
        switch machine.phase {
        case .idle: connection = .idle
        case .connecting, .greeting, .replaying: connection = .connecting
        case .live: connection = .online
        case .waiting(let attempt):
            let now = environment.clock.now
            let remaining = retryAt.map { max(.zero, $0 - now) } ?? .zero
            connection = .offline(retryIn: remaining, attempt: attempt)
        case .failed(let reason): connection = .failed(reason)
        }
        return SyncStatus(connection: connection, unsent: unsentCount, peers: copy.peers.count, writesRefused: machine.writesRefused)
    }

    /// Whether every queued batch is acknowledged and the replica has everything the relay had when it caught up.
    public var isSettled: Bool { copy.machine.isSettled }

    /// Sets the handler for events a mirroring view needs (remote ops, replacements, presence, notices).
    public func observe(_ handler: @escaping @Sendable (SessionEvent) -> Void) { copy.onEvent = handler }

    /// A copy of the replica and its generation, for a view to edit and keep in step through `observe`.
    public func replicaCopy() -> (replica: Replica, generation: Int) { (copy.replica, copy.generation) }

    /// Whether this machine held a copy of the document when the session opened (it was synced or
    /// edited here before).
    public let hasLocalCopy: Bool

    /// Whether local edits may be made now (false only while a lost cache waits for the first sync).
    public var canEdit: Bool { copy.canEdit }

    // MARK: Editing

    /// Applies `edits` in order, each against the text the previous left, as one batch per edit,
    /// and queues them durably (one fsync for all) before returning (`DocumentCopy.apply`).
    /// - Throws: `SyncError` when an edit is out of range (nothing of it or after it is applied)
    ///   or the queue cannot be written.
    public func apply(_ edits: [TextEdit]) throws(SyncError) {
        try requireOpen()
        defer { performEffects() }
        try copy.apply(edits)
    }

    /// Queues batches a mirroring view made on its copy of generation `generation` (from
    /// `replicaCopy()`), durably (one fsync for all) before returning, and applies them here
    /// (`DocumentCopy.applyLocal`).
    /// - Throws: `SyncError` when the queue cannot be written (the batches are applied here but
    ///   not queued: call again with them; applying twice changes nothing).
    public func applyLocal(_ batches: [[Op]], generation: Int) throws(SyncError) {
        try requireOpen()
        defer { performEffects() }
        try copy.applyLocal(batches, generation: generation)
    }

    /// Tells the others where this user is. Sent now when connected, and again after every reconnect.
    public func sendPresence(_ presence: Presence) {
        copy.sendPresence(presence)
        performEffects()
    }

    // MARK: Connection

    /// Starts connecting (and reconnecting after failures) in the background.
    public func start() {
        guard !closed else { return }
        copy.start()
        performEffects()
    }

    /// Waits until caught up with the relay and (with `flushingQueue`) every queued batch is
    /// acknowledged; throws when the session failed or `timeout` passed.
    /// - Parameter spent: how much of `timeout` the command already used before (asking the relay
    ///   whether the document exists): the wait ends when `timeout` in all is up, and the message
    ///   names `timeout`, the figure the user gave.
    /// - Parameter refusalGrace: when every connection has been refused this long (nothing listens
    ///   at the relay's address), give up before `timeout`; nil waits for `timeout`.
    public func waitUntilSettled(timeout: Duration, flushingQueue: Bool = true, spent: Duration = .zero,
                                 refusalGrace: Duration? = nil) async throws(SyncError) {
        let clock = environment.clock
        let left = max(.zero, timeout - spent)
        let began = clock.now
        let deadline = began + left
        let alarm = Task {
            guard (try? await clock.sleep(for: left)) != nil else { return }  // cancelled: settled first
            self.wakeStatusWaiters()
        }
        defer { alarm.cancel() }
        while flushingQueue ? !copy.machine.isSettled : copy.machine.phase != .live {
            let machine = copy.machine
            if case .failed(let reason) = machine.phase { throw SyncError(machine.relayHasNoDocument ? .missing : .refused, reason) }
            if flushingQueue, machine.writesRefused, machine.ackedThrough < machine.queuedThrough {
                throw SyncError(.refused, "read-only: the relay accepts no writes to \(address.name) on this connection (a read-only token?); \(unsentCount) \(unsentCount == 1 ? "batch stays" : "batches stay") queued here (`weft status` lists them) and go out with a read-write token")
            }
            let refusedTooLong = refusalGrace.map { grace in refusedSince.map { clock.now - $0 >= grace } ?? false } ?? false
            guard clock.now < deadline, !refusedTooLong else {
                let seconds = Int(refusedTooLong ? (clock.now - began).components.seconds : timeout.components.seconds)
                let why = lastConnectionProblem.map { " (\($0))" } ?? ""
                let unsent = unsentCount
                guard unsent > 0 else {
                    throw SyncError(.timeout, "could not sync with \(address) within \(seconds) s\(why)\(refusedTooLong ? "; --timeout SECONDS waits longer" : "")")
                }
                throw SyncError(.timeout, "not in sync with \(address) after \(seconds) s\(why): \(unsent) \(unsent == 1 ? "batch" : "batches") still unsent; they stay queued, and the next `weft edit`, `apply` or `put` that reaches the relay sends them (--timeout SECONDS waits longer)")
            }
            await withCheckedContinuation { statusWaiters.append($0) }
        }
    }

    private func requireOpen() throws(SyncError) {
        guard !closed else { throw SyncError(.io, "the session of \(address.name) is closed; open the document again to edit it") }
    }

    private func wakeStatusWaiters() {
        let waiters = statusWaiters
        statusWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Disconnects, saves the cache and lets the document's lock go. Queued batches stay queued for next time.
    public func close() {
        guard !closed else { return }
        closed = true
        copy.handle(.stop)
        performEffects()
        retryTask?.cancel()
        connectDeadline?.cancel()
        copy.saveCache()
        copy.files.unlock()
        statusContinuation.finish()
        wakeStatusWaiters()
    }

    private func connect() {
        connectionGeneration += 1
        let generation = connectionGeneration
        let (messages, continuation) = AsyncStream.makeStream(of: ClientMessage.self)
        outgoing = continuation
        let options = self.options, address = self.address, transport = environment.transport, clock = environment.clock
        connectDeadline?.cancel()
        connectDeadline = Task {
            try? await clock.sleep(for: options.connectTimeout)
            guard !Task.isCancelled else { return }
            self.event(.connectDeadlinePassed, generation: generation)
        }
        Task {
            let reason: String
            do {
                try await transport.run(
                    to: address, options: options, outgoing: messages,
                    connected: { await self.event(.connected, generation: generation) },
                    received: { await self.event(.received($0), generation: generation) })
                reason = "the relay closed the connection"
            } catch {
                reason = ConnectionFailure.describe(error, address: address)
            }
            continuation.finish()
            self.event(.disconnected(reason: reason), generation: generation)
        }
    }

    private func event(_ event: SyncMachine.Event, generation: Int) {
        guard generation == connectionGeneration else { return }
        // A refusal for now closes the connection: that is why it ended, not the close itself.
        if case .disconnected(let reason) = event {
            lastConnectionProblem = copy.machine.refusalEndingConnection ?? reason
            // Nothing listening, as opposed to a slow or broken network: how long it has been so.
            if ConnectionFailure.isNothingListening(reason) { refusedSince = refusedSince ?? environment.clock.now } else { refusedSince = nil }
        }
        if case .connectDeadlinePassed = event, [.connecting, .greeting].contains(copy.machine.phase) {
            // The session drops this connection itself: its own end, reported later, is ignored.
            lastConnectionProblem = "the relay did not welcome the connection within \(Int(options.connectTimeout.components.seconds)) s"
        }
        if case .received(.welcome) = event {
            lastConnectionProblem = nil
            refusedSince = nil
        }
        copy.handle(event, jitter: jitter.next())
        performEffects()
    }

    /// Performs what the copy left for the connection, then publishes the status.
    private func performEffects() {
        for effect in copy.takeEffects() {
            switch effect {
            case .connect:
                retryAt = nil
                connect()
            case .send(let message):
                outgoing?.yield(message)
            case .endConnection:
                outgoing?.finish()
            case .disconnect:
                outgoing?.finish()
                outgoing = nil
                connectionGeneration += 1
            case .scheduleRetry(let delay):
                let clock = environment.clock
                retryAt = clock.now + delay
                retryTask?.cancel()
                retryTask = Task {
                    try? await clock.sleep(for: delay)
                    guard !Task.isCancelled else { return }
                    self.retry()
                }
            case .startedOver:
                break  // the copy told the user
            }
        }
        publish()
    }

    private func retry() {
        copy.handle(.retryDue)
        performEffects()
    }

    /// Tries to connect now instead of when the backoff says (the relay was just started again).
    public func reconnectNow() { retry() }

    /// Tells the user `message`, as the session's own notices are (the event handler and `notices`).
    public func note(_ message: String) { copy.note(message) }

    private func publish() {
        statusContinuation.yield(status)
        wakeStatusWaiters()
    }

    /// Acknowledged batches kept in the queue before the cache is saved to let them go.
    public static let acknowledgedBatchesKept = DocumentCopy.acknowledgedBatchesKept
}
