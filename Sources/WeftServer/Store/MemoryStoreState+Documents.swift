import WeftWire

extension MemoryStoreState {
    /// See `RelayStore.documents`.
    public func documents(named name: DocumentName?) throws(StoreError) -> [DocumentSummary] {
        try available()
        return documents.filter { name == nil || $0.key == name }.sorted { $0.key.rawValue < $1.key.rawValue }.map { name, document in
            DocumentSummary(name: name, epoch: document.epoch, head: document.head,
                            changedAt: document.history.compactMap(\.committedAt).max())
        }
    }

    /// See `RelayStore.delete`.
    public mutating func delete(_ name: DocumentName) throws(StoreError) -> UInt64? {
        try available()
        guard let document = documents.removeValue(forKey: name) else { return nil }
        retiredEpochs[name, default: []].insert(document.epoch)
        return document.epoch
    }

    /// See `RelayStore.isRetired`.
    public func isRetired(_ epoch: UInt64, of name: DocumentName) throws(StoreError) -> Bool {
        try available()
        return retiredEpochs[name]?.contains(epoch) ?? false
    }

    /// See `RelayStore.rename`.
    public mutating func rename(_ name: DocumentName, to newName: DocumentName) throws(StoreError) -> RenameOutcome {
        try available()
        guard let document = documents[name] else { return .missing }
        guard documents[newName] == nil else { return .targetExists }
        documents[name] = nil
        documents[newName] = document
        retiredEpochs[name, default: []].insert(document.epoch)
        return .renamed(epoch: document.epoch)
    }
}
