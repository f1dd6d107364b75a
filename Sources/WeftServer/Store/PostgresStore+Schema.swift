import Logging
import NIOCore
import PostgresNIO

extension PostgresStore {
    /// Schema versions in order; a relay applies the ones the database lacks. Append, never edit:
    /// relays of different versions may share a database for the length of a rolling upgrade.
    static let migrations: [String] = [
        """
        CREATE TABLE weft_documents (
            name TEXT PRIMARY KEY,
            epoch BIGINT NOT NULL,
            head BIGINT NOT NULL DEFAULT 0,
            snapshot BYTEA NOT NULL DEFAULT '',
            snapshot_seq BIGINT NOT NULL DEFAULT 0,
            log_floor BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE weft_log (
            document TEXT NOT NULL,
            server_seq BIGINT NOT NULL,
            replica BIGINT NOT NULL,
            client_seq BIGINT NOT NULL,
            ops BYTEA NOT NULL,
            PRIMARY KEY (document, server_seq)
        );
        CREATE UNIQUE INDEX weft_log_dedup ON weft_log (document, replica, client_seq);
        CREATE TABLE weft_replicas (
            document TEXT NOT NULL,
            replica BIGINT NOT NULL,
            last_client_seq BIGINT NOT NULL,
            PRIMARY KEY (document, replica)
        );
        CREATE TABLE weft_settings (
            name TEXT PRIMARY KEY,
            value BYTEA NOT NULL
        );
        """,
        // Replica ids bound to the key their first hello carried (a hash of it).
        """
        CREATE TABLE weft_replica_keys (
            document TEXT NOT NULL,
            replica BIGINT NOT NULL,
            key_hash BYTEA NOT NULL,
            PRIMARY KEY (document, replica)
        );
        """,
        // Who committed each batch and when (rows from before: unknown, NULL); entries compaction
        // folds into the snapshot move to weft_history instead of being dropped (history_floor:
        // what was dropped before this version is gone); each replica's bound author; revoked users.
        """
        ALTER TABLE weft_log ADD COLUMN author TEXT;
        ALTER TABLE weft_log ADD COLUMN author_verified BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE weft_log ADD COLUMN committed_at BIGINT;
        CREATE TABLE weft_history (
            document TEXT NOT NULL,
            server_seq BIGINT NOT NULL,
            replica BIGINT NOT NULL,
            client_seq BIGINT NOT NULL,
            ops BYTEA NOT NULL,
            author TEXT,
            author_verified BOOLEAN NOT NULL DEFAULT FALSE,
            committed_at BIGINT,
            PRIMARY KEY (document, server_seq)
        );
        ALTER TABLE weft_documents ADD COLUMN history_floor BIGINT NOT NULL DEFAULT 0;
        UPDATE weft_documents SET history_floor = log_floor;
        CREATE TABLE weft_replica_authors (
            document TEXT NOT NULL,
            replica BIGINT NOT NULL,
            name TEXT NOT NULL,
            verified BOOLEAN NOT NULL,
            PRIMARY KEY (document, replica)
        );
        CREATE TABLE weft_revocations (
            username TEXT NOT NULL,
            document TEXT NOT NULL,
            revoked_at BIGINT NOT NULL,
            PRIMARY KEY (username, document)
        );
        """,
        // Epochs of documents deleted or renamed away on purpose, per name: a client holding one
        // sets its copy aside instead of giving it back (PROTOCOL.md, "Healing a relay").
        """
        CREATE TABLE weft_retired_epochs (
            document TEXT NOT NULL,
            epoch BIGINT NOT NULL,
            PRIMARY KEY (document, epoch)
        );
        """,
        // The epoch each replica was bound in: a replica bound in the document's current epoch
        // writes its own characters, and nobody may give them back for it in a restore batch.
        // Bindings made before are taken as made in the epoch their document has now.
        """
        ALTER TABLE weft_replica_keys ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
        UPDATE weft_replica_keys k SET epoch = d.epoch FROM weft_documents d WHERE d.name = k.document;
        """,
        // The history compaction moves out of the log, packed (HistoryPack): consecutive entries
        // in one row. Rows of weft_history from before are packed a few thousand at each compaction.
        """
        CREATE TABLE weft_history_packs (
            document TEXT NOT NULL,
            first_seq BIGINT NOT NULL,
            last_seq BIGINT NOT NULL,
            entry_count INTEGER NOT NULL,
            last_committed_at BIGINT,
            bytes BYTEA NOT NULL,
            PRIMARY KEY (document, first_seq)
        );
        CREATE INDEX weft_history_packs_last ON weft_history_packs (document, last_seq);
        """,
    ]

    /// Opens and closes one connection of its own. A refusal (bad credentials, no such database)
    /// shows here at once with the server's reason, where the pool would keep retrying quietly.
    public func probe() async throws {
        let connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 0, logger: logger)
        try await connection.close()
    }

    /// Creates or migrates the schema, once per process. Relays starting together take turns
    /// (a transaction-scoped advisory lock), so each migration runs exactly once.
    /// - Throws: when the database cannot be reached or refuses (every store method throws the same then).
    public func prepare() async throws {
        if schemaReady.withLock({ $0 }) { return }
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS weft_schema (version INTEGER NOT NULL)", logger: logger)
            var version = 0
            for try await value in try await connection.query("SELECT max(version) FROM weft_schema", logger: logger).decode(Int?.self) {
                version = value ?? 0
            }
            guard version <= Self.migrations.count else {
                throw StoreError("the database's Weft schema is version \(version), newer than this relay knows (\(Self.migrations.count)): upgrade this relay")
            }
            for (index, migration) in Self.migrations.enumerated().dropFirst(version) {
                for statement in migration.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO weft_schema (version) VALUES (\(index + 1))", logger: logger)
                logger.info("migrated the PostgreSQL schema", metadata: ["version": "\(index + 1)", "database": "\(location)"])
            }
        }
        schemaReady.withLock { $0 = true }
    }

    /// An arbitrary constant naming Weft's migration lock among the database's advisory locks.
    static let migrationLock: Int64 = 0x5745_4654_4D49_4752  // "WEFTMIGR"

    /// The token-signing secret every relay on this database shares, so a token works on any of
    /// them: 32 random bytes, created by whichever relay asks first.
    public func sharedSecret() async throws -> [UInt8] {
        try await prepare()
        var random = SystemRandomNumberGenerator()
        let fresh = ByteBuffer(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
        try await client.query("INSERT INTO weft_settings (name, value) VALUES ('secret', \(fresh)) ON CONFLICT (name) DO NOTHING", logger: logger)
        for try await value in try await client.query("SELECT value FROM weft_settings WHERE name = 'secret'", logger: logger).decode(ByteBuffer.self) {
            guard value.readableBytes >= 32 else { throw StoreError("the shared secret in weft_settings is \(value.readableBytes) bytes, not a Weft secret; delete that row to make a new one") }
            return Array(buffer: value)
        }
        throw StoreError("the shared secret vanished from weft_settings while being created")
    }
}
