import Logging
import NIOCore
import PostgresNIO
import WeftWire

extension PostgresStore {
    /// The tables holding a document's rows, besides `weft_documents`: what delete and rename touch.
    static let documentTables = ["weft_log", "weft_history", "weft_history_packs", "weft_replicas", "weft_replica_keys", "weft_replica_authors"]

    public func isRetired(_ epoch: UInt64, of document: DocumentName) async throws -> Bool {
        try await prepare()
        let rows = try await client.query("SELECT 1 FROM weft_retired_epochs WHERE document = \(document.rawValue) AND epoch = \(Self.int(epoch))",
                                          logger: logger)
        for try await _ in rows { return true }
        return false
    }

    public func documents(named name: DocumentName?) async throws -> [DocumentSummary] {
        try await prepare()
        let select = """
            SELECT d.name, d.epoch, d.head,
                   GREATEST((SELECT max(committed_at) FROM weft_log WHERE document = d.name),
                            (SELECT max(committed_at) FROM weft_history WHERE document = d.name),
                            (SELECT max(last_committed_at) FROM weft_history_packs WHERE document = d.name))
            FROM weft_documents d
            """
        let rows = if let name {
            try await client.query(PostgresQuery(unsafeSQL: select + " WHERE d.name = $1", binds: Self.binds([name.rawValue])), logger: logger)
        } else {
            try await client.query(PostgresQuery(unsafeSQL: select + " ORDER BY d.name"), logger: logger)
        }
        var found: [DocumentSummary] = []
        for try await (text, epoch, head, changed) in rows.decode((String, Int64, Int64, Int64?).self) {
            // A name the relay could not have made (written into the table by hand) is left out.
            guard let name = try? DocumentName(text) else { continue }
            found.append(DocumentSummary(name: name, epoch: Self.uint(epoch), head: Self.uint(head), changedAt: changed.map { UInt64(max(0, $0)) }))
        }
        return found
    }

    public func delete(_ document: DocumentName) async throws -> UInt64? {
        try await prepare()
        let name = document.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            guard let epoch = try await Self.lockedEpoch(of: name, connection, logger: logger) else { return nil }
            try await Self.retire(name, epoch: epoch, connection, logger: logger)
            try await connection.query("DELETE FROM weft_documents WHERE name = \(name)", logger: logger)
            for table in Self.documentTables {
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE document = $1", binds: Self.binds([name])), logger: logger)
            }
            // Every relay on the database closes its connections to it, once this commits.
            try await Self.notify(StoreNotification.gone(document, epoch: Self.uint(epoch), renamedTo: nil), connection, logger: logger)
            return Self.uint(epoch)
        }
    }

    public func rename(_ document: DocumentName, to newName: DocumentName) async throws -> RenameOutcome {
        try await prepare()
        let name = document.rawValue, target = newName.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            guard let epoch = try await Self.lockedEpoch(of: name, connection, logger: logger) else { return .missing }
            var taken = false
            for try await _ in try await connection.query("SELECT 1 FROM weft_documents WHERE name = \(target)", logger: logger) { taken = true }
            if taken { return .targetExists }
            try await Self.retire(name, epoch: epoch, connection, logger: logger)
            try await connection.query("UPDATE weft_documents SET name = \(target) WHERE name = \(name)", logger: logger)
            for table in Self.documentTables {
                try await connection.query(PostgresQuery(unsafeSQL: "UPDATE \(table) SET document = $1 WHERE document = $2",
                                                         binds: Self.binds([target, name])), logger: logger)
            }
            try await Self.notify(StoreNotification.gone(document, epoch: Self.uint(epoch), renamedTo: newName), connection, logger: logger)
            return .renamed(epoch: Self.uint(epoch))
        }
    }

    /// The document's epoch, its row locked until the transaction ends (commits to it wait); nil when none.
    private static func lockedEpoch(of name: String, _ connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        var epoch: Int64?
        for try await value in try await connection.query("SELECT epoch FROM weft_documents WHERE name = \(name) FOR UPDATE", logger: logger)
            .decode(Int64.self) { epoch = value }
        return epoch
    }

    private static func retire(_ name: String, epoch: Int64, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO weft_retired_epochs (document, epoch) VALUES (\(name), \(epoch)) ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    private static func notify(_ notification: StoreNotification, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), \(notification.payload))", logger: logger)
    }

    private static func binds(_ values: [String]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        return binds
    }
}
