import Foundation
import GRDB
import Synchronization
import WeftCRDT
import WeftWire

/// The embedded store: one SQLite database in the relay's data directory, in WAL mode with
/// `synchronous = FULL`, so a transaction that returned is on disk even after a power cut.
public final class SQLiteStore: RelayStore {
    let pool: DatabasePool
    /// The last failure of a read or write, until one succeeds again (for `/healthz`: a damaged
    /// page makes every commit fail while the file still opens).
    let lastFailure = Mutex<String?>(nil)

    /// The database file in a data directory.
    public static let fileName = "relay.sqlite"

    /// Opens (creating or migrating) `DIR/relay.sqlite`, refusing a store that is damaged, or
    /// missing or another one where this directory's was (see `Identity`).
    /// - Parameter acceptLostStore: start anyway on an empty store where this directory's was
    ///   (the operator knows its documents are gone; clients give their copies back).
    /// - Throws: `RelayStartError` saying what is wrong with which file, and what to do.
    public init(directory: URL, acceptLostStore: Bool = false) throws {
        let file = directory.appendingPathComponent(Self.fileName)
        try Self.prepareDirectory(directory)
        let identity = Identity(directory: directory)
        if let expected = identity.recorded, !acceptLostStore, (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 == 0 {
            throw RelayStartError("""
                \(file.path) is missing or empty, but \(directory.path) held a relay's store (\(Identity.fileName) \(expected)): \
                its documents are gone from this directory. Put the file back (from a backup), or start with \
                --accept-lost-store to begin again empty; clients that hold the documents give them back as they connect
                """)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: file.path, configuration: configuration)
            try Self.checkIntegrity(pool, file: file)
            try Self.migrate(pool)
            try identity.check(pool, file: file, acceptLostStore: acceptLostStore)
        } catch let error as RelayStartError {
            throw error
        } catch {
            throw RelayStartError("\(file.path) cannot be opened as the relay's store (\(Self.describe(error))): restore it from a backup, or move it aside and start with --accept-lost-store (clients give their copies back)")
        }
    }

    public func open(_ document: DocumentName) async throws -> StoredDocument {
        try await tracking { try await pool.write { db in
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
            let retired = try Int64.fetchAll(db, sql: "SELECT epoch FROM retired_epochs WHERE document = ?", arguments: [document.rawValue])
            return StoredDocument(epoch: Self.uint(row["epoch"]), head: Self.uint(row["head"]),
                                  snapshot: [UInt8](row["snapshot"] as Data), snapshotSeq: snapshotSeq,
                                  logFloor: Self.uint(row["log_floor"]), tail: tail, lastClientSeqs: lastClientSeqs,
                                  retiredEpochs: Set(retired.map(Self.uint)))
        } }
    }

