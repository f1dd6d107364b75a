import Foundation
import Testing
import WeftCRDT
@testable import WeftSync
import WeftTestSupport
import WeftWire

/// What a copy took from the relay since its cache was saved is kept (`ReceivedLog`), so a copy
/// reopened after a crash holds exactly what it held, own edits typed on others' text included,
/// whatever the relay still has.
struct ReceivedLogTests {
    static let address = try! DocumentAddress(parsing: "notes", defaultServer: DocumentAddress.builtInServer)
    static let epoch: UInt64 = 42

    /// One writer's copy against a scripted relay and a second writer, under seeded steps: edits
    /// on both sides of every size, commits now or later, cache saves, cut connections and
    /// crashes. After every crash the reopened copy holds the text it held, at the same place in
    /// the relay's log, and can be edited at once; once all is committed and the copy has caught
    /// up, it holds the relay's text.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64]) func aCopyReopenedAfterACrashHoldsWhatItHeld(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let directory = TemporaryDirectory.make("received-log")
        defer { try? FileManager.default.removeItem(at: directory) }
        var replicas: UInt64 = 100
        func open() throws -> DocumentCopy {
            try DocumentCopy(address: Self.address, files: DocumentFiles(directory: directory, locking: false), options: SessionOptions(),
                             newReplicaID: { replicas += 2; return ReplicaID(replicas + 1) }, now: { Date(timeIntervalSince1970: 1_800_000_000) })
        }
        var copy = try open()
        var other = Replica(replicaID: ReplicaID(2))
        var otherClientSeq: UInt64 = 0
        // The relay's log, and what it has durably of the copy's replica.
        var log: [(replica: ReplicaID, clientSeq: UInt64, ops: [Op])] = []
        var durable: [ReplicaID: UInt64] = [:]
        // Batches the relay received from the copy and has not committed yet.
        var inbound: [(clientSeq: UInt64, ops: [Op])] = []
        var connected = false
        var crashes = 0

        func text(_ length: Int) -> String {
            let alphabet = Array("abcdef \nxyz,é日🙂")
            return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
        }
        func commit(_ replica: ReplicaID, _ clientSeq: UInt64, _ ops: [Op]) throws {
            log.append((replica, clientSeq, ops))
            if replica != other.replicaID { try other.apply(ops) }
        }
        /// Takes what the copy sent: batches in order, each once.
        func takeEffects() {
            for effect in copy.takeEffects() {
                guard connected, case .send(.batch(let clientSeq, let ops)) = effect else { continue }
                let last = max(durable[copy.queue.replica] ?? 0, inbound.last?.clientSeq ?? 0)
                if clientSeq == last + 1 { inbound.append((clientSeq, ops)) }
            }
        }
        func connect() throws {
            if case .waiting = copy.machine.phase { copy.handle(.retryDue) } else { copy.start() }
            copy.handle(.connected)
            var hello: Hello?
            for case .send(.hello(let sent)) in copy.takeEffects() { hello = sent }
            let greeting = try #require(hello, "seed \(seed): no hello")
            connected = true
            inbound = []
            let replica = copy.queue.replica
            copy.handle(.received(.welcome(Welcome(epoch: Self.epoch, serverSeq: UInt64(log.count), lastClientSeq: durable[replica] ?? 0, readOnly: false))))
            let from = greeting.epoch == Self.epoch ? Int(greeting.lastServerSeq) : 0
            for (index, entry) in log.enumerated().dropFirst(from) {
                copy.handle(.received(.broadcast(serverSeq: UInt64(index + 1), replica: entry.replica, clientSeq: entry.clientSeq, ops: entry.ops)))
            }
            copy.handle(.received(.caughtUp(serverSeq: UInt64(log.count))))
            takeEffects()
        }

