import Foundation
import Synchronization
import Logging
import WeftCRDT
@testable import WeftServer
import WeftTestSupport
import WeftWire

/// A wrong answer of the relay's message path, in plain words.
struct RelayFuzzFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs fuzz inputs through the relay's message path without a network: each message is decoded
/// and taken exactly as a WebSocket connection takes it (`RelayConnection`'s opening hello and
/// `take`), by rooms on a real SQLite store, which compact often. The store lives for the whole
/// run, so later inputs meet the documents, replica keys and epochs earlier ones left.
///
/// After each input it checks what a relay must guarantee: every message was either refused with
/// a wire error code or taken; no document failed (`unavailable`: a batch the checks took did not
/// apply, or the store disagreed); the log grew by exactly the batches taken, with the ops taken;
/// every ack names a batch of the log; and the document, in the room and loaded afresh from the
/// store, is exactly what a fresh replica makes of the batches in the log, in order
/// (validation is application).
///
/// Used by one task at a time (unchecked `Sendable`: a watchdog hands it to the task it waits for).
final class RelayMessageHarness: @unchecked Sendable {
    let directory: URL
    private let store: SQLiteStore
    private let metrics = RelayMetrics()
    private let signer = TokenSigner(secret: Array(repeating: 7, count: 32))
    private var logger = Logger(label: "weft.fuzz")
    /// Compacts after 16 batches, keeping 64: an input (at most 48 messages) never loses to a
    /// compaction a log entry it has to check.
    private let compaction = CompactionPolicy(every: 16, keep: 64)
    /// Per document: a fresh replica fed every batch of the log, and the log's head.
    private var expected: [DocumentName: (replica: Replica, head: UInt64)] = [:]
    private var nextConnection: UInt64 = 0
    /// What the current input is waiting for, for a report when it never comes.
    let stage = Mutex("")

    init() throws {
        directory = TemporaryDirectory.path("fuzz")
        store = try SQLiteStore(directory: directory)
        logger.logLevel = .critical
    }

