import Foundation
import GRDB
import WeftCRDT
import WeftWire

extension SQLiteStore {
    public func bindAuthor(_ replica: ReplicaID, in document: DocumentName, to author: BatchAuthor) async throws -> BatchAuthor {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO replica_authors (document, replica, name, verified) VALUES (?, ?, ?, ?)
                ON CONFLICT (document, replica) DO UPDATE SET verified = max(verified, excluded.verified) WHERE name = excluded.name
                """,
                           arguments: [document.rawValue, Self.int(replica.rawValue), author.name, author.verified])
            guard let bound = try Self.boundAuthors(db, document, replicas: [replica])[replica] else {
                throw StoreError("the author of replica \(replica) in \(document) vanished while being bound")
            }
            return bound
        }
    }

    /// The authors `replicas` are bound to in `document` (replicas bound to none are left out).
    static func boundAuthors(_ db: Database, _ document: DocumentName, replicas: Set<ReplicaID>) throws -> [ReplicaID: BatchAuthor] {
        let select = try db.cachedStatement(sql: "SELECT name, verified FROM replica_authors WHERE document = ? AND replica = ?")
        var authors: [ReplicaID: BatchAuthor] = [:]
        for replica in replicas {
            if let row = try Row.fetchOne(select, arguments: [document.rawValue, int(replica.rawValue)]) {
                authors[replica] = BatchAuthor(name: row["name"], verified: row["verified"])
            }
        }
        return authors
    }

    public func history(of document: DocumentName, after serverSeq: UInt64, within limit: HistoryReadLimit) async throws -> (floor: UInt64, entries: [HistoryEntry]) {
        try await tracking { try await pool.read { db in
            let floor = try Int64.fetchOne(db, sql: "SELECT history_floor FROM documents WHERE name = ?", arguments: [document.rawValue]).map(Self.uint) ?? 0
            let after = max(serverSeq, floor)
            var packed: [HistoryEntry] = []
            let packs = try Data.fetchCursor(db, sql: "SELECT bytes FROM history_packs WHERE document = ? AND last_seq > ? ORDER BY first_seq",
                                             arguments: [document.rawValue, Self.int(after)])
            while limit.count(within: packed) == packed.count, let bytes = try packs.next() {
                packed += try HistoryPack.decode([UInt8](bytes)).lazy.filter { $0.serverSeq > after }
            }
            // Rows an earlier version kept one a batch, not packed yet, and the log: read a row
            // at a time, up to the first past the limit (a page of large batches reads a
            // megabyte of them, not ten thousand).
            let rows = try ["history", "log"].map { table in
                let cursor = try Self.historyCursor(db, table: table, document, after: after, through: UInt64(Int64.max), limit: .max)
                var tally = HistoryReadLimit.Tally(limit)
                var rows: [HistoryEntry] = []
                while let row = try cursor.next() {
                    rows.append(row)
                    guard tally.readsOn(after: row) else { break }
                }
                return rows
            }
            return (floor, HistoryPack.merged([packed] + rows, within: limit))
        } }
    }

    /// Up to `limit` entries of `table` (`log`, or `history` as earlier versions kept it) with
    /// sequences in `after + 1 ... through`, in order.
    static func historyEntries(_ db: Database, table: String, _ document: DocumentName, after: UInt64 = 0, through: UInt64 = UInt64(Int64.max),
                               limit: Int) throws -> [HistoryEntry] {
        try Array(historyCursor(db, table: table, document, after: after, through: through, limit: limit))
    }

    private static func historyCursor(_ db: Database, table: String, _ document: DocumentName, after: UInt64, through: UInt64,
                                      limit: Int) throws -> MapCursor<RowCursor, HistoryEntry> {
        try Row.fetchCursor(db, sql: """
            SELECT server_seq, replica, client_seq, ops, author, author_verified, committed_at FROM \(table)
            WHERE document = ? AND server_seq > ? AND server_seq <= ? ORDER BY server_seq LIMIT ?
            """, arguments: [document.rawValue, int(after), int(through), Int64(min(limit, Int(Int64.max)))]).map { row in
            let name: String? = row[4]
            let time: Int64? = row[6]
            return HistoryEntry(serverSeq: uint(row[0]), replica: ReplicaID(uint(row[1])), clientSeq: uint(row[2]),
                                author: name.map { BatchAuthor(name: $0, verified: row[5]) },
                                committedAt: time.map(uint), ops: try bytes(row, 3))
        }
    }

    /// Packs the log's entries up to `through` into `document`'s history as they are read (never
    /// all of them in memory at once: they may be thousands of large batches).
    static func packLog(_ db: Database, _ document: DocumentName, through: UInt64) throws {
        var packer = HistoryPack.Packer()
        let entries = try historyCursor(db, table: "log", document, after: 0, through: through, limit: .max)
        while let entry = try entries.next() { try insert(db, document, packs: packer.add(entry)) }
        try insert(db, document, packs: packer.finish())
    }

    /// Stores `entries` (in order) as packs of `document`'s history.
    static func pack(_ db: Database, _ document: DocumentName, entries: [HistoryEntry]) throws {
        try insert(db, document, packs: HistoryPack.packs(of: entries))
    }

    private static func insert(_ db: Database, _ document: DocumentName, packs: [HistoryPack.Packed]) throws {
        guard !packs.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO history_packs (document, first_seq, last_seq, entry_count, last_committed_at, bytes) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for pack in packs {
            try insert.execute(arguments: [document.rawValue, int(pack.firstSeq), int(pack.lastSeq), pack.count,
                                           pack.lastCommittedAt.map(int), Data(pack.bytes)])
        }
    }

    public func revoke(_ revocation: TokenRevocation) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO revocations (user, document, revoked_at) VALUES (?, ?, ?)
                ON CONFLICT (user, document) DO UPDATE SET revoked_at = max(revoked_at, excluded.revoked_at)
                """, arguments: [revocation.user, revocation.document?.rawValue ?? "", Self.int(revocation.revokedAt)])
        }
    }

    public func revocations() async throws -> [TokenRevocation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT user, document, revoked_at FROM revocations").map { row in
                let document: String = row["document"]
                return TokenRevocation(user: row["user"], document: document.isEmpty ? nil : try DocumentName(document),
                                       revokedAt: Self.uint(row["revoked_at"]))
            }
        }
    }
}
