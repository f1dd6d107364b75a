import Foundation

extension RelayDocuments {
    /// Refuses to read a document that is nowhere: the relay says it has no such document and
    /// this machine (`home`) holds no copy of it, queued edits included. When the relay cannot
    /// say (unreachable, an earlier version), reading goes on as before: offline copies and
    /// queued edits stay readable.
    /// - Throws: `SyncError(.missing)` with a message pointing at `weft ls`.
    public static func requireDocument(_ address: DocumentAddress, home: ClientHome, token: String, caFile: URL?,
                                       timeout: Duration) async throws(SyncError) {
        let files = home.directory(for: address)
        if FileManager.default.fileExists(atPath: files.appendingPathComponent(DocumentFiles.cacheName).path) { return }
        // A queue holding more than its header holds edits made here (a read creates an empty one).
        let queue = try? FileManager.default.attributesOfItem(atPath: files.appendingPathComponent(DocumentFiles.queueName).path)
        if ((queue?[.size] as? NSNumber)?.intValue ?? 0) > OfflineQueue.headerSize { return }
        // Short: this only decides whether to say "no such document"; the read itself has its own timeout.
        if await exists(address, token: token, caFile: caFile, timeout: min(timeout, .seconds(5))) == false {
            throw SyncError(.missing, missingMessage(address))
        }
    }
}