    /// Stops the store and removes its files.
    func close() async {
        await store.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private enum Connection {
        case opening
        case joined(id: UInt64, room: DocumentRoom, document: DocumentName, replica: ReplicaID, readOnly: Bool)
        case closed
    }

    /// One input's connections, rooms and what they took.
    private final class Session {
        var connections = Array(repeating: Connection.opening, count: RelayFuzzInput.connections)
        let outboxes = (0..<RelayFuzzInput.connections).map { _ in Outbox(byteCapacity: 1 << 30) }
        var rooms: [DocumentName: DocumentRoom] = [:]
        /// Who each connection said it was, once joined (kept after it closes, to read its acks).
        var identities: [Int: (document: DocumentName, replica: ReplicaID)] = [:]
        /// The ops of each batch taken (not refused), to check against the log.
        var taken: [DocumentName: [DocumentLog.BatchKey: [UInt8]]] = [:]
    }

    /// Runs `input` and checks every guarantee above.
    /// - Throws: `RelayFuzzFailure` naming the first one broken.
    func run(_ input: RelayFuzzInput) async throws {
        let session = Session()
        for message in input.messages {
            switch session.connections[message.connection] {
            case .closed:
                continue
            case .opening:
                stage.withLock { $0 = "opening connection \(message.connection)" }
                try await open(message, path: input.paths[message.connection], in: session)
            case .joined(let id, let room, let document, let replica, let readOnly):
                do {
                    let decoded = try ClientMessage(decoding: message.bytes)
                    stage.withLock { $0 = "taking a message on connection \(message.connection)" }
                    try await RelayConnection.take(decoded, from: id, room: room, readOnly: readOnly, outbox: session.outboxes[message.connection],
                                                   metrics: metrics, arrived: .now)
                    if !readOnly, let clientSeq = decoded.batchNumber {
                        let key = DocumentLog.BatchKey(replica: replica, clientSeq: clientSeq)
                        session.taken[document, default: [:]][key] = session.taken[document]?[key] ?? OpCodec.encode(decoded.batchOps)
                    }
                } catch {
                    try refused(error, "a message")
                    session.connections[message.connection] = .closed
                    await room.leave(id: id)
                }
            }
        }
        try await finish(session)
    }

    /// The first message of a connection: the hello, its token, the replica's key, the join.
    private func open(_ message: RelayFuzzInput.Message, path: String, in session: Session) async throws {
        let hello: Hello
        let access: AccessCheck.Grant
        do {
            hello = try RelayConnection.openingHello(path: path) { () throws(WireError) in try ClientMessage(decoding: message.bytes) }
            access = try RelayConnection.grant(for: hello, check: AccessCheck(signer: signer, requireAuth: false, revocations: RevocationList()),
                                               now: UInt64(Date().timeIntervalSince1970))
        } catch {
            try refused(error, "an opening message")
            session.connections[message.connection] = .closed
            return
        }
        stage.withLock { $0 = "loading \(hello.document)" }
        let room = try await self.room(for: hello.document, in: session)
        stage.withLock { $0 = "admitting \(hello.replica)" }
        if let refusal = await room.admit(hello.replica, key: hello.replicaKey, epoch: hello.epoch, readOnly: hello.readOnly || access.readOnly) {
            try refused(refusal, "a hello")
            session.connections[message.connection] = .closed
            return
        }
        nextConnection += 1
        stage.withLock { $0 = "joining \(hello.replica)" }
        _ = await room.join(id: nextConnection, hello: hello, readOnly: hello.readOnly || access.readOnly, outbox: session.outboxes[message.connection])
        session.connections[message.connection] = .joined(id: nextConnection, room: room, document: hello.document, replica: hello.replica,
                                                          readOnly: hello.readOnly || access.readOnly)
        session.identities[message.connection] = (hello.document, hello.replica)
    }

    /// The document's room for this input, loaded from the store (and checked) the first time.
    private func room(for document: DocumentName, in session: Session) async throws -> DocumentRoom {
        if let room = session.rooms[document] { return room }
        let log = try await loadChecked(document)
        let room = DocumentRoom(name: document, store: store, log: log, logger: logger, metrics: metrics,
                                compaction: compaction, executor: RoomExecutor(label: "weft.fuzz.\(document)"))
        session.rooms[document] = room
        return room
    }

    /// Lets the rooms finish, reads what every connection was sent, and checks each document.
    private func finish(_ session: Session) async throws {
        stage.withLock { $0 = "waiting for the rooms to be idle" }
        for (_, room) in session.rooms { await room.waitUntilIdle() }
        stage.withLock { $0 = "leaving" }
        for (index, connection) in session.connections.enumerated() {
            session.outboxes[index].finish()
            if case .joined(let id, let room, _, _, _) = connection { await room.leave(id: id) }
        }
        var acks: [(document: DocumentName, replica: ReplicaID, clientSeq: UInt64, serverSeq: UInt64)] = []
        for (index, outbox) in session.outboxes.enumerated() {
            stage.withLock { $0 = "reading outbox \(index)" }
            for await frame in outbox.frames {
                let message: ServerMessage
                do {
                    message = try ServerMessage(decoding: Array(frame.bytes.readableBytesView))
                } catch {
                    throw RelayFuzzFailure("the relay sent a message that does not decode: \(error)")
                }
                switch message {
                case .error(let error, _):
                    try refused(error, "a message (told later)")
                case .ack(let clientSeq, let serverSeq):
                    guard let identity = session.identities[index] else { throw RelayFuzzFailure("a connection that never joined got an ack") }
                    acks.append((identity.document, identity.replica, clientSeq, serverSeq))
                default:
                    break
                }
            }
        }
        for (document, room) in session.rooms {
            stage.withLock { $0 = "checking \(document)" }
            try await checkLog(of: document, room: room, taken: session.taken[document] ?? [:],
                               acks: acks.filter { $0.document == document }.map { ($0.replica, $0.clientSeq, $0.serverSeq) })
        }
    }

    /// A refusal must carry a code of the protocol, and never `unavailable` but for a restore
    /// batch under another writer's ids (PROTOCOL.md: taken once that writer's copy gave them
    /// back): this store does not fail, so that code would otherwise mean a document broke.
    private func refused(_ error: any Error, _ what: String) throws {
        guard let error = error as? WireError else { throw error }
        guard WireErrorCode.refusals.contains(error.code), !error.message.isEmpty else {
            throw RelayFuzzFailure("\(what) was refused without a protocol code and sentence: \(error)")
        }
        guard error.code != .unavailable || error.message.contains("that replica still writes in this epoch") else {
            throw RelayFuzzFailure("\(what) broke its document: \(error.message)")
        }
    }

    private func checkLog(of document: DocumentName, room: DocumentRoom,
                          taken: [DocumentLog.BatchKey: [UInt8]], acks: [(ReplicaID, UInt64, UInt64)]) async throws {
        guard !room.isBroken else { throw RelayFuzzFailure("document \(document) broke") }
        var (replica, head) = expected[document] ?? (Replica(replicaID: DocumentLog.relayReplica), 0)
        let log = await room.currentLog
        let entries = try await store.entries(of: document, after: head, limit: 10_000)
        guard entries.map(\.serverSeq) == Array(stride(from: head + 1, through: log.deliveredHead, by: 1)) else {
            throw RelayFuzzFailure("the log of \(document) after \(head) holds \(entries.map(\.serverSeq)), the room delivered up to \(log.deliveredHead)")
        }
        var logged: Set<DocumentLog.BatchKey> = []
        for entry in entries {
            let key = DocumentLog.BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)
            guard let ops = taken[key], ops == entry.ops else {
                throw RelayFuzzFailure("entry \(entry.serverSeq) of \(document) holds batch \(entry.clientSeq) of \(entry.replica), which is not a batch taken as it was sent")
            }
            do {
                try replica.apply(OpCodec.decode(entry.ops))
            } catch {
                throw RelayFuzzFailure("entry \(entry.serverSeq) of \(document) does not apply to a fresh replica: \(error)")
            }
            logged.insert(key)
        }
        for key in taken.keys where !logged.contains(key) && key.clientSeq > (log.welcome(replica: key.replica, readOnly: false).lastClientSeq) {
            throw RelayFuzzFailure("batch \(key.clientSeq) of \(key.replica) on \(document) was taken but is not durable")
        }
        for (sender, clientSeq, serverSeq) in acks where serverSeq > head {
            let key = DocumentLog.BatchKey(replica: sender, clientSeq: clientSeq)
            // A resend of a batch compacted away is acknowledged with the snapshot's serverSeq
            // (PROTOCOL.md), which may be one this input made.
            if !logged.contains(key), serverSeq <= log.snapshotSeq { continue }
            guard let entry = entries.first(where: { $0.serverSeq == serverSeq }), entry.replica == sender, entry.clientSeq == clientSeq else {
                throw RelayFuzzFailure("ack of batch \(clientSeq) of \(sender) on \(document) names serverSeq \(serverSeq), which holds another batch")
            }
        }
        expected[document] = (replica, log.deliveredHead)
        try check(log, against: document, "in the room")
        _ = try await loadChecked(document)
    }

