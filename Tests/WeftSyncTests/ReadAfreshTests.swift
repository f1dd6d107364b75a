import Foundation
import Testing
import WeftCRDT
@testable import WeftSync
import WeftTestSupport
import WeftWire

/// A reading copy the relay asks back (it lost history this copy holds) reads the relay's copy
/// afresh: shown if it holds all this one did. A copy whose replica never wrote keeps it, so the
/// next read here is an ordinary catch-up; a live view whose relay still lacks the history asks
/// again later instead of stopping, and shows the relay's copy once a writer gave it back.
struct ReadAfreshTests {
    static let address = try! DocumentAddress(parsing: "notes", defaultServer: DocumentAddress.builtInServer)
    static let epoch: UInt64 = 7

    /// A relay's log as a test plays it: entries numbered from 1, and what a hello gets back.
    struct Relay {
        var log: [(replica: ReplicaID, clientSeq: UInt64, ops: [Op])] = []
        var text: Replica = Replica(replicaID: ReplicaID(0xFFFF))

        mutating func commit(_ replica: ReplicaID, _ clientSeq: UInt64, _ ops: [Op]) throws {
            log.append((replica, clientSeq, ops))
            try text.apply(ops)
        }

        /// Connects `copy` and answers its hello as a relay does: asked back when the copy is on
        /// this epoch and ahead of the log or names another batch at its place, else replayed what it missed and caught up.
        /// Returns whether the relay asked for the copy.
        @discardableResult
        func connect(_ copy: DocumentCopy) throws -> Bool {
            if copy.machine.phase == .live { copy.handle(.disconnected(reason: "the relay restarted")) }
            if case .waiting = copy.machine.phase { copy.handle(.retryDue) } else { copy.start() }
            copy.handle(.connected)
            var hello: Hello?
            for case .send(.hello(let sent)) in copy.takeEffects() { hello = sent }
            let greeting = try #require(hello)
            let serverSeq = UInt64(log.count)
            let named = greeting.lastEntry.flatMap { entry in
                greeting.lastServerSeq <= serverSeq ? log[Int(greeting.lastServerSeq) - 1] : nil
            }
            let another = named.map { $0.replica != greeting.lastEntry?.replica || $0.clientSeq != greeting.lastEntry?.clientSeq } ?? false
            if greeting.epoch == ReadAfreshTests.epoch, greeting.lastServerSeq > serverSeq || another {
                copy.handle(.received(.welcome(Welcome(epoch: ReadAfreshTests.epoch, serverSeq: serverSeq, lastClientSeq: 0, readOnly: true, restore: true))))
                return true
            }
            copy.handle(.received(.welcome(Welcome(epoch: ReadAfreshTests.epoch, serverSeq: serverSeq, lastClientSeq: 0, readOnly: true))))
            let from = greeting.epoch == ReadAfreshTests.epoch ? Int(greeting.lastServerSeq) : 0
            for (index, entry) in log.enumerated().dropFirst(from) {
                copy.handle(.received(.broadcast(serverSeq: UInt64(index + 1), replica: entry.replica, clientSeq: entry.clientSeq, ops: entry.ops)))
            }
            copy.handle(.received(.caughtUp(serverSeq: serverSeq)))
            return false
        }
    }

    static func reader(in directory: URL, watching: Bool) throws -> DocumentCopy {
        var options = SessionOptions(readOnly: true)
        options.keepsWatching = watching
        return try DocumentCopy(address: address, files: DocumentFiles(directory: directory, locking: false), options: options,
                                newReplicaID: { ReplicaID(0x5EAD) }, now: { Date(timeIntervalSince1970: 1_800_000_000) })
    }

    /// A relay holding a writer's history (`write`), and a reader in `directory` caught up with
    /// it and its cache saved.
    static func syncedReader(in directory: URL, watching: Bool, batches: Int, size: Int, seed: UInt64) throws
        -> (relay: Relay, writer: Replica, reader: DocumentCopy) {
        var relay = Relay()
        let writer = try write(batches, size: size, to: &relay, seed: seed)
        let reader = try reader(in: directory, watching: watching)
        try relay.connect(reader)
        reader.saveCache()
        _ = reader.takeEffects()
        return (relay, writer, reader)
    }

