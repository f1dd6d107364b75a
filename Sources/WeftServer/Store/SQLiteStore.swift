import Foundation
import GRDB
import WeftCRDT
import WeftWire

/// The embedded store: one SQLite database in the relay's data directory, in WAL mode with
/// `synchronous = FULL`, so a transaction that returned is on disk even after a power cut.
public final class SQLiteStore: RelayStore {
    private let pool: DatabasePool

    /// Opens (creating or migrating) `DIR/relay.sqlite`.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: directory.appendingPathComponent("relay.sqlite").path, configuration: configuration)
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
        try migrator.migrate(pool)
    }

    public func open(_ document: DocumentName) async throws -> StoredDocument {
        try await pool.write { db in
            var row = try Row.fetchOne(db, sql: "SELECT epoch, head, snapshot, snapshot_seq, log_floor FROM documents WHERE name = ?",
                                       arguments: [document.rawValue])
            if row == nil {
                try db.execute(sql: "INSERT INTO documents (name, epoch) VALUES (?, ?)", arguments: [document.rawValue, Self.int(Self.freshEpoch())])
                row = try Row.fetchOne(db, sql: "SELECT epoch, head, snapshot, snapshot_seq, log_floor FROM documents WHERE name = ?",
                                       arguments: [document.rawValue])
            }
            guard let row else { throw StoreError("document \(document) vanished while being created") }
            let snapshotSeq = Self.uint(row["snapshot_seq"])
            let tail = try Self.entries(db, document, after: snapshotSeq, limit: Int.max)
            var lastClientSeqs: [ReplicaID: UInt64] = [:]
            for replica in try Row.fetchAll(db, sql: "SELECT replica, last_client_seq FROM replicas WHERE document = ?",
                                            arguments: [document.rawValue]) {
                lastClientSeqs[ReplicaID(Self.uint(replica["replica"]))] = Self.uint(replica["last_client_seq"])
            }
            return StoredDocument(epoch: Self.uint(row["epoch"]), head: Self.uint(row["head"]),
                                  snapshot: [UInt8](row["snapshot"] as Data), snapshotSeq: snapshotSeq,
                                  logFloor: Self.uint(row["log_floor"]), tail: tail, lastClientSeqs: lastClientSeqs)
        }
    }

    public func commit(_ batches: [PendingBatch], to document: DocumentName) async throws -> CommitResult {
        try await pool.write { db in
            guard let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT head FROM documents WHERE name = ?"), arguments: [document.rawValue]) else {
                throw StoreError("commit to document \(document), which was never opened")
            }
            var lastClientSeqs: [ReplicaID: UInt64] = [:]
            let lastClientSeq = try db.cachedStatement(sql: "SELECT last_client_seq FROM replicas WHERE document = ? AND replica = ?")
            for replica in Set(batches.map(\.replica)) {
                lastClientSeqs[replica] = try Int64.fetchOne(lastClientSeq, arguments: [document.rawValue, Self.int(replica.rawValue)]).map(Self.uint)
            }
            let plan = try CommitPlan(batches, head: Self.uint(head), lastClientSeqs: lastClientSeqs, document: document.rawValue)
            // Cached statements: a group commit runs these once per batch, and parsing SQL each
            // time was a visible share of the relay's CPU under load.
            let insertEntry = try db.cachedStatement(sql: "INSERT INTO log (document, server_seq, replica, client_seq, ops) VALUES (?, ?, ?, ?, ?)")
            for entry in plan.entries(batches) {
                try insertEntry.execute(arguments: [document.rawValue, Self.int(entry.serverSeq), Self.int(entry.replica.rawValue),
                                                    Self.int(entry.clientSeq), Data(entry.ops)])
            }
            let raiseClientSeq = try db.cachedStatement(sql: """
                INSERT INTO replicas (document, replica, last_client_seq) VALUES (?, ?, ?)
                ON CONFLICT (document, replica) DO UPDATE SET last_client_seq = max(last_client_seq, excluded.last_client_seq)
                """)
            for (replica, clientSeq) in plan.raisedClientSeqs {
                try raiseClientSeq.execute(arguments: [document.rawValue, Self.int(replica.rawValue), Self.int(clientSeq)])
            }
            try db.cachedStatement(sql: "UPDATE documents SET head = ? WHERE name = ?").execute(arguments: [Self.int(plan.head), document.rawValue])
            return plan.result(existingSequences: try plan.alreadyCommitted(batches).map { try Self.existingSequence(db, document, $0) })
        }
    }

    /// Where the log has a batch committed earlier: its entry, or the snapshot once compaction dropped it.
    private static func existingSequence(_ db: Database, _ document: DocumentName, _ batch: PendingBatch) throws -> UInt64 {
        if let serverSeq = try Int64.fetchOne(db, sql: "SELECT server_seq FROM log WHERE document = ? AND replica = ? AND client_seq = ?",
                                              arguments: [document.rawValue, int(batch.replica.rawValue), int(batch.clientSeq)]) {
            return uint(serverSeq)
        }
        return uint(try Int64.fetchOne(db, sql: "SELECT snapshot_seq FROM documents WHERE name = ?", arguments: [document.rawValue]) ?? 0)
    }

    public func entries(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> [LogEntry] {
        try await pool.read { db in try Self.entries(db, document, after: serverSeq, limit: limit) }
    }

    private static func entries(_ db: Database, _ document: DocumentName, after serverSeq: UInt64, limit: Int) throws -> [LogEntry] {
        try Row.fetchAll(db, sql: """
            SELECT server_seq, replica, client_seq, ops FROM log
            WHERE document = ? AND server_seq > ? ORDER BY server_seq LIMIT ?
            """, arguments: [document.rawValue, int(serverSeq), Int64(min(limit, Int(Int64.max)))]).map { row in
            LogEntry(serverSeq: uint(row["server_seq"]), replica: ReplicaID(uint(row["replica"])),
                     clientSeq: uint(row["client_seq"]), ops: [UInt8](row["ops"] as Data))
        }
    }

    public func snapshot(of document: DocumentName) async throws -> (bytes: [UInt8], serverSeq: UInt64) {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT snapshot, snapshot_seq FROM documents WHERE name = ?",
                                             arguments: [document.rawValue]) else { return ([], 0) }
            return ([UInt8](row["snapshot"] as Data), Self.uint(row["snapshot_seq"]))
        }
    }

    public func compact(_ document: DocumentName, snapshot: [UInt8], serverSeq: UInt64, keepAfter: UInt64) async throws {
        let floor = min(keepAfter, serverSeq)
        try await pool.write { db in
            try db.execute(sql: "UPDATE documents SET snapshot = ?, snapshot_seq = ? WHERE name = ? AND snapshot_seq <= ?",
                           arguments: [Data(snapshot), Self.int(serverSeq), document.rawValue, Self.int(serverSeq)])
            try db.execute(sql: "UPDATE documents SET log_floor = max(log_floor, ?) WHERE name = ?",
                           arguments: [Self.int(floor), document.rawValue])
            try db.execute(sql: "DELETE FROM log WHERE document = ? AND server_seq <= ?",
                           arguments: [document.rawValue, Self.int(floor)])
        }
    }

    public func epoch(of document: DocumentName) async throws -> UInt64 {
        try await pool.read { db in
            guard let epoch = try Int64.fetchOne(db, sql: "SELECT epoch FROM documents WHERE name = ?", arguments: [document.rawValue]) else {
                throw StoreError("document \(document) was never opened")
            }
            return Self.uint(epoch)
        }
    }

    public func renewEpoch(of document: DocumentName, from current: UInt64) async throws -> UInt64 {
        try await pool.write { db in
            try db.execute(sql: "UPDATE documents SET epoch = ? WHERE name = ? AND epoch = ?",
                           arguments: [Self.int(Self.freshEpoch()), document.rawValue, Self.int(current)])
            guard let epoch = try Int64.fetchOne(db, sql: "SELECT epoch FROM documents WHERE name = ?", arguments: [document.rawValue]) else {
                throw StoreError("document \(document) was never opened")
            }
            return Self.uint(epoch)
        }
    }

    public func replicaKey(_ replica: ReplicaID, in document: DocumentName, bindingTo keyHash: [UInt8]?) async throws -> [UInt8]? {
        let arguments: StatementArguments = [document.rawValue, Self.int(replica.rawValue)]
        let select = "SELECT key_hash FROM replica_keys WHERE document = ? AND replica = ?"
        guard let keyHash else {
            return try await pool.read { db in try Data.fetchOne(db, sql: select, arguments: arguments).map { [UInt8]($0) } }
        }
        return try await pool.write { db in
            try db.execute(sql: "INSERT INTO replica_keys (document, replica, key_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: arguments + [Data(keyHash)])
            return try Data.fetchOne(db, sql: select, arguments: arguments).map { [UInt8]($0) }
        }
    }

    public func healthProblem() async -> String? {
        do {
            _ = try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM documents WHERE name = ''") }
            return nil
        } catch {
            return "the SQLite store does not answer: \(error)"
        }
    }
}
