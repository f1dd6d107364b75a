import Foundation
import Testing
import WeftTestSupport
import WeftCRDT
import WeftServer
import WeftWire

/// The relay's per-document decisions: sequence numbers, resends, refusals, durability.
@Suite struct DocumentLogTests {
    let notes = try! DocumentName("notes")
    let alice = ReplicaID(0xA)
    let bob = ReplicaID(0xB)

    func empty() throws -> DocumentLog {
        try DocumentLog(document: notes, stored: StoredDocument(epoch: 42, head: 0, snapshot: [], snapshotSeq: 0, tail: [], lastClientSeqs: [:]))
    }

    /// Numbers `batch` as the store would after `head`, and delivers it.
    func commitAndDeliver(_ batch: PendingBatch, as serverSeq: UInt64, into log: inout DocumentLog) throws {
        log.committed([batch])
        let entry = LogEntry(serverSeq: serverSeq, replica: batch.replica, clientSeq: batch.clientSeq, ops: batch.ops)
        #expect(log.deliver(entry, ops: try OpCodec.decode(batch.ops)) == .delivered)
    }

    /// An epoch of an incarnation deleted on purpose is known: its client is welcomed to the new
    /// one without `restore` (it sets its copy aside), where an unknown epoch is asked to give its
    /// copy back.
    @Test func retiredEpochsAreNotAskedForTheirCopies() throws {
        let log = try DocumentLog(document: notes, stored: StoredDocument(epoch: 42, head: 0, snapshot: [], snapshotSeq: 0, tail: [],
                                                                          lastClientSeqs: [:], retiredEpochs: [7]))
        let retired = log.greeting(clientEpoch: 7, lastServerSeq: 3, restoring: false, replica: alice, receipt: nil)
        #expect(!retired.needsNewEpoch && !retired.restore)
        let unknown = log.greeting(clientEpoch: 9, lastServerSeq: 3, restoring: false, replica: alice, receipt: nil)
        #expect(!unknown.needsNewEpoch && unknown.restore)
    }