    /// `document` loaded afresh from the store, checked against the log's batches.
    private func loadChecked(_ document: DocumentName) async throws -> DocumentLog {
        let log: DocumentLog
        do {
            log = try DocumentLog(document: document, stored: try await store.open(document))
        } catch {
            throw RelayFuzzFailure("document \(document) does not load from the store: \(error)")
        }
        try check(log, against: document, "loaded from the store")
        return log
    }

    /// The document `log` holds is the one a fresh replica makes of the log's batches.
    private func check(_ log: DocumentLog, against document: DocumentName, _ where: String) throws {
        guard let (replica, head) = expected[document] else { return }
        guard log.deliveredHead == head else {
            throw RelayFuzzFailure("document \(document) \(`where`) is at serverSeq \(log.deliveredHead), its log at \(head)")
        }
        guard log.replica.text == replica.text, log.replica.encodeSnapshot() == replica.encodeSnapshot() else {
            throw RelayFuzzFailure("document \(document) \(`where`) reads \(log.replica.text.debugDescription.prefix(200)), a fresh replica fed its log \(replica.text.debugDescription.prefix(200))")
        }
        log.replica.checkInvariants()
    }
}

extension ClientMessage {
    /// The batch number of a batch or restore batch.
    fileprivate var batchNumber: UInt64? {
        switch self {
        case .batch(let clientSeq, _), .restore(let clientSeq, _): clientSeq
        case .hello, .presence: nil
        }
    }

    /// The ops of a batch or restore batch; none for other messages.
    fileprivate var batchOps: [Op] {
        switch self {
        case .batch(_, let ops), .restore(_, let ops): ops
        case .hello, .presence: []
        }
    }
}
