import WeftWire

/// Loads a document on the executor its room will run on: replaying the log since the last
/// snapshot takes as long as applying heavy batches did, and must not hold Swift's shared pool.
actor RoomLoader {
    private let executor: RoomExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(executor: RoomExecutor) {
        self.executor = executor
    }

    /// The document rebuilt from what the store holds.
    /// - Throws: `StoreError` when the stored snapshot or log does not decode or apply.
    func load(_ document: DocumentName, from stored: StoredDocument) throws -> DocumentLog {
        try DocumentLog(document: document, stored: stored)
    }
}
