import Logging
import NIOCore
import PostgresNIO
import WeftCRDT
import WeftWire

extension PostgresStore {
    public func bindAuthor(_ replica: ReplicaID, in document: DocumentName, to author: BatchAuthor) async throws -> BatchAuthor {
        try await prepare()
        let name = document.rawValue, id = Self.int(replica.rawValue)
        try await client.query("""
            INSERT INTO weft_replica_authors (document, replica, name, verified) VALUES (\(name), \(id), \(author.name), \(author.verified))
            ON CONFLICT (document, replica) DO UPDATE SET verified = weft_replica_authors.verified OR EXCLUDED.verified
            WHERE weft_replica_authors.name = EXCLUDED.name
            """, logger: logger)
        let bound = try await client.withConnection { connection in
            try await Self.boundAuthors(of: [id], in: name, connection, logger: logger)
        }
        guard let found = bound[replica] else { throw StoreError("the author of replica \(replica) in \(document) vanished while being bound") }
        return found
    }

    /// The authors `replicas` (as stored: bit patterns) are bound to in document `name`.
    static func boundAuthors(of replicas: [Int64], in name: String, _ connection: PostgresConnection, logger: Logger) async throws -> [ReplicaID: BatchAuthor] {
        let rows = try await connection.query(
            "SELECT replica, name, verified FROM weft_replica_authors WHERE document = \(name) AND replica = ANY(\(replicas))", logger: logger)
        var authors: [ReplicaID: BatchAuthor] = [:]
        for try await (replica, author, verified) in rows.decode((Int64, String, Bool).self) {
            authors[ReplicaID(uint(replica))] = BatchAuthor(name: author, verified: verified)
        }
        return authors
    }

    public func history(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> (floor: UInt64, entries: [HistoryEntry]) {
        try await prepare()
        let name = document.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            // One snapshot of the database: a compaction moving entries from the log to the
            // history meanwhile must not make them appear twice or not at all.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var floor: Int64 = 0
            for try await value in try await connection.query("SELECT history_floor FROM weft_documents WHERE name = \(name)", logger: logger).decode(Int64.self) {
                floor = value
            }
            let after = max(Self.int(serverSeq), floor), limit = Int64(limit)
            let rows = try await connection.query("""
                SELECT server_seq, replica, client_seq, ops, author, author_verified, committed_at FROM (
                    SELECT server_seq, replica, client_seq, ops, author, author_verified, committed_at FROM weft_history
                    WHERE document = \(name) AND server_seq > \(after)
                    UNION ALL
                    SELECT server_seq, replica, client_seq, ops, author, author_verified, committed_at FROM weft_log
                    WHERE document = \(name) AND server_seq > \(after)
                ) AS entries ORDER BY server_seq LIMIT \(limit)
                """, logger: logger)
            var entries: [HistoryEntry] = []
            for try await (seq, replica, clientSeq, ops, author, verified, time) in rows.decode((Int64, Int64, Int64, ByteBuffer, String?, Bool, Int64?).self) {
                entries.append(HistoryEntry(serverSeq: Self.uint(seq), replica: ReplicaID(Self.uint(replica)), clientSeq: Self.uint(clientSeq),
                                            author: author.map { BatchAuthor(name: $0, verified: verified) },
                                            committedAt: time.map(Self.uint), ops: Array(buffer: ops)))
            }
            return (Self.uint(floor), entries)
        }
    }

    public func revoke(_ revocation: TokenRevocation) async throws {
        try await prepare()
        let document = revocation.document?.rawValue ?? "", at = Self.int(revocation.revokedAt)
        try await client.query("""
            INSERT INTO weft_revocations (username, document, revoked_at) VALUES (\(revocation.user), \(document), \(at))
            ON CONFLICT (username, document) DO UPDATE SET revoked_at = GREATEST(weft_revocations.revoked_at, EXCLUDED.revoked_at)
            """, logger: logger)
    }

    public func revocations() async throws -> [TokenRevocation] {
        try await prepare()
        var found: [TokenRevocation] = []
        let rows = try await client.query("SELECT username, document, revoked_at FROM weft_revocations", logger: logger)
        for try await (user, document, at) in rows.decode((String, String, Int64).self) {
            found.append(TokenRevocation(user: user, document: document.isEmpty ? nil : try DocumentName(document), revokedAt: Self.uint(at)))
        }
        return found
    }
}
