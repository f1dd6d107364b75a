import Foundation
import Testing
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

    @Test func batchesGetConsecutiveServerSequences() throws {
        var log = try empty()
        var a = Replica(replicaID: alice), b = Replica(replicaID: bob)
        let first = [try a.insert("hello", at: 0)!]
        guard case .accepted(let one) = log.receive(clientSeq: 1, ops: first, from: alice) else { Issue.record("refused"); return }
        try b.apply(first)
        let second = [try b.insert(" world", at: 5)!]
        guard case .accepted(let two) = log.receive(clientSeq: 1, ops: second, from: bob) else { Issue.record("refused"); return }
        #expect(one.serverSeq == 1 && two.serverSeq == 2)
        #expect(two.replica == bob && two.clientSeq == 1)
        #expect(try OpCodec.decode(two.ops) == second)
        #expect(log.replica.text == "hello world")
        #expect(log.head == 2)
    }

    @Test func welcomeCountsOnlyDurableBatches() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        guard case .accepted(let entry) = log.receive(clientSeq: 1, ops: [try a.insert("x", at: 0)!], from: alice) else { return }
        #expect(log.welcome(replica: alice, readOnly: false) == Welcome(epoch: 42, serverSeq: 0, lastClientSeq: 0, readOnly: false))
        log.committed([entry])
        #expect(log.welcome(replica: alice, readOnly: true) == Welcome(epoch: 42, serverSeq: 1, lastClientSeq: 1, readOnly: true))
        #expect(log.welcome(replica: bob, readOnly: false).lastClientSeq == 0)
    }

    @Test func aResentBatchIsRecognisedAndNotApplied() throws {
        var log = try empty()
        var a = Replica(replicaID: alice)
        let ops = [try a.insert("once", at: 0)!]
        guard case .accepted(let entry) = log.receive(clientSeq: 1, ops: ops, from: alice) else { Issue.record("refused"); return }
        #expect(log.receive(clientSeq: 1, ops: ops, from: alice) == .duplicate(serverSeq: 1))
        #expect(log.replica.text == "once" && log.head == 1)
        // Nothing to compact while the batch is in flight; once durable, a snapshot covers it.
        #expect(log.compactionDue(every: 1, keep: 0) == nil)
        log.committed([entry])
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
            #expect(log.replica.text == "ab" && log.head == 1, "\(why) changed the document")
        }
    }

    @Test func aLogRebuiltFromTheStoreMatches() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-log-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        var log = try DocumentLog(document: notes, stored: try await store.open(notes))
        var a = Replica(replicaID: alice)
        var entries: [LogEntry] = []
        for (index, word) in ["one ", "two ", "three"].enumerated() {
            guard case .accepted(let entry) = log.receive(clientSeq: UInt64(index + 1), ops: [try a.insert(word, at: a.count)!], from: alice)
            else { Issue.record("refused"); return }
            entries.append(entry)
        }
        try await store.append(entries, to: notes)
        log.committed(entries)
        // The snapshot is the document as of serverSeq 3; entry 3 stays in the log for clients at 2.
        try await store.compact(notes, snapshot: log.replica.encodeSnapshot(), serverSeq: 3, keepAfter: 2)
        let stored = try await SQLiteStore(directory: directory).open(notes)
        #expect(stored.snapshotSeq == 3 && stored.tail.isEmpty)
        #expect(try await store.entries(of: notes, after: 2, limit: 10) == [entries[2]])
        let rebuilt = try DocumentLog(document: notes, stored: stored)
        #expect(rebuilt.replica.text == "one two three")
        #expect(rebuilt.head == 3 && rebuilt.durableHead == 3)
        #expect(rebuilt.welcome(replica: alice, readOnly: false).lastClientSeq == 3)
    }
}