    public func commit(_ batches: [PendingBatch], to document: DocumentName) async throws -> CommitResult {
        try await tracking { try await pool.write { db in
            guard let head = try Int64.fetchOne(db.cachedStatement(sql: "SELECT head FROM documents WHERE name = ?"), arguments: [document.rawValue]) else {
                throw StoreError("commit to document \(document), which was never opened")
            }
            var lastClientSeqs: [ReplicaID: UInt64] = [:]
            let lastClientSeq = try db.cachedStatement(sql: "SELECT last_client_seq FROM replicas WHERE document = ? AND replica = ?")
            for replica in Set(batches.map(\.replica)) {
                lastClientSeqs[replica] = try Int64.fetchOne(lastClientSeq, arguments: [document.rawValue, Self.int(replica.rawValue)]).map(Self.uint)
            }
            let plan = try CommitPlan(batches, head: Self.uint(head), lastClientSeqs: lastClientSeqs, document: document.rawValue)
            let authors = try Self.boundAuthors(db, document, replicas: Set(batches.map(\.replica)))
            let now = Self.int(Self.nowMilliseconds())
            // Cached statements: a group commit runs these once per batch, and parsing SQL each
            // time was a visible share of the relay's CPU under load.
            let insertEntry = try db.cachedStatement(sql: """
                INSERT INTO log (document, server_seq, replica, client_seq, ops, author, author_verified, committed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for entry in plan.entries(batches) {
                let author = authors[entry.replica]
                try insertEntry.execute(arguments: [document.rawValue, Self.int(entry.serverSeq), Self.int(entry.replica.rawValue),
                                                    Self.int(entry.clientSeq), Data(entry.ops), author?.name, author?.verified == true, now])
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
        } }
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
        try await tracking { try await pool.read { db in try Self.entries(db, document, after: serverSeq, limit: limit) } }
    }

    private static func entries(_ db: Database, _ document: DocumentName, after serverSeq: UInt64, limit: Int) throws -> [LogEntry] {
        try Row.fetchAll(db, sql: """
            SELECT server_seq, replica, client_seq, ops FROM log
            WHERE document = ? AND server_seq > ? ORDER BY server_seq LIMIT ?
            """, arguments: [document.rawValue, int(serverSeq), Int64(min(limit, Int(Int64.max)))]).map { row in
            LogEntry(serverSeq: uint(row["server_seq"]), replica: ReplicaID(uint(row["replica"])),
                     clientSeq: uint(row["client_seq"]), ops: try bytes(row, 3))
        }
    }

    /// The blob in column `index` of `row`, copied once (not into a `Data` first).
    static func bytes(_ row: Row, _ index: Int) throws -> [UInt8] {
        try row.withUnsafeData(atIndex: index) { data in data.map { [UInt8]($0) } ?? [] }
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
            // The entries folded away stay as history, packed: past versions and blame are made from them.
            try Self.packLog(db, document, through: floor)
            try db.execute(sql: "DELETE FROM log WHERE document = ? AND server_seq <= ?",
                           arguments: [document.rawValue, Self.int(floor)])
            // Rows an earlier version kept one a batch are packed too, a few thousand at a time.
            let unpacked = try Self.historyEntries(db, table: "history", document, through: UInt64(Int64.max), limit: HistoryPack.repackedPerCompaction)
            if let last = unpacked.last {
                try Self.pack(db, document, entries: unpacked)
                try db.execute(sql: "DELETE FROM history WHERE document = ? AND server_seq <= ?",
                               arguments: [document.rawValue, Self.int(last.serverSeq)])
            }
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
            try db.execute(sql: """
                INSERT INTO replica_keys (document, replica, key_hash, epoch)
                VALUES (?, ?, ?, COALESCE((SELECT epoch FROM documents WHERE name = ?), 0)) ON CONFLICT DO NOTHING
                """, arguments: arguments + [Data(keyHash), document.rawValue])
            return try Data.fetchOne(db, sql: select, arguments: arguments).map { [UInt8]($0) }
        }
    }

    public func replicasWriting(in document: DocumentName, among replicas: Set<ReplicaID>) async throws -> Set<ReplicaID> {
        let ids = replicas.map { Self.int($0.rawValue) }
        return try await pool.read { db in
            var writing: Set<ReplicaID> = []
            // A batch may name tens of thousands of replicas: asked in pieces, within SQLite's
            // limit on a statement's parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let piece = ids[start..<min(start + 500, ids.count)]
                let placeholders = Array(repeating: "?", count: piece.count).joined(separator: ", ")
                let rows = try Int64.fetchAll(db, sql: """
                    SELECT k.replica FROM replica_keys k JOIN documents d ON d.name = k.document
                    WHERE k.document = ? AND k.epoch = d.epoch AND k.replica IN (\(placeholders))
                    """, arguments: StatementArguments([document.rawValue] + piece.map { $0 as any DatabaseValueConvertible }))
                writing.formUnion(rows.map { ReplicaID(Self.uint($0)) })
            }
            return writing
        }
    }

    public func retireReplica(_ replica: ReplicaID, in document: DocumentName, keyHash: [UInt8]) async throws -> Bool {
        let arguments: StatementArguments = [document.rawValue, Self.int(replica.rawValue), Data(keyHash)]
        return try await pool.write { db in
            // Epochs are odd: 0 is none of them.
            try db.execute(sql: "UPDATE replica_keys SET epoch = 0 WHERE document = ? AND replica = ? AND key_hash = ?", arguments: arguments)
            return db.changesCount > 0
        }
    }

    public func healthProblem() async -> String? {
        if let failure = lastFailure.withLock({ $0 }) { return "the SQLite store failed its last operation: \(failure)" }
        do {
            _ = try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM documents WHERE name = ''") }
            return nil
        } catch {
            return "the SQLite store does not answer: \(Self.describe(error))"
        }
    }

    /// Folds the write-ahead log into the database file, so the directory holds one whole file
    /// (a copy of it is a backup) and the next start reads no log.
    public func close() async {
        _ = try? await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
