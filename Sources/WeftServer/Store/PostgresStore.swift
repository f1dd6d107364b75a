import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import WeftCRDT
import WeftWire

/// The shared store: one PostgreSQL database that several relays write to. Each commit takes the
/// document's row lock (`SELECT … FOR UPDATE`), numbers its batches from the head it finds, and
/// notifies the other relays (`pg_notify`) in the same transaction, so sequences have no gaps and
/// no repeats however many relays write, and a notification is only ever seen for a commit.
public final class PostgresStore: RelayStore {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    /// Set once the schema is known to be current.
    let schemaReady = Mutex(false)
    /// Why the notification listener is not listening, nil while it is (for `/healthz`).
    let listenerProblem = Mutex<String?>("not listening for other relays' commits yet")

    /// The NOTIFY channel: `HEAD NAME` from every commit that appends, `gone EPOCH NAME [NEWNAME]`
    /// from every delete and rename (`StoreNotification`).
    static let channel = "weft_log"

    /// A store on `location`. Nothing connects until `run` runs.
    public init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: logger)
    }

    public func open(_ document: DocumentName) async throws -> StoredDocument {
        try await prepare()
        let epoch = Self.int(Self.freshEpoch())
        let name = document.rawValue
        try await client.query("INSERT INTO weft_documents (name, epoch) VALUES (\(name), \(epoch)) ON CONFLICT (name) DO NOTHING", logger: logger)
        // One snapshot of the database, so the head, the tail and the client sequences agree.
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let rows = try await connection.query(
                "SELECT epoch, head, snapshot, snapshot_seq, log_floor FROM weft_documents WHERE name = \(name)", logger: logger)
            var found: (Int64, Int64, ByteBuffer, Int64, Int64)?
            for try await row in rows.decode((Int64, Int64, ByteBuffer, Int64, Int64).self) { found = row }
            guard let (epoch, head, snapshot, snapshotSeq, logFloor) = found else {
                throw StoreError("document \(document) vanished while being created")
            }
            let tail = try await Self.entries(connection, name, after: snapshotSeq, limit: Int64.max, logger: logger)
            var lastClientSeqs: [ReplicaID: UInt64] = [:]
            let replicas = try await connection.query("SELECT replica, last_client_seq FROM weft_replicas WHERE document = \(name)", logger: logger)
            for try await (replica, clientSeq) in replicas.decode((Int64, Int64).self) {
                lastClientSeqs[ReplicaID(Self.uint(replica))] = Self.uint(clientSeq)
            }
            var retired: Set<UInt64> = []
            let epochs = try await connection.query("SELECT epoch FROM weft_retired_epochs WHERE document = \(name)", logger: logger)
            for try await epoch in epochs.decode(Int64.self) { retired.insert(Self.uint(epoch)) }
            return StoredDocument(epoch: Self.uint(epoch), head: Self.uint(head), snapshot: Array(buffer: snapshot),
                                  snapshotSeq: Self.uint(snapshotSeq), logFloor: Self.uint(logFloor), tail: tail, lastClientSeqs: lastClientSeqs,
                                  retiredEpochs: retired)
        }
    }

    public func commit(_ batches: [PendingBatch], to document: DocumentName) async throws -> CommitResult {
        try await prepare()
        let name = document.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            // The row lock serializes every relay's commits to this document until this one ends.
            var head: Int64?
            let locked = try await connection.query("SELECT head FROM weft_documents WHERE name = \(name) FOR UPDATE", logger: logger)
            for try await value in locked.decode(Int64.self) { head = value }
            guard let head else { throw StoreError("commit to document \(document), which was never opened") }
            var lastClientSeqs: [ReplicaID: UInt64] = [:]
            let replicas = Array(Set(batches.map { Self.int($0.replica.rawValue) }))
            let known = try await connection.query(
                "SELECT replica, last_client_seq FROM weft_replicas WHERE document = \(name) AND replica = ANY(\(replicas))", logger: logger)
            for try await (replica, clientSeq) in known.decode((Int64, Int64).self) {
                lastClientSeqs[ReplicaID(Self.uint(replica))] = Self.uint(clientSeq)
            }
            let plan = try CommitPlan(batches, head: Self.uint(head), lastClientSeqs: lastClientSeqs, document: name)
            let entries = plan.entries(batches)
            if !entries.isEmpty {
                let authors = try await Self.boundAuthors(of: replicas, in: name, connection, logger: logger)
                try await Self.insert(entries, into: name, authors: authors, at: Self.int(Self.nowMilliseconds()), connection, logger: logger)
                try await Self.raise(plan.raisedClientSeqs, of: name, connection, logger: logger)
                // Delivered to the listening relays only if, and when, this transaction commits.
                let payload = StoreNotification.advanced(document, head: plan.head).payload
                try await connection.query("""
                    UPDATE weft_documents SET head = \(Self.int(plan.head)) WHERE name = \(name)
                    RETURNING pg_notify(\(Self.channel), \(payload))
                    """, logger: logger)
            }
            var existing: [UInt64] = []
            for batch in plan.alreadyCommitted(batches) {
                existing.append(try await Self.existingSequence(of: batch, in: name, connection, logger: logger))
            }
            return plan.result(existingSequences: existing)
        }
    }

    /// One multi-row INSERT per few thousand entries: a group commit costs a round trip, not one per batch.
    /// Each entry records its replica's bound author and the commit time `now`.
    private static func insert(_ entries: [LogEntry], into name: String, authors: [ReplicaID: BatchAuthor], at now: Int64,
                               _ connection: PostgresConnection, logger: Logger) async throws {
        for start in stride(from: 0, to: entries.count, by: 4_000) {
            let chunk = entries[start..<min(start + 4_000, entries.count)]
            var binds = PostgresBindings(capacity: 2 + 6 * chunk.count)
            binds.append(name)
            binds.append(now)
            var sql = "INSERT INTO weft_log (document, server_seq, replica, client_seq, ops, author, author_verified, committed_at) VALUES "
            for (index, entry) in chunk.enumerated() {
                let first = 3 + 6 * index
                sql += (index == 0 ? "" : ", ")
                    + "($1, $\(first), $\(first + 1), $\(first + 2), $\(first + 3), $\(first + 4), $\(first + 5), $2)"
                binds.append(int(entry.serverSeq))
                binds.append(int(entry.replica.rawValue))
                binds.append(int(entry.clientSeq))
                binds.append(ByteBuffer(bytes: entry.ops))
                let author = authors[entry.replica]
                binds.append(author?.name)
                binds.append(author?.verified ?? false)
            }
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    private static func raise(_ clientSeqs: [ReplicaID: UInt64], of name: String, _ connection: PostgresConnection, logger: Logger) async throws {
        guard !clientSeqs.isEmpty else { return }
        var binds = PostgresBindings(capacity: 1 + 2 * clientSeqs.count)
        binds.append(name)
        var rows: [String] = []
        for (replica, clientSeq) in clientSeqs {
            rows.append("($1, $\(binds.count + 1), $\(binds.count + 2))")
            binds.append(int(replica.rawValue))
            binds.append(int(clientSeq))
        }
        try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO weft_replicas (document, replica, last_client_seq) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (document, replica) DO UPDATE SET last_client_seq = GREATEST(weft_replicas.last_client_seq, EXCLUDED.last_client_seq)
            """, binds: binds), logger: logger)
    }

    /// Where the log has a batch committed earlier: its entry, or the snapshot once compaction dropped it.
    private static func existingSequence(of batch: PendingBatch, in name: String, _ connection: PostgresConnection, logger: Logger) async throws -> UInt64 {
        let rows = try await connection.query("""
            SELECT COALESCE(
                (SELECT server_seq FROM weft_log WHERE document = \(name) AND replica = \(int(batch.replica.rawValue)) AND client_seq = \(int(batch.clientSeq))),
                (SELECT snapshot_seq FROM weft_documents WHERE name = \(name)))
            """, logger: logger)
        var found: Int64 = 0
        for try await value in rows.decode(Int64.self) { found = value }
        return uint(found)
    }

    public func entries(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> [LogEntry] {
        try await prepare()
        return try await client.withConnection { connection in
            try await Self.entries(connection, document.rawValue, after: Self.int(serverSeq), limit: Int64(limit), logger: logger)
        }
    }

    private static func entries(_ connection: PostgresConnection, _ name: String, after serverSeq: Int64, limit: Int64, logger: Logger) async throws -> [LogEntry] {
        let rows = try await connection.query("""
            SELECT server_seq, replica, client_seq, ops FROM weft_log
            WHERE document = \(name) AND server_seq > \(serverSeq) ORDER BY server_seq LIMIT \(limit)
            """, logger: logger)
        var entries: [LogEntry] = []
        for try await (serverSeq, replica, clientSeq, ops) in rows.decode((Int64, Int64, Int64, ByteBuffer).self) {
            entries.append(LogEntry(serverSeq: uint(serverSeq), replica: ReplicaID(uint(replica)), clientSeq: uint(clientSeq), ops: Array(buffer: ops)))
        }
        return entries
    }

    public func snapshot(of document: DocumentName) async throws -> (bytes: [UInt8], serverSeq: UInt64) {
        try await prepare()
        let rows = try await client.query("SELECT snapshot, snapshot_seq FROM weft_documents WHERE name = \(document.rawValue)", logger: logger)
        for try await (bytes, serverSeq) in rows.decode((ByteBuffer, Int64).self) { return (Array(buffer: bytes), Self.uint(serverSeq)) }
        return ([], 0)
    }

    public func compact(_ document: DocumentName, snapshot: [UInt8], serverSeq: UInt64, keepAfter: UInt64) async throws {
        try await prepare()
        let name = document.rawValue
        let floor = Self.int(min(keepAfter, serverSeq)), seq = Self.int(serverSeq)
        try await client.withTransaction(logger: logger) { connection in
            // The document's row lock: two relays compacting at once pack each entry once.
            try await connection.query("SELECT head FROM weft_documents WHERE name = \(name) FOR UPDATE", logger: logger)
            // Another relay may have stored a newer snapshot meanwhile: never go back.
            try await connection.query("""
                UPDATE weft_documents SET snapshot = \(ByteBuffer(bytes: snapshot)), snapshot_seq = \(seq)
                WHERE name = \(name) AND snapshot_seq < \(seq)
                """, logger: logger)
            try await connection.query("UPDATE weft_documents SET log_floor = GREATEST(log_floor, \(floor)) WHERE name = \(name)", logger: logger)
            // The entries folded away stay as history, packed: past versions and blame are made from them.
            try await Self.packLog(connection, name, through: floor, logger: logger)
            try await connection.query("DELETE FROM weft_log WHERE document = \(name) AND server_seq <= \(floor)", logger: logger)
            // Rows an earlier version kept one a batch are packed too, a few thousand at a time.
            let unpacked = try await Self.historyEntries(connection, table: "weft_history", name, limit: Int64(HistoryPack.repackedPerCompaction), logger: logger)
            if let last = unpacked.last {
                try await Self.pack(connection, name, entries: unpacked, logger: logger)
                try await connection.query("DELETE FROM weft_history WHERE document = \(name) AND server_seq <= \(Self.int(last.serverSeq))", logger: logger)
            }
        }
    }

    public func epoch(of document: DocumentName) async throws -> UInt64 {
        try await prepare()
        let rows = try await client.query("SELECT epoch FROM weft_documents WHERE name = \(document.rawValue)", logger: logger)
        for try await epoch in rows.decode(Int64.self) { return Self.uint(epoch) }
        throw StoreError("document \(document) was never opened")
    }

    public func renewEpoch(of document: DocumentName, from current: UInt64) async throws -> UInt64 {
        try await prepare()
        let name = document.rawValue, fresh = Self.int(Self.freshEpoch()), old = Self.int(current)
        // Only from `current`: two relays finding the loss at once move it once, and agree.
        try await client.query("UPDATE weft_documents SET epoch = \(fresh) WHERE name = \(name) AND epoch = \(old)", logger: logger)
        return try await epoch(of: document)
    }

    public func replicaKey(_ replica: ReplicaID, in document: DocumentName, bindingTo keyHash: [UInt8]?) async throws -> [UInt8]? {
        try await prepare()
        let name = document.rawValue, id = Self.int(replica.rawValue)
        if let keyHash {
            try await client.query("""
                INSERT INTO weft_replica_keys (document, replica, key_hash, epoch)
                VALUES (\(name), \(id), \(ByteBuffer(bytes: keyHash)), COALESCE((SELECT epoch FROM weft_documents WHERE name = \(name)), 0))
                ON CONFLICT (document, replica) DO NOTHING
                """, logger: logger)
        }
        let rows = try await client.query("SELECT key_hash FROM weft_replica_keys WHERE document = \(name) AND replica = \(id)", logger: logger)
        for try await bound in rows.decode(ByteBuffer.self) { return Array(buffer: bound) }
        return nil
    }

    public func replicasWriting(in document: DocumentName, among replicas: Set<ReplicaID>) async throws -> Set<ReplicaID> {
        guard !replicas.isEmpty else { return [] }
        try await prepare()
        let name = document.rawValue, ids = replicas.map { Self.int($0.rawValue) }
        let rows = try await client.query("""
            SELECT k.replica FROM weft_replica_keys k JOIN weft_documents d ON d.name = k.document
            WHERE k.document = \(name) AND k.epoch = d.epoch AND k.replica = ANY(\(ids))
            """, logger: logger)
        var writing: Set<ReplicaID> = []
        for try await replica in rows.decode(Int64.self) { writing.insert(ReplicaID(Self.uint(replica))) }
        return writing
    }

    public func retireReplica(_ replica: ReplicaID, in document: DocumentName, keyHash: [UInt8]) async throws -> Bool {
        try await prepare()
        let name = document.rawValue, id = Self.int(replica.rawValue), hash = ByteBuffer(bytes: keyHash)
        // Epochs are odd: 0 is none of them.
        let rows = try await client.query("""
            UPDATE weft_replica_keys SET epoch = 0 WHERE document = \(name) AND replica = \(id) AND key_hash = \(hash) RETURNING replica
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    /// Nothing to fold: PostgreSQL keeps its own files; the pool ends with the relay's task group.
    public func close() async {}

    public func healthProblem() async -> String? {
        if let problem = listenerProblem.withLock({ $0 }) { return problem }
        do {
            try await Self.withTimeout(.seconds(2)) { [client, logger] in
                _ = try await client.query("SELECT 1", logger: logger)
            }
            return nil
        } catch {
            return "PostgreSQL at \(location) does not answer: \(Self.describe(error))"
        }
    }

    /// A PostgreSQL error in words a person can act on (PSQLError's own description hides detail on purpose).
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "PostgreSQL says: \(message)" + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
    }

    /// `body`'s result, or `StoreError` once `limit` has passed without one.
    public static func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw StoreError("no answer within \(limit)")
            }
            defer { group.cancelAll() }
            return try await group.next()!!
        }
    }
}
