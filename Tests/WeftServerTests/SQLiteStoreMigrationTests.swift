import Foundation
import GRDB
import Testing
import WeftTestSupport
import WeftCRDT
@testable import WeftServer
import WeftWire

/// A data directory made before the relay kept history and authors opens, migrated: its batches
/// have no author and no time, what it had compacted away is gone (the history says from where
/// it is whole), and new batches get both.
@Suite struct SQLiteStoreMigrationTests {
    @Test func aStoreFromBeforeHistoryIsMigrated() async throws {
        let directory = TemporaryDirectory.path("migrate")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The schema as the four earlier migrations left it, with a document compacted up to 2.
        let old = try DatabaseQueue(path: directory.appendingPathComponent(SQLiteStore.fileName).path)
        try await old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1'), ('v2 log floor'), ('v3 replica keys'), ('v4 settings');
                CREATE TABLE documents (name TEXT PRIMARY KEY NOT NULL, epoch INTEGER NOT NULL, head INTEGER NOT NULL DEFAULT 0,
                    snapshot BLOB NOT NULL DEFAULT x'', snapshot_seq INTEGER NOT NULL DEFAULT 0, log_floor INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE log (document TEXT NOT NULL, server_seq INTEGER NOT NULL, replica INTEGER NOT NULL,
                    client_seq INTEGER NOT NULL, ops BLOB NOT NULL, PRIMARY KEY (document, server_seq)) WITHOUT ROWID;
                CREATE UNIQUE INDEX log_dedup ON log (document, replica, client_seq);
                CREATE TABLE replicas (document TEXT NOT NULL, replica INTEGER NOT NULL, last_client_seq INTEGER NOT NULL,
                    PRIMARY KEY (document, replica)) WITHOUT ROWID;
                CREATE TABLE replica_keys (document TEXT NOT NULL, replica INTEGER NOT NULL, key_hash BLOB NOT NULL,
                    PRIMARY KEY (document, replica)) WITHOUT ROWID;
                CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID;
                INSERT INTO documents (name, epoch, head, snapshot, snapshot_seq, log_floor) VALUES ('notes', 5, 3, x'09', 2, 2);
                INSERT INTO log VALUES ('notes', 3, 1, 3, x'0103');
                INSERT INTO replicas VALUES ('notes', 1, 3);
                """)
        }
        try old.close()

        let store = try SQLiteStore(directory: directory)
        let notes = try DocumentName("notes")
        let (floor, before) = try await store.history(of: notes, after: 0, limit: 10)
        #expect(floor == 2)
        #expect(before == [HistoryEntry(serverSeq: 3, replica: ReplicaID(1), clientSeq: 3, author: nil, committedAt: nil, ops: [1, 3])])
        let ana = BatchAuthor(name: "ana", verified: true)
        _ = try await store.bindAuthor(ReplicaID(1), in: notes, to: ana)
        _ = try await store.commit([PendingBatch(replica: ReplicaID(1), clientSeq: 4, ops: [1, 4])], to: notes)
        let after = try await store.history(of: notes, after: 0, limit: 10).entries
        #expect(after.map(\.serverSeq) == [3, 4])
        #expect(after.last?.author == ana && after.last?.committedAt != nil)
    }

    /// History an earlier version kept one row a batch reads the same after compactions pack it,
    /// a few thousand rows at a time, oldest first, beside what the new compactions packed.
    @Test func historyRowsFromBeforeArePackedAtCompaction() async throws {
        let directory = TemporaryDirectory.path("repack")
        defer { try? FileManager.default.removeItem(at: directory) }
        let notes = try DocumentName("notes")
        let rowCount = HistoryPack.repackedPerCompaction + 500
        do {
            let store = try SQLiteStore(directory: directory)
            _ = try await store.open(notes)
            await store.close()
        }
        // What an earlier version left: every batch up to rowCount a row of `history`, the next
        // three in the log.
        let database = try DatabaseQueue(path: directory.appendingPathComponent(SQLiteStore.fileName).path)
        try await database.write { db in
            for seq in 1...rowCount {
                try db.execute(sql: """
                    INSERT INTO history (document, server_seq, replica, client_seq, ops, author, author_verified, committed_at)
                    VALUES ('notes', ?, 1, ?, ?, ?, 1, ?)
                    """, arguments: [seq, seq, Data([1, UInt8(seq % 251)]), seq % 3 == 0 ? nil : "ana", seq % 5 == 0 ? nil : 1_000 * seq])
            }
            for seq in rowCount + 1...rowCount + 3 {
                try db.execute(sql: "INSERT INTO log (document, server_seq, replica, client_seq, ops) VALUES ('notes', ?, 2, ?, x'0102')",
                               arguments: [seq, seq - rowCount])
            }
            try db.execute(sql: "UPDATE documents SET head = ?, snapshot_seq = ?, log_floor = ? WHERE name = 'notes'",
                           arguments: [rowCount + 3, rowCount, rowCount])
        }
        try database.close()

        let store = try SQLiteStore(directory: directory)
        let before = try await store.history(of: notes, after: 0, limit: .max).entries
        #expect(before.map(\.serverSeq) == Array(1...UInt64(rowCount + 3)))
        func tables() throws -> (rows: Int, packed: Int) {
            let database = try DatabaseQueue(path: directory.appendingPathComponent(SQLiteStore.fileName).path)
            defer { try? database.close() }
            return try database.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM history")!,
                 try Int.fetchOne(db, sql: "SELECT coalesce(sum(entry_count), 0) FROM history_packs")!)
            }
        }
        try await store.compact(notes, snapshot: [9], serverSeq: UInt64(rowCount + 2), keepAfter: UInt64(rowCount + 1))
        #expect(try tables() == (500, HistoryPack.repackedPerCompaction + 1))
        #expect(try await store.history(of: notes, after: 0, limit: .max).entries == before)
        #expect(try await store.history(of: notes, after: 100, limit: 3).entries == Array(before[100..<103]))
        #expect(try await store.history(of: notes, after: UInt64(HistoryPack.repackedPerCompaction - 2), limit: 5).entries
                == Array(before[HistoryPack.repackedPerCompaction - 2..<HistoryPack.repackedPerCompaction + 3]))
        try await store.compact(notes, snapshot: [9], serverSeq: UInt64(rowCount + 3), keepAfter: UInt64(rowCount + 2))
        #expect(try tables() == (0, rowCount + 2))
        #expect(try await store.history(of: notes, after: 0, limit: .max).entries == before)
        #expect(try await store.documents(named: notes).first?.changedAt == before.compactMap(\.committedAt).max())
        await store.close()
    }
}