    /// A writer's history of `batches` batches of text of about `size` scalars in all, committed
    /// to `relay`; returns the writer's replica.
    static func write(_ batches: Int, size: Int, to relay: inout Relay, as id: ReplicaID = ReplicaID(0xA11CE), seed: UInt64) throws -> Replica {
        var random = SeededGenerator(seed: seed)
        var writer = Replica(replicaID: id)
        for clientSeq in 1...UInt64(batches) {
            let length = max(1, size / batches)
            let text = String((0..<length).map { _ in Array("ab é\n日🙂")[Int.random(in: 0..<7, using: &random)] })
            let op = try #require(try writer.insert(text, at: Int.random(in: 0...writer.count, using: &random)))
            try relay.commit(writer.replicaID, clientSeq, [op])
        }
        return writer
    }

    /// The relay went back to a backup holding the first `kept` batches of the writer's history,
    /// then another writer gave it the whole copy back: a reader that never wrote reads it afresh
    /// once, and keeps it, so reading again later is a catch-up from the relay's place.
    @Test(arguments: [(2, 2), (40, 5_000), (12, 200_000)])
    func aReaderThatNeverWroteKeepsTheRelaysCopyOnceItHoldsAllOfItsOwn(batches: Int, size: Int) throws {
        let directory = TemporaryDirectory.make("read-afresh")
        defer { try? FileManager.default.removeItem(at: directory) }
        var relay = Relay()
        let writer = try Self.write(batches, size: size, to: &relay, seed: UInt64(size))
        let reader = try Self.reader(in: directory, watching: false)
        try relay.connect(reader)
        #expect(reader.replica.text == writer.text)
        reader.saveCache()

        // Back to a backup of the first batch, then given back whole by another writer.
        relay.log.removeLast(batches - 1)
        relay.text = Replica(replicaID: ReplicaID(0xFFFF))
        for entry in relay.log { try relay.text.apply(entry.ops) }
        try relay.commit(ReplicaID(0xB0B), 1, writer.restorationOps())
        try relay.commit(ReplicaID(0xB0B), 2, [#require(try relay.text.insert("!", at: 0))])
        let expected = relay.text.text

        #expect(try relay.connect(reader), "the relay asks for the copy")
        #expect(try !relay.connect(reader), "read afresh from the start")
        #expect(reader.replica.text == expected)
        #expect(reader.notices.contains { $0.contains("holds everything this older copy held") })
        reader.saveCache()

        let reopened = try Self.reader(in: directory, watching: false)
        #expect(reopened.replica.text == expected)
        #expect(reopened.machine.lastServerSeq == UInt64(relay.log.count), "the cache holds the relay's place, not the copy's before")
        #expect(try !relay.connect(reopened), "not asked back again")
        #expect(reopened.machine.phase == .live)
        #expect(reopened.replica.text == expected)
    }

    /// A live view whose relay lacks what its copy holds shows its copy and asks again later,
    /// each time later, and shows the relay's copy once a writer gave it back; a one-off read
    /// stops instead, saying how to give it back.
    @Test(arguments: [false, true]) func aLiveViewAsksAgainUntilTheRelayHoldsItsCopy(watching: Bool) throws {
        let directory = TemporaryDirectory.make("read-afresh")
        defer { try? FileManager.default.removeItem(at: directory) }
        var (relay, writer, reader) = try Self.syncedReader(in: directory, watching: watching, batches: 20, size: 3_000, seed: 3)
        // What a view is told: it must keep showing its copy while the relay's is read beside it.
        final class Replacements { var count = 0 }
        let replacements = Replacements()
        reader.onEvent = { if case .replaced = $0 { replacements.count += 1 } }

        relay.log.removeLast(15)
        relay.text = Replica(replicaID: ReplicaID(0xFFFF))
        for entry in relay.log { try relay.text.apply(entry.ops) }

        var delays: [Duration] = []
        for _ in 0..<4 {
            #expect(try relay.connect(reader))
            #expect(try !relay.connect(reader))
            #expect(reader.replica.text == writer.text, "the copy that holds more stays shown")
            let retries = reader.takeEffects().compactMap { effect -> Duration? in
                if case .scheduleRetry(let delay) = effect { return delay } else { return nil }
            }
            guard watching else {
                #expect(reader.machine.phase == .failed(reader.machine.lacksHistoryReason))
                #expect(retries.isEmpty)
                return
            }
            guard case .waiting = reader.machine.phase else {
                Issue.record("a live view waits to ask again, but is \(reader.machine.phase)")
                return
            }
            delays += retries
        }
        #expect(delays == [.seconds(30), .seconds(60), .seconds(120), .seconds(120)], "at most two minutes apart")
        #expect(replacements.count == 0, "the view never showed the relay's poorer copy")
        let said = reader.notices.filter { $0.contains("asking the relay again") }
        #expect(said.count == 1, "said once")
        #expect(said.allSatisfy { $0.contains("in a home that wrote it (`weft edit") && !$0.contains("--offline") },
                "a view names who can give the history back, not commands that would not: \(said)")

        try relay.commit(ReplicaID(0xB0B), 1, writer.restorationOps())
        #expect(try relay.connect(reader))
        #expect(try !relay.connect(reader))
        #expect(reader.machine.phase == .live)
        #expect(reader.replica.text == relay.text.text)
        #expect(replacements.count == 1, "the view is given the relay's copy once it holds all of this one")
    }

    /// The relay lost the whole document (its data wiped) and refuses reading it with
    /// `no-document`: a copy that holds it takes that as history lost, and stops saying how to
    /// give it back (or, live, asks again and shows the relay's copy once a writer gave it back);
    /// a copy that never held it stops, the name being one nobody made (live, it asks again).
    @Test(arguments: [false, true]) func aDocumentTheRelayLostAltogetherIsHistoryLost(watching: Bool) throws {
        let directory = TemporaryDirectory.make("read-afresh")
        defer { try? FileManager.default.removeItem(at: directory) }
        var (relay, writer, reader) = try Self.syncedReader(in: directory, watching: watching, batches: 5, size: 500, seed: 9)

        func refusedAsMissing(_ copy: DocumentCopy) {
            if copy.machine.phase == .live { copy.handle(.disconnected(reason: "the relay restarted")) }
            if case .waiting = copy.machine.phase { copy.handle(.retryDue) } else { copy.start() }
            copy.handle(.connected)
            copy.handle(.received(.error(WireError(.noDocument, "there is no document named notes on this relay"), fatal: true)))
            copy.handle(.disconnected(reason: "closed"))
        }
        refusedAsMissing(reader)
        #expect(reader.replica.text == writer.text)
        #expect(!reader.machine.relayHasNoDocument, "this copy holds the document: not a name nobody made")
        if watching {
            guard case .waiting = reader.machine.phase else {
                Issue.record("a live view waits to ask again, but is \(reader.machine.phase)")
                return
            }
            relay = Relay()
            try relay.commit(ReplicaID(0xB0B), 1, writer.restorationOps())
            #expect(try relay.connect(reader))
            #expect(try !relay.connect(reader))
            #expect(reader.machine.phase == .live)
            #expect(reader.replica.text == writer.text)
        } else {
            #expect(reader.machine.phase == .failed(reader.machine.lacksHistoryReason))
        }

        let elsewhere = TemporaryDirectory.make("read-afresh-newcomer")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let newcomer = try Self.reader(in: elsewhere, watching: watching)
        refusedAsMissing(newcomer)
        if watching {
            guard case .waiting = newcomer.machine.phase else {
                Issue.record("a live view of a name not made yet asks again later, but is \(newcomer.machine.phase)")
                return
            }
        } else {
            #expect(newcomer.machine.relayHasNoDocument)
            #expect(newcomer.machine.phase == .failed("there is no document named notes on this relay"))
        }
    }
}
