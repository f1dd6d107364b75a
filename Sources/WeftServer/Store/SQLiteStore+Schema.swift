import GRDB

extension SQLiteStore {
    /// Creates or migrates the schema. Append migrations, never edit one: a data directory may
    /// have been made by any earlier version.
    static func migrate(_ pool: DatabasePool) throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE documents (
                    name TEXT PRIMARY KEY NOT NULL,
                    epoch INTEGER NOT NULL,
                    head INTEGER NOT NULL DEFAULT 0,
                    snapshot BLOB NOT NULL DEFAULT x'',
                    snapshot_seq INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE log (
                    document TEXT NOT NULL,
                    server_seq INTEGER NOT NULL,
                    replica INTEGER NOT NULL,
                    client_seq INTEGER NOT NULL,
                    ops BLOB NOT NULL,
                    PRIMARY KEY (document, server_seq)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX log_dedup ON log (document, replica, client_seq);
                CREATE TABLE replicas (
                    document TEXT NOT NULL,
                    replica INTEGER NOT NULL,
                    last_client_seq INTEGER NOT NULL,
                    PRIMARY KEY (document, replica)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2 log floor") { db in
            // Compaction may keep entries older than the snapshot; this says how far back the log reaches.
            try db.execute(sql: "ALTER TABLE documents ADD COLUMN log_floor INTEGER NOT NULL DEFAULT 0")
            try db.execute(sql: "UPDATE documents SET log_floor = snapshot_seq")
        }
        migrator.registerMigration("v3 replica keys") { db in
            try db.execute(sql: """
                CREATE TABLE replica_keys (
                    document TEXT NOT NULL,
                    replica INTEGER NOT NULL,
                    key_hash BLOB NOT NULL,
                    PRIMARY KEY (document, replica)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v4 settings") { db in
            // The store's identity (see `Identity`) and anything else the store keeps about itself.
            try db.execute(sql: "CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) WITHOUT ROWID")
        }
        migrator.registerMigration("v5 history") { db in
            // Who committed each batch and when (rows from before: unknown, NULL); the entries
            // compaction folds into the snapshot move to `history` instead of being dropped
            // (`history_floor`: what was dropped before this version is gone); the author each
            // replica is bound to; revoked users.
            try db.execute(sql: """
                ALTER TABLE log ADD COLUMN author TEXT;
                ALTER TABLE log ADD COLUMN author_verified INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE log ADD COLUMN committed_at INTEGER;
                CREATE TABLE history (
                    document TEXT NOT NULL,
                    server_seq INTEGER NOT NULL,
                    replica INTEGER NOT NULL,
                    client_seq INTEGER NOT NULL,
                    ops BLOB NOT NULL,
                    author TEXT,
                    author_verified INTEGER NOT NULL DEFAULT 0,
                    committed_at INTEGER,
                    PRIMARY KEY (document, server_seq)
                ) WITHOUT ROWID;
                ALTER TABLE documents ADD COLUMN history_floor INTEGER NOT NULL DEFAULT 0;
                UPDATE documents SET history_floor = log_floor;
                CREATE TABLE replica_authors (
                    document TEXT NOT NULL,
                    replica INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    verified INTEGER NOT NULL,
                    PRIMARY KEY (document, replica)
                ) WITHOUT ROWID;
                CREATE TABLE revocations (
                    user TEXT NOT NULL,
                    document TEXT NOT NULL,
                    revoked_at INTEGER NOT NULL,
                    PRIMARY KEY (user, document)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v6 retired epochs") { db in
            // Epochs of documents deleted or renamed away on purpose, per name: a client holding
            // one sets its copy aside instead of giving it back (PROTOCOL.md, "Healing a relay").
            try db.execute(sql: """
                CREATE TABLE retired_epochs (
                    document TEXT NOT NULL,
                    epoch INTEGER NOT NULL,
                    PRIMARY KEY (document, epoch)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v7 replica key epochs") { db in
            // The epoch each replica was bound in: a replica bound in the document's current epoch
            // writes its own characters, and nobody may give them back for it in a restore batch
            // (PROTOCOL.md, "What the relay checks in a restore batch"). Bindings made before are
            // taken as made in the epoch their document has now.
            try db.execute(sql: """
                ALTER TABLE replica_keys ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
                UPDATE replica_keys SET epoch = COALESCE((SELECT epoch FROM documents WHERE name = replica_keys.document), 0);
                """)
        }
        migrator.registerMigration("v8 history packs") { db in
            // The history compaction moves out of the log, packed (`HistoryPack`): consecutive
            // entries in one row, a byte or two a keystroke instead of a row each. Rows of the
            // `history` table from before are packed a few thousand at each compaction.
            try db.execute(sql: """
                CREATE TABLE history_packs (
                    document TEXT NOT NULL,
                    first_seq INTEGER NOT NULL,
                    last_seq INTEGER NOT NULL,
                    entry_count INTEGER NOT NULL,
                    last_committed_at INTEGER,
                    bytes BLOB NOT NULL,
                    PRIMARY KEY (document, first_seq)
                ) WITHOUT ROWID;
                CREATE INDEX history_packs_last ON history_packs (document, last_seq);
                """)
        }
        try migrator.migrate(pool)
    }
}
