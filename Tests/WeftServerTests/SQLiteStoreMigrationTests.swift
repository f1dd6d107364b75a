import Foundation
import GRDB
import Testing
import WeftCRDT
import WeftServer
import WeftWire

/// A data directory made before the relay kept history and authors opens, migrated: its batches
/// have no author and no time, what it had compacted away is gone (the history says from where
/// it is whole), and new batches get both.
@Suite struct SQLiteStoreMigrationTests {
    @Test func aStoreFromBeforeHistoryIsMigrated() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-migrate-\(UUID())")
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
}
