import Foundation
import Testing
import WeftCRDT
import WeftServer
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
