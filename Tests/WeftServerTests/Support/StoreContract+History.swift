import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

extension StoreContract {
    /// Every batch ever committed stays readable as history, with the author its replica was
    /// bound to when it was committed and the relay's commit time, through compaction and on
    /// every store on the same data; a replica keeps the first author bound to it.
    func historyKeepsEveryBatchWithItsAuthorAndTime() async throws {
        let store = try await reopen()
        _ = try await store.open(notes)
        let ana = BatchAuthor(name: "ana", verified: true), bo = BatchAuthor(name: "bo", verified: false)
        _ = try await store.commit([batch(1)], to: notes)  // before any binding: no author
        #expect(try await store.bindAuthor(ReplicaID(1), in: notes, to: ana) == ana)
        #expect(try await reopen().bindAuthor(ReplicaID(1), in: notes, to: bo) == ana, "bound already")
        #expect(try await store.bindAuthor(ReplicaID(2), in: notes, to: bo) == bo)
        let before = UInt64(Date().timeIntervalSince1970 * 1_000)
        _ = try await store.commit([batch(2), batch(replica: 2, 1)], to: notes)
        _ = try await store.commit([batch(3), batch(4), batch(5)], to: notes)
        let after = UInt64(Date().timeIntervalSince1970 * 1_000)
        try await store.compact(notes, snapshot: [9], serverSeq: 4, keepAfter: 3)

        let (floor, history) = try await reopen().history(of: notes, after: 0, limit: 100)
        #expect(floor == 0)
        #expect(history.map(\.serverSeq) == [1, 2, 3, 4, 5, 6])
        #expect(history.map(\.author) == [nil, ana, bo, ana, ana, ana])
        #expect(history.map(\.ops) == [batch(1), batch(2), batch(replica: 2, 1), batch(3), batch(4), batch(5)].map(\.ops))
        #expect(history.map(\.replica) == [UInt64(1), 1, 2, 1, 1, 1].map { ReplicaID($0) })
        #expect(history.map(\.clientSeq) == [1, 2, 1, 3, 4, 5])
        #expect(history.dropFirst().allSatisfy { ($0.committedAt ?? 0) >= before - 1_000 && ($0.committedAt ?? .max) <= after + 1_000 })
        // Pages: after a sequence, and limited, across the compacted part and the log.
        #expect(try await store.history(of: notes, after: 2, limit: 3).entries.map(\.serverSeq) == [3, 4, 5])
        // The log itself still drops what compaction folded away.
        #expect(try await store.entries(of: notes, after: 0, limit: 10).map(\.serverSeq) == [4, 5, 6])

        // The same name, now verified: the binding is upgraded, never moved to another name.
        let unverifiedCy = BatchAuthor(name: "cy", verified: false), cy = BatchAuthor(name: "cy", verified: true)
        #expect(try await store.bindAuthor(ReplicaID(3), in: notes, to: unverifiedCy) == unverifiedCy)
        #expect(try await store.bindAuthor(ReplicaID(3), in: notes, to: cy) == cy)
        #expect(try await store.bindAuthor(ReplicaID(3), in: notes, to: unverifiedCy) == cy)
        // Per document.
        let other = try DocumentName("other")
        _ = try await store.open(other)
        #expect(try await store.bindAuthor(ReplicaID(1), in: other, to: bo) == bo)
        #expect(try await store.history(of: other, after: 0, limit: 10).entries.isEmpty)
    }

    /// A history read takes entries while fewer than its limit's count are taken and those taken
    /// hold fewer bytes of op batches than its limit's, then the one after them (so that a page
    /// knows whether more follow); the same across the packed history and the log, after any
    /// sequence. Random sizes and limits from `seed`, which every failure names.
    func historyReadsStopAtTheirLimit(seed: UInt64 = 1) async throws {
        var random = SeededGenerator(seed: seed)
        let store = try await reopen()
        _ = try await store.open(notes)
        let batches = 60
        var committed: [[UInt8]] = []
        for clientSeq in 1...batches {
            let size = [1, 2, 40, 700, 3_000, 12_000].randomElement(using: &random)!
            let ops = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try await store.commit([PendingBatch(replica: ReplicaID(1), clientSeq: UInt64(clientSeq), ops: ops)], to: notes)
            committed.append(ops)
            if clientSeq == 45 { try await store.compact(notes, snapshot: [9], serverSeq: 40, keepAfter: 30) }
        }
        // Reads go to this store or to another on the same data (one more, not one a read: each
        // PostgreSQL store holds its own connections until the test ends).
        let other = try await reopen()
        for _ in 0..<300 {
            let after = Int.random(in: 0...(batches + 2), using: &random)
            let rest = Array(committed.dropFirst(after))
            // Byte limits that some entries reach exactly, or pass, or none.
            let exactly = rest.prefix(Int.random(in: 0...min(rest.count, 12), using: &random)).map(\.count).reduce(0, +)
            let opBytes = [max(1, exactly), Int.random(in: 1...40_000, using: &random), .max].randomElement(using: &random)!
            let limit = HistoryReadLimit(entries: Bool.random(using: &random) ? Int.random(in: 0...25, using: &random) : .max, opBytes: opBytes)
            let read = try await (Bool.random(using: &random) ? store : other).history(of: notes, after: UInt64(after), within: limit)
            var taken = 0
            while taken < rest.count, taken < limit.entries, rest.prefix(taken).map(\.count).reduce(0, +) < limit.opBytes { taken += 1 }
            let expected = rest.prefix(taken + 1)
            #expect(read.entries.map(\.serverSeq) == expected.indices.map { UInt64($0 + after + 1) }, "seed \(seed): after \(after) within \(limit)")
            #expect(read.entries.map(\.ops).elementsEqual(expected), "seed \(seed): after \(after) within \(limit): other bytes than committed")
        }
    }

    /// Revocations are kept, the latest time per user and document wins, on every store on the
    /// same data.
    func revocationsAreKept() async throws {
        let store = try await reopen()
        #expect(try await store.revocations().isEmpty)
        try await store.revoke(TokenRevocation(user: "ana", document: nil, revokedAt: 100))
        try await store.revoke(TokenRevocation(user: "ana", document: nil, revokedAt: 50))
        try await store.revoke(TokenRevocation(user: "ana", document: notes, revokedAt: 70))
        try await reopen().revoke(TokenRevocation(user: "bo", document: notes, revokedAt: 80))
        let found = Set(try await reopen().revocations())
        #expect(found == [TokenRevocation(user: "ana", document: nil, revokedAt: 100),
                          TokenRevocation(user: "ana", document: notes, revokedAt: 70),
                          TokenRevocation(user: "bo", document: notes, revokedAt: 80)])
    }
}
