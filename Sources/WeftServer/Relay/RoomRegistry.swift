import Logging
import WeftWire

/// The open documents, loaded from the store on first use.
actor RoomRegistry {
    private let store: any RelayStore
    private let logger: Logger
    private var rooms: [DocumentName: Task<DocumentRoom, any Error>] = [:]

    init(store: any RelayStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The document's room; a broken one is replaced by a fresh load.
    func room(_ name: DocumentName) async throws -> DocumentRoom {
        if let existing = rooms[name] {
            let room = try await existing.value
            if await !room.isBroken { return room }
            rooms[name] = nil
        }
        let store = self.store, logger = self.logger
        let loading = Task {
            let log = try DocumentLog(document: name, stored: try await store.open(name))
            return DocumentRoom(name: name, store: store, log: log, logger: logger)
        }
        rooms[name] = loading
        do {
            return try await loading.value
        } catch {
            rooms[name] = nil
            throw error
        }
    }

}