    /// Only a receipt moves the document to a new epoch: one naming more of its replica's batches
    /// than are durable here, or more of the log than the relay has. A client's word alone (a
    /// last serverSeq past the head) only gets that client asked for its copy.
    @Test func onlyAReceiptShowingALossMovesTheEpoch() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        guard case .accepted(let batch) = log.receive(clientSeq: 1, ops: [try a.insert("x", at: 0)!], from: alice) else { return }
        try commitAndDeliver(batch, as: 1, into: &log)
        let cases: [((UInt64, UInt64)?, UInt64, Bool, Bool)] = [
            (nil, 1, false, false), (nil, 9, false, true),  // no receipt: at most this client is asked
            ((1, 1), 1, false, false), ((1, 1), 9, false, true),  // a receipt for what the relay has
            ((2, 1), 1, true, true), ((1, 5), 1, true, true),  // more batches, or more of the log
        ]
        for (receipt, last, moves, restores) in cases {
            let greeting = log.greeting(clientEpoch: 42, lastServerSeq: last, restoring: false, replica: alice, receipt: receipt)
            #expect(greeting.needsNewEpoch == moves && greeting.restore == restores, "receipt \(String(describing: receipt)), last serverSeq \(last)")
        }
        // Another replica's durable batches prove nothing for this one.
        #expect(log.greeting(clientEpoch: 42, lastServerSeq: 1, restoring: false, replica: bob, receipt: (1, 1)).needsNewEpoch)
        #expect(!log.greeting(clientEpoch: 42, lastServerSeq: 1, restoring: false, replica: bob, receipt: (0, 1)).needsNewEpoch)
    }

    /// A client that names the batch it applied at its last serverSeq is asked for its copy when
    /// the log holds another batch there (the log went back and went on: an old backup written
    /// to since), and only then. Before what the log loaded, the batch the store's history holds
    /// there decides; without it (none kept, or a snapshot's sequence, named by no batch) the
    /// hello is taken on trust as before. A restoring hello is told to give its copy back again.
    @Test func aClientWhoseLastBatchTheLogHoldsNoMoreIsAskedForItsCopy() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        guard case .accepted(let first) = log.receive(clientSeq: 1, ops: [try a.insert("x", at: 0)!], from: alice),
              case .accepted(let second) = log.receive(clientSeq: 2, ops: [try a.insert("y", at: 1)!], from: alice) else { return }
        try commitAndDeliver(first, as: 1, into: &log)
        try commitAndDeliver(second, as: 2, into: &log)
        func asked(_ last: UInt64, _ entry: LogPosition?) -> Bool {
            log.greeting(clientEpoch: 42, lastServerSeq: last, restoring: false, replica: bob, receipt: nil, lastEntry: entry).restore
        }
        #expect(!asked(2, LogPosition(replica: alice, clientSeq: 2)), "the batch the log holds there")
        #expect(!asked(1, LogPosition(replica: alice, clientSeq: 1)))
        #expect(!asked(2, nil), "no batch named: taken on trust")
        #expect(asked(2, LogPosition(replica: bob, clientSeq: 1)), "another batch, lost with the log's past")
        #expect(asked(1, LogPosition(replica: alice, clientSeq: 2)), "a batch the log holds elsewhere")
        #expect(!log.greeting(clientEpoch: 42, lastServerSeq: 2, restoring: false, replica: bob, receipt: nil,
                              lastEntry: LogPosition(replica: bob, clientSeq: 1)).needsNewEpoch, "a client's word moves no epoch")

        // Loaded from a snapshot at 2 with the log on from there: sequences up to 2 are unchecked.
        let loaded = try DocumentLog(document: notes, stored: StoredDocument(epoch: 42, head: 2, snapshot: log.replica.encodeSnapshot(), snapshotSeq: 2,
                                                                             tail: [], lastClientSeqs: [alice: 2]))
        #expect(!loaded.indexes(2) && !loaded.indexes(1) && loaded.indexes(3))
        #expect(!loaded.greeting(clientEpoch: 42, lastServerSeq: 2, restoring: false, replica: bob, receipt: nil,
                                 lastEntry: LogPosition(replica: bob, clientSeq: 1)).restore)
        func askedAfterLoading(_ last: UInt64, _ entry: LogPosition, stored: LogPosition, restoring: Bool = false) -> DocumentLog.Greeting {
            loaded.greeting(clientEpoch: 42, lastServerSeq: last, restoring: restoring, replica: bob, receipt: nil, lastEntry: entry, storedAtLast: stored)
        }
        #expect(askedAfterLoading(2, LogPosition(replica: bob, clientSeq: 1), stored: LogPosition(replica: alice, clientSeq: 2)).restore,
                "the store's history holds another batch there")
        #expect(!askedAfterLoading(2, LogPosition(replica: alice, clientSeq: 2), stored: LogPosition(replica: alice, clientSeq: 2)).restore)
        let again = askedAfterLoading(1, LogPosition(replica: bob, clientSeq: 1), stored: LogPosition(replica: alice, clientSeq: 1), restoring: true)
        #expect(again.restore && again.restoreAgain)
        let going = askedAfterLoading(1, LogPosition(replica: alice, clientSeq: 1), stored: LogPosition(replica: alice, clientSeq: 1), restoring: true)
        #expect(going.restore && !going.restoreAgain, "a restoring hello on the log as it is sends its restore batches")
    }

    @Test func acceptedBatchesApplyAtOnceAndAdvanceOnDelivery() throws {
        var log = try empty()
        var a = Replica(replicaID: alice), b = Replica(replicaID: bob)
        let first = [try a.insert("hello", at: 0)!]
        guard case .accepted(let one) = log.receive(clientSeq: 1, ops: first, from: alice) else { Issue.record("refused"); return }
        try b.apply(first)
        let second = [try b.insert(" world", at: 5)!]
        guard case .accepted(let two) = log.receive(clientSeq: 1, ops: second, from: bob) else { Issue.record("refused"); return }
        #expect(two.replica == bob && two.clientSeq == 1)
        #expect(try OpCodec.decode(two.ops) == second)
        #expect(log.replica.text == "hello world")
        #expect(log.deliveredHead == 0)
        try commitAndDeliver(one, as: 1, into: &log)
        try commitAndDeliver(two, as: 2, into: &log)
        #expect(log.deliveredHead == 2 && log.replica.text == "hello world")
        // Out of order is a gap: the room reloads rather than skip an entry.
        let stray = LogEntry(serverSeq: 4, replica: bob, clientSeq: 2, ops: [])
        #expect(log.deliver(stray, ops: []) == .gap(expected: 3))
    }

    @Test func welcomeCountsOnlyDurableBatches() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        guard case .accepted(let batch) = log.receive(clientSeq: 1, ops: [try a.insert("x", at: 0)!], from: alice) else { return }
        #expect(log.welcome(replica: alice, readOnly: false) == Welcome(epoch: 42, serverSeq: 0, lastClientSeq: 0, readOnly: false))
        // Committed but not delivered yet: the client need not resend it, and its ack comes in sequence.
        log.committed([batch])
        #expect(log.welcome(replica: alice, readOnly: true) == Welcome(epoch: 42, serverSeq: 0, lastClientSeq: 1, readOnly: true))
        try commitAndDeliver(batch, as: 1, into: &log)
        #expect(log.welcome(replica: alice, readOnly: true) == Welcome(epoch: 42, serverSeq: 1, lastClientSeq: 1, readOnly: true))
        #expect(log.welcome(replica: bob, readOnly: false).lastClientSeq == 0)
    }

    @Test func aResentBatchIsRecognisedAndNotApplied() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        let ops = [try a.insert("once", at: 0)!]
        guard case .accepted(let batch) = log.receive(clientSeq: 1, ops: ops, from: alice) else { Issue.record("refused"); return }
        #expect(log.receive(clientSeq: 1, ops: ops, from: alice) == .inFlight)
        #expect(log.replica.text == "once")
        // Nothing to compact while the batch is in flight; once delivered, a snapshot covers it.
        #expect(log.compactionDue(every: 1, keep: 0) == nil)
        try commitAndDeliver(batch, as: 1, into: &log)
        #expect(log.receive(clientSeq: 1, ops: ops, from: alice) == .duplicate(serverSeq: 1))
        let due = try #require(log.compactionDue(every: 1, keep: 1))
        #expect(due.serverSeq == 1 && due.floor == 0)
        #expect(try Replica(snapshot: due.snapshot, replicaID: alice).text == "once")
        log.compacted(due)
        #expect(log.logFloor == 0 && log.snapshotSeq == 1)
        #expect(log.compactionDue(every: 1, keep: 0) == nil)
        #expect(log.receive(clientSeq: 1, ops: ops, from: alice) == .duplicate(serverSeq: 1))
        // Once the log drops the entry too, the resend is acknowledged with the snapshot's sequence.
        log.compacted(DocumentLog.Compaction(snapshot: due.snapshot, serverSeq: 1, floor: 1))
        #expect(log.receive(clientSeq: 1, ops: ops, from: alice) == .duplicateCompacted(serverSeq: 1))
    }

    /// Another relay's entries arrive by delivery; a batch this relay also accepted (a client that
    /// resent it here) is not applied twice.
    @Test func entriesFromAnotherRelayApplyOnce() throws {
        var log = try empty()
        var a = Replica(replicaID: alice), b = Replica(replicaID: bob)
        let hello = [try a.insert("hello", at: 0)!]
        // Committed elsewhere as 1: delivered here without ever being received.
        let fromElsewhere = LogEntry(serverSeq: 1, replica: alice, clientSeq: 1, ops: OpCodec.encode(hello))
        #expect(log.deliver(fromElsewhere, ops: hello) == .delivered)
        #expect(log.replica.text == "hello")
        #expect(log.receive(clientSeq: 1, ops: hello, from: alice) == .duplicate(serverSeq: 1))
        // Bob sends batch 1 here, and it was also committed through another relay as 2.
        try b.apply(hello)
        let world = [try b.insert(" world", at: 5)!]
        guard case .accepted(let batch) = log.receive(clientSeq: 1, ops: world, from: bob) else { Issue.record("refused"); return }
        #expect(log.deliver(LogEntry(serverSeq: 2, replica: bob, clientSeq: 1, ops: batch.ops), ops: world) == .delivered)
        #expect(log.replica.text == "hello world")
        #expect(log.welcome(replica: bob, readOnly: false).lastClientSeq == 1)
        #expect(log.receive(clientSeq: 1, ops: world, from: bob) == .duplicate(serverSeq: 2))
        #expect(log.compactionDue(every: 2, keep: 0) != nil)
    }

    @Test func badBatchesAreRefusedAndChangeNothing() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        _ = log.receive(clientSeq: 1, ops: [try a.insert("ab", at: 0)!], from: alice)
        let aID = CharID(replica: alice, counter: 0), bID = CharID(replica: alice, counter: 1)
        let cases: [(String, UInt64, [Op], ReplicaID)] = [
            ("a gap in client sequences", 3, [try a.insert("c", at: 2)!], alice),
            ("another replica's id", 1, [try a.insert("d", at: 0)!], bob),
            ("a missing neighbour", 1, [.insert(Insertion(id: CharID(replica: bob, counter: 0), originLeft: CharID(replica: alice, counter: 99),
                                                          originRight: nil, text: "z"))], bob),
            ("deleting what is not there", 1, [.delete(Deletion(spans: [IDSpan(start: CharID(replica: bob, counter: 5), length: 1)]))], bob),
            ("origins in the wrong order", 1, [.insert(Insertion(id: CharID(replica: bob, counter: 0), originLeft: bID, originRight: aID, text: "q"))], bob),
            ("counters that skip", 1, [.insert(Insertion(id: CharID(replica: bob, counter: 7), originLeft: nil, originRight: nil, text: "q"))], bob),
        ]
        for (why, clientSeq, ops, sender) in cases {
            guard case .refused(let error) = log.receive(clientSeq: clientSeq, ops: ops, from: sender) else {
                Issue.record("accepted \(why)")
                continue
            }
            #expect(error.code == .malformed, "\(why)")
            #expect(log.replica.text == "ab" && log.deliveredHead == 0, "\(why) changed the document")
        }
    }

    /// A restore batch gives back what the relay lacks: characters of a replica that does not
    /// write in this epoch are taken (those known skipped), but none under a writer's next ids
    /// (not now: `unavailable`, for that writer's own copy gives them back or proves the loss) or
    /// the sender's own (never), whatever else the batch holds; nothing of a refused batch is
    /// applied.
    @Test func restoreBatchesAddNothingUnderAWriter() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        _ = log.receive(clientSeq: 1, ops: [try a.insert("ab", at: 0)!], from: alice)
        let restorer = ReplicaID(0xE), gone = ReplicaID(0x60E)
        let lost = Op.insert(Insertion(id: CharID(replica: gone, counter: 0), originLeft: CharID(replica: alice, counter: 1), originRight: nil, text: "cd"))
        let forged = Op.insert(Insertion(id: CharID(replica: alice, counter: 2), originLeft: CharID(replica: alice, counter: 1), originRight: nil, text: "X"))
        let own = Op.insert(Insertion(id: CharID(replica: restorer, counter: 0), originLeft: nil, originRight: nil, text: "Y"))
        let known = Op.insert(Insertion(id: CharID(replica: alice, counter: 0), originLeft: nil, originRight: nil, text: "ab"))
        #expect(log.replicasGivenBack(in: [known, lost, forged]) == [gone, alice])

        let cases: [(String, [Op], WireErrorCode, String)] = [
            ("a writer's next ids", [lost, forged], .unavailable, "still writes"), ("the sender's own ids", [own], .malformed, "sender's own"),
        ]
        for (why, ops, code, words) in cases {
            guard case .refused(let error) = log.receiveRestore(clientSeq: 1, ops: ops, from: restorer, writers: [alice]) else {
                Issue.record("accepted \(why)")
                continue
            }
            #expect(error.code == code && error.message.contains(words), "\(why): \(error)")
            #expect(log.replica.text == "ab", "\(why) changed the document")
        }
        guard case .accepted = log.receiveRestore(clientSeq: 1, ops: [known, lost], from: restorer, writers: [alice]) else {
            Issue.record("refused characters of a replica that writes no more")
            return
        }
        #expect(log.replica.text == "abcd")
    }

    @Test func aLogRebuiltFromTheStoreMatches() async throws {
        let directory = TemporaryDirectory.path("log")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        var log = try DocumentLog(document: notes, stored: try await store.open(notes))
        var a = Replica(replicaID: alice)
        var batches: [PendingBatch] = []
        for (index, word) in ["one ", "two ", "three"].enumerated() {
            guard case .accepted(let batch) = log.receive(clientSeq: UInt64(index + 1), ops: [try a.insert(word, at: a.count)!], from: alice)
            else { Issue.record("refused"); return }
            batches.append(batch)
        }
        let result = try await store.commit(batches, to: notes)
        #expect(result == CommitResult(serverSeqs: [1, 2, 3], appended: [true, true, true], head: 3))
        for (batch, serverSeq) in zip(batches, result.serverSeqs) { try commitAndDeliver(batch, as: serverSeq, into: &log) }
        // The snapshot is the document as of serverSeq 3; entry 3 stays in the log for clients at 2.
        try await store.compact(notes, snapshot: log.replica.encodeSnapshot(), serverSeq: 3, keepAfter: 2)
        let stored = try await SQLiteStore(directory: directory).open(notes)
        #expect(stored.snapshotSeq == 3 && stored.tail.isEmpty)
        #expect(try await store.entries(of: notes, after: 2, limit: 10).map(\.serverSeq) == [3])
        let rebuilt = try DocumentLog(document: notes, stored: stored)
        #expect(rebuilt.replica.text == "one two three")
        #expect(rebuilt.deliveredHead == 3)
        #expect(rebuilt.welcome(replica: alice, readOnly: false).lastClientSeq == 3)
    }
}
