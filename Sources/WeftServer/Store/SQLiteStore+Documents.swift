import Foundation
import GRDB
import WeftWire

extension SQLiteStore {
    /// The tables holding a document's rows, besides `documents` itself: what delete and rename touch.
    static let documentTables = ["log", "history", "history_packs", "replicas", "replica_keys", "replica_authors"]

    public func isRetired(_ epoch: UInt64, of document: DocumentName) async throws -> Bool {
        try await tracking { try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM retired_epochs WHERE document = ? AND epoch = ?)",
                              arguments: [document.rawValue, Self.int(epoch)]) ?? false
        } }
    }

    public func documents(named name: DocumentName?) async throws -> [DocumentSummary] {
        try await tracking { try await pool.read { db in
            let filter = name == nil ? "" : "WHERE d.name = ?"
            var arguments = StatementArguments()
            if let name { arguments += [name.rawValue] }
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.name, d.epoch, d.head,
                       max(coalesce((SELECT max(committed_at) FROM log WHERE document = d.name), -1),
                           coalesce((SELECT max(committed_at) FROM history WHERE document = d.name), -1),
                           coalesce((SELECT max(last_committed_at) FROM history_packs WHERE document = d.name), -1)) AS changed
                FROM documents d \(filter) ORDER BY d.name
                """, arguments: StatementArguments(name.map { [$0.rawValue] } ?? []))
            return rows.compactMap { row -> DocumentSummary? in
                // A name the relay could not have made (edited into the file by hand) is left out.
                guard let name = try? DocumentName(row["name"] as String) else { return nil }
                let changed: Int64 = row["changed"]
                return DocumentSummary(name: name, epoch: Self.uint(row["epoch"]), head: Self.uint(row["head"]),
                                       changedAt: changed < 0 ? nil : UInt64(changed))
            }
        } }
    }

    public func delete(_ document: DocumentName) async throws -> UInt64? {
        try await tracking { try await pool.write { db in
            guard let epoch = try Int64.fetchOne(db, sql: "SELECT epoch FROM documents WHERE name = ?", arguments: [document.rawValue]) else {
                return nil
            }
            try Self.retire(db, document, epoch: epoch)
            for table in ["documents"] + Self.documentTables {
                let column = table == "documents" ? "name" : "document"
                try db.execute(sql: "DELETE FROM \(table) WHERE \(column) = ?", arguments: [document.rawValue])
            }
            return Self.uint(epoch)
        } }
    }

    public func rename(_ document: DocumentName, to newName: DocumentName) async throws -> RenameOutcome {
        try await tracking { try await pool.write { db in
            guard let epoch = try Int64.fetchOne(db, sql: "SELECT epoch FROM documents WHERE name = ?", arguments: [document.rawValue]) else {
                return .missing
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM documents WHERE name = ?", arguments: [newName.rawValue]) == true {
                return .targetExists
            }
            try Self.retire(db, document, epoch: epoch)
            try db.execute(sql: "UPDATE documents SET name = ? WHERE name = ?", arguments: [newName.rawValue, document.rawValue])
            for table in Self.documentTables {
                try db.execute(sql: "UPDATE \(table) SET document = ? WHERE document = ?", arguments: [newName.rawValue, document.rawValue])
            }
            return .renamed(epoch: Self.uint(epoch))
        } }
    }

    private static func retire(_ db: Database, _ document: DocumentName, epoch: Int64) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO retired_epochs (document, epoch) VALUES (?, ?)", arguments: [document.rawValue, epoch])
    }
}
