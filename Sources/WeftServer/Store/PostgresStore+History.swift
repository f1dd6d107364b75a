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

    public func history(of document: DocumentName, after serverSeq: UInt64, within limit: HistoryReadLimit) async throws -> (floor: UInt64, entries: [HistoryEntry]) {
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
            let after = max(Self.int(serverSeq), floor)
            // Packs a few at a time, until they hold an entry past `limit`: a page of the history
            // does not fetch every pack after it.
            var packed: [HistoryEntry] = []
            var read = after
            while limit.count(within: packed) == packed.count {
                let packs = try await connection.query("""
                    SELECT bytes, last_seq FROM weft_history_packs WHERE document = \(name) AND last_seq > \(read) ORDER BY last_seq LIMIT 4
                    """, logger: logger)
                let before = read
                for try await (bytes, last) in packs.decode((ByteBuffer, Int64).self) {
                    packed += try HistoryPack.decode(Array(buffer: bytes)).lazy.filter { $0.serverSeq > Self.uint(after) }
                    read = last
                }
                if read == before { break }
            }
            // Rows an earlier version kept one a batch, not packed yet, and the log, each up to
            // its first row past the limit.
            var sources = [packed]
            for table in ["weft_history", "weft_log"] {
                sources.append(try await Self.historyEntries(connection, table: table, name, after: after,
                                                             limit: Int64(min(limit.entries, Int(Int64.max) - 1) + 1), within: limit, logger: logger))
            }
            return (Self.uint(floor), HistoryPack.merged(sources, within: limit))
        }
    }

    /// Up to `limit` entries of `table` (`weft_log`, or `weft_history` as earlier versions kept it)
    /// with sequences in `after + 1 ... through`, in order; with `within`, none after the first
    /// past it.
    static func historyEntries(_ connection: PostgresConnection, table: String, _ name: String, after: Int64 = 0, through: Int64 = .max,
                               limit: Int64, within: HistoryReadLimit? = nil, logger: Logger) async throws -> [HistoryEntry] {
        var binds = PostgresBindings(capacity: 4)
        binds.append(name)
        for bound in [after, through, limit] { binds.append(bound) }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT server_seq, replica, client_seq, ops, author, author_verified, committed_at FROM \(table)
            WHERE document = $1 AND server_seq > $2 AND server_seq <= $3 ORDER BY server_seq LIMIT $4
            """, binds: binds), logger: logger)
        var entries: [HistoryEntry] = []
        var tally = within.map(HistoryReadLimit.Tally.init)
        for try await (seq, replica, clientSeq, ops, author, verified, time) in rows.decode((Int64, Int64, Int64, ByteBuffer, String?, Bool, Int64?).self) {
            let entry = HistoryEntry(serverSeq: uint(seq), replica: ReplicaID(uint(replica)), clientSeq: uint(clientSeq),
                                     author: author.map { BatchAuthor(name: $0, verified: verified) },
                                     committedAt: time.map(uint), ops: Array(buffer: ops))
            entries.append(entry)
            if tally?.readsOn(after: entry) == false { break }
        }
        return entries
    }

    /// Packs the log's entries up to `through` into document `name`'s history, reading them a
    /// page at a time (never all in memory at once: they may be thousands of large batches).
    static func packLog(_ connection: PostgresConnection, _ name: String, through: Int64, logger: Logger) async throws {
        var packer = HistoryPack.Packer()
        var after: Int64 = 0
        while true {
            let page = try await historyEntries(connection, table: "weft_log", name, after: after, through: through, limit: 256, logger: logger)
            guard let last = page.last else { break }
            for entry in page { try await insert(connection, name, packs: packer.add(entry), logger: logger) }
            after = int(last.serverSeq)
        }
        try await insert(connection, name, packs: packer.finish(), logger: logger)
    }

    /// Stores `entries` (in order) as packs of document `name`'s history.
    static func pack(_ connection: PostgresConnection, _ name: String, entries: [HistoryEntry], logger: Logger) async throws {
        try await insert(connection, name, packs: HistoryPack.packs(of: entries), logger: logger)
    }

    private static func insert(_ connection: PostgresConnection, _ name: String, packs: [HistoryPack.Packed], logger: Logger) async throws {
        for pack in packs {
            try await connection.query("""
                INSERT INTO weft_history_packs (document, first_seq, last_seq, entry_count, last_committed_at, bytes)
                VALUES (\(name), \(int(pack.firstSeq)), \(int(pack.lastSeq)), \(pack.count), \(pack.lastCommittedAt.map(int)), \(ByteBuffer(bytes: pack.bytes)))
                """, logger: logger)
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