        try connect()
        for step in 0..<300 {
            let roll = Int.random(in: 0..<100, using: &random)
            switch roll {
            case 0..<30:
                // The other writer types, deletes or pastes; the relay commits it and sends it on.
                let count = other.count
                var ops: [Op] = []
                if count > 0, Int.random(in: 0..<3, using: &random) == 0 {
                    let start = Int.random(in: 0..<count, using: &random)
                    if let op = try other.delete(start..<min(count, start + Int.random(in: 1...40, using: &random))) { ops.append(op) }
                } else {
                    let length = Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 500...20_000, using: &random) : Int.random(in: 1...12, using: &random)
                    if let op = try other.insert(text(length), at: Int.random(in: 0...count, using: &random)) { ops.append(op) }
                }
                guard !ops.isEmpty else { continue }
                otherClientSeq += 1
                try commit(other.replicaID, otherClientSeq, ops)
                if connected {
                    copy.handle(.received(.broadcast(serverSeq: UInt64(log.count), replica: other.replicaID, clientSeq: otherClientSeq, ops: ops)))
                    takeEffects()
                }
            case 30..<60:
                // This copy's user types, often next to what the other just wrote.
                guard copy.canEdit else { continue }
                let count = copy.replica.count
                let deleting = count > 0 && Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...min(count, 30), using: &random) : 0
                let position = Int.random(in: 0...(count - deleting), using: &random)
                try copy.apply([TextEdit(position: position, deleting: deleting, inserting: deleting > 0 ? "" : text(Int.random(in: 1...8, using: &random)))])
                takeEffects()
            case 60..<75:
                // The relay commits what it received, and acknowledges it.
                guard connected else { continue }
                let replica = copy.queue.replica
                for batch in inbound {
                    try commit(replica, batch.clientSeq, batch.ops)
                    durable[replica] = batch.clientSeq
                    copy.handle(.received(.ack(clientSeq: batch.clientSeq, serverSeq: UInt64(log.count))))
                }
                inbound = []
                takeEffects()
            case 75..<83:
                copy.saveCache()
            case 83..<90:
                // The connection is cut: what the relay had not committed is lost with it.
                copy.handle(.disconnected(reason: "cut"))
                connected = false
                inbound = []
                _ = copy.takeEffects()
                try connect()
            default:
                // The process dies; its files stay.
                let text = copy.replica.text
                let position = (copy.machine.lastServerSeq, copy.machine.lastEntry)
                copy = try open()
                crashes += 1
                connected = false
                let same = copy.replica.text == text
                #expect(same, "seed \(seed), step \(step): the reopened copy holds \(copy.replica.text.count) characters, not the \(text.count) it held")
                let samePlace = copy.machine.lastServerSeq == position.0 && copy.machine.lastEntry == position.1
                #expect(samePlace,
                        "seed \(seed), step \(step): reopened at serverSeq \(copy.machine.lastServerSeq), not \(position.0)")
                #expect(copy.canEdit, "seed \(seed), step \(step): the reopened copy waits for the relay before it can be edited")
                #expect(copy.unsentCount == Int(copy.queue.lastClientSeq - (durable[copy.queue.replica] ?? 0)),
                        "seed \(seed), step \(step): reopened, the copy counts \(copy.unsentCount) batches unsent")
                try connect()
            }
            // What `weft status` counts from the files alone (another process has them open): the
            // batches the relay has not committed, though acknowledgements reach the queue file
            // only when the cache is saved.
            let files = try OfflineQueue(url: directory.appendingPathComponent(DocumentFiles.queueName), newReplica: ReplicaID(0), readOnly: true)
            let acknowledged = ReceivedLog.acknowledged(of: files.replica, at: directory.appendingPathComponent(DocumentFiles.receivedName))
            let unsent = files.pending.filter { $0.clientSeq > acknowledged }.count
            let notCommitted = Int(files.lastClientSeq - (durable[files.replica] ?? 0))
            if unsent != notCommitted {
                Issue.record("seed \(seed), step \(step): the files say \(unsent) batches are unsent; the relay lacks \(notCommitted)")
                return
            }
            if connected, inbound.isEmpty, copy.unsentCount == 0, copy.machine.phase == .live, copy.replica.text != other.text {
                Issue.record("seed \(seed), step \(step): the copy, caught up with nothing unsent, differs from the relay's text")
                return
            }
        }
        #expect(crashes > 10, "seed \(seed) crashed only \(crashes) times")
    }

    /// The log keeps its valid prefix: a torn last entry, a damaged one and everything after it,
    /// and a header that is not a log's are cut off or ignored, never read as entries.
    @Test func aDamagedLogKeepsWhatComesBeforeTheDamage() throws {
        let directory = TemporaryDirectory.make("received-log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("received.weftr")
        let origin = ReceivedLog.Origin(replica: ReplicaID(5), epoch: 9, after: 10)
        let (log, none) = ReceivedLog.open(at: url)
        #expect(none.isEmpty && log.origin == nil)
        try log.restart(from: origin)
        for serverSeq: UInt64 in 11...13 {
            try log.append(serverSeq: serverSeq, position: LogPosition(replica: ReplicaID(7), clientSeq: serverSeq), ops: Array(repeating: UInt8(serverSeq), count: 100))
        }
        #expect(throws: SyncError.self) { try log.append(serverSeq: 15, position: LogPosition(replica: ReplicaID(7), clientSeq: 1), ops: []) }
        try log.syncIfWritten()
        let whole = try [UInt8](Data(contentsOf: url))

        let (reread, entries) = ReceivedLog.open(at: url)
        #expect(reread.origin == origin && entries.map(\.serverSeq) == [11, 12, 13] && entries[2].ops == Array(repeating: 13, count: 100))
        #expect(reread.lastServerSeq == 13)

        try Data(whole.dropLast(30)).write(to: url)
        let (torn, tornEntries) = ReceivedLog.open(at: url)
        #expect(tornEntries.map(\.serverSeq) == [11, 12] && torn.lastServerSeq == 12)
        // Cut to the valid prefix: the next entry follows it.
        try torn.append(serverSeq: 13, position: LogPosition(replica: ReplicaID(7), clientSeq: 13), ops: [1])
        #expect(ReceivedLog.open(at: url).entries.map(\.serverSeq) == [11, 12, 13])

        var damaged = whole
        damaged[damaged.count - 50] ^= 0xFF
        try Data(damaged).write(to: url)
        #expect(ReceivedLog.open(at: url).entries.map(\.serverSeq) == [11, 12])

        var foreign = whole
        foreign[0] = UInt8(ascii: "X")
        try Data(foreign).write(to: url)
        let (unread, nothing) = ReceivedLog.open(at: url)
        #expect(unread.origin == nil && nothing.isEmpty)
    }
}
