import ArgumentParser
import Foundation
import Logging
import WeftServer

/// Where a relay keeps its documents, for commands that read or change it beside the running
/// relay (tokens, revocations): its data directory or the PostgreSQL database relays share.
struct RelayStoreAccess: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The relay's data directory.", valueName: "DIR"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL database relays share (as given to weft serve --store).", valueName: "URL"))
    var store: String?

    func validate() throws {
        guard (data == nil) != (store == nil) else { throw ValidationError("give the relay's --data DIR, or the --store URL relays share (one of them)") }
    }

    /// Runs `body` with the relay's store open, giving up on PostgreSQL after 10 s rather than
    /// waiting for it.
    func withStore<T: Sendable>(_ body: @escaping @Sendable (any RelayStore) async throws -> T) async throws -> T {
        if let data {
            let store: SQLiteStore
            do {
                store = try SQLiteStore(directory: URL(fileURLWithPath: data))
            } catch {
                throw ValidationError("\(error)")
            }
            return try await body(store)
        }
        return try await withPostgres(body)
    }

    /// Runs `body` with the `--store` database's pool running, giving up after 10 s.
    func withPostgres<T: Sendable>(_ body: @escaping @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let location = try PostgresLocation(parsing: store ?? "")
        var logger = Logger(label: "weft.store")
        logger.logLevel = .critical
        let postgres = PostgresStore(location: location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.runPool() }
            defer { group.cancelAll() }
            do {
                return try await PostgresStore.withTimeout(.seconds(10)) {
                    try await postgres.probe()
                    return try await body(postgres)
                }
            } catch {
                throw ValidationError("cannot use \(location): \(PostgresStore.describe(error))")
            }
        }
    }
}
