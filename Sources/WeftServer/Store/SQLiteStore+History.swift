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

    public func history(of document: DocumentName, after serverSeq: UInt64, limit: Int) async throws -> (floor: UInt64, entries: [HistoryEntry]) {
        try await tracking { try await pool.read { db in
            let floor = try Int64.fetchOne(db, sql: "SELECT history_floor FROM documents WHERE name = ?", arguments: [document.rawValue]).map(Self.uint) ?? 0
            let columns = "server_seq, replica, client_seq, ops, author, author_verified, committed_at"
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(columns) FROM history WHERE document = ?1 AND server_seq > ?2
                UNION ALL SELECT \(columns) FROM log WHERE document = ?1 AND server_seq > ?2
                ORDER BY server_seq LIMIT ?3
                """, arguments: [document.rawValue, Self.int(max(serverSeq, floor)), Int64(min(limit, Int(Int64.max)))])
            return (floor, rows.map { row in
                let name: String? = row["author"]
                let time: Int64? = row["committed_at"]
                return HistoryEntry(serverSeq: Self.uint(row["server_seq"]), replica: ReplicaID(Self.uint(row["replica"])),
                                    clientSeq: Self.uint(row["client_seq"]),
                                    author: name.map { BatchAuthor(name: $0, verified: row["author_verified"]) },
                                    committedAt: time.map(Self.uint), ops: [UInt8](row["ops"] as Data))
            })
        } }
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
