import Logging
import Synchronization

/// The revocations in the store, as this relay last read them: checking a token against them on
/// every message costs a lock and a scan of a short list, never a query. The relay rereads them
/// every `refreshInterval`, so a revocation made by `weft token revoke` (or on another relay of a
/// shared database) closes open connections within about that long, on their next message.
public final class RevocationList: Sendable {
    private let current = Mutex<[TokenRevocation]>([])

    /// How often the relay rereads the store's revocations.
    public static let refreshInterval: Duration = .seconds(1)

    public init() {}

    /// Whether a recorded revocation refuses `token`.
    public func refuses(_ token: AccessToken) -> Bool {
        guard token.user != nil else { return false }
        return current.withLock { list in list.contains { $0.refuses(token) } }
    }

    /// Reads the store's revocations now.
    public func refresh(from store: any RelayStore) async throws {
        let found = try await store.revocations()
        current.withLock { $0 = found }
    }

    /// Rereads the store's revocations every `refreshInterval` until cancelled; a failed read keeps
    /// the last list (the store's own health is reported by `/healthz`).
    func keepFresh(from store: any RelayStore, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await refresh(from: store)
            } catch {
                logger.debug("could not read token revocations", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: Self.refreshInterval)
        }
    }
}
