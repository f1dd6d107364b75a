import WeftCRDT
import WeftSync
import WeftTestSupport
import WeftWire

/// The relay's side of an `InMemoryTransport`, played step by step by a test: it commits what one
/// client sends into a log (once per client sequence, as the relay does), acknowledges when told,
/// replays what a client missed after a hello, and writes as another replica of its own.
actor ScriptedRelay {
    struct Entry {
        let replica: ReplicaID
        let clientSeq: UInt64
        let ops: [Op]
    }

    /// Committed batches; an entry's server sequence is its index plus one.
    private(set) var log: [Entry] = []
    /// The relay's copy of the document, which every committed batch is applied to.
    private(set) var copy = Replica(replicaID: ScriptedRelay.writer)
    static let writer = ReplicaID(0xBEEF)
    static let epoch: UInt64 = 1
    private var writerClientSeq: UInt64 = 0
    private var connection: InMemoryConnection?
    private var inbox: [ClientMessage] = []
    /// The replica the current connection's hello named, once welcomed.
    private var welcomed: ReplicaID?
    /// The current connection asked for receipts.
    private var wantsReceipts = false
    /// What went against the protocol on the client's side, for the test to report.
    private(set) var violations: [String] = []

    /// Takes `connection` as the client's current one (a new connection replaces the old).
    func attach(_ connection: InMemoryConnection) {
        self.connection = connection
        inbox = []
        welcomed = nil
        connection.accept()
        Task {
            for await message in connection.messages { self.receive(message, on: connection) }
        }
    }

    private func receive(_ message: ClientMessage, on from: InMemoryConnection) {
        guard from === connection else { return }
        inbox.append(message)
    }

    /// Messages received and not handled yet.
    var waiting: Int { inbox.count }
    var isConnected: Bool { connection != nil }

    /// Handles what arrived: a hello is welcomed and caught up; batches are committed (a batch
    /// already committed is not committed again) and acknowledged unless `acknowledging` is false,
    /// in which case the connection is cut after committing them, so the acks are lost.
    func handleWaiting(acknowledging: Bool) {
        guard let connection else { return }
        let messages = inbox
        inbox = []
        for message in messages {
            switch message {
            case .hello(let hello):
                welcomed = hello.replica
                wantsReceipts = hello.wantsReceipts
                let committed = log.filter { $0.replica == hello.replica }.map(\.clientSeq).max() ?? 0
                connection.send(.welcome(Welcome(epoch: Self.epoch, serverSeq: UInt64(log.count), lastClientSeq: committed, readOnly: false)))
                // As the relay does: a welcome naming batches committed (their acks lost with a
                // connection) is followed by a receipt for them.
                if wantsReceipts, committed > 0 { connection.send(.receipt(Receipt(clientSeq: committed, serverSeq: UInt64(log.count), proof: []))) }
                for (index, entry) in log.enumerated() where UInt64(index + 1) > hello.lastServerSeq {
                    connection.send(.broadcast(serverSeq: UInt64(index + 1), replica: entry.replica, clientSeq: entry.clientSeq, ops: entry.ops))
                }
                connection.send(.caughtUp(serverSeq: UInt64(log.count)))
            case .batch(let clientSeq, let ops):
                guard let replica = welcomed else { violations.append("a batch before the hello was answered"); continue }
                let committed = log.filter { $0.replica == replica }.map(\.clientSeq).max() ?? 0
                if clientSeq == committed + 1 {
                    do {
                        _ = try copy.apply(ops)
                    } catch {
                        violations.append("batch \(clientSeq) does not apply to the relay's copy: \(error)")
                        continue
                    }
                    log.append(Entry(replica: replica, clientSeq: clientSeq, ops: ops))
                } else if clientSeq > committed + 1 {
                    violations.append("batch \(clientSeq) after \(committed): a gap")
                    continue
                }
                if acknowledging {
                    let serverSeq = log.firstIndex { $0.replica == replica && $0.clientSeq == clientSeq }.map { UInt64($0 + 1) } ?? 0
                    connection.send(.ack(clientSeq: clientSeq, serverSeq: serverSeq))
                    if wantsReceipts { connection.send(.receipt(Receipt(clientSeq: clientSeq, serverSeq: serverSeq, proof: []))) }
                }
            case .presence, .restore:
                continue
            }
        }
        if !acknowledging { cut() }
    }

    /// Breaks the current connection.
    func cut() {
        connection?.cut()
        connection = nil
    }

    /// Commits an edit of the relay's own replica and sends it to the client.
    func write(_ edit: TextEdit) throws {
        var ops: [Op] = []
        if edit.deleting > 0, let op = try copy.delete(edit.position..<(edit.position + edit.deleting)) { ops.append(op) }
        if let op = try copy.insert(edit.inserting, at: edit.position) { ops.append(op) }
        writerClientSeq += 1
        log.append(Entry(replica: Self.writer, clientSeq: writerClientSeq, ops: ops))
        connection?.send(.broadcast(serverSeq: UInt64(log.count), replica: Self.writer, clientSeq: writerClientSeq, ops: ops))
    }
}
