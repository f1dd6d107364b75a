import Foundation
import WeftCRDT
import WeftSync

/// The pager's own copy of a document: a throwaway data directory seeded from this machine's
/// cache. Paging queues nothing, so it needs neither the document's queue nor its lock: a pager
/// beside `weft edit` or `weft apply` in the same home blocks neither, and it still opens at once
/// (and offline) from what the cache holds, then catches up with the relay.
struct PagerCopy {
    /// The throwaway home the pager's session uses.
    let home: ClientHome
    private let root: URL

    init(of address: DocumentAddress, in home: ClientHome) {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("weft-view-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        self.home = ClientHome(data: root, config: home.config)
        let cached = home.directory(for: address).appendingPathComponent(DocumentFiles.cacheName)
        guard let cache = try? ReplicaCache.load(from: cached) else { return }
        // A replica id of its own, so the relay and the others tell the pager and the editor apart.
        let seed = ReplicaCache(replica: ReplicaID(UInt64.random(in: 1...UInt64.max)), epoch: cache.epoch,
                                lastServerSeq: cache.lastServerSeq, snapshot: cache.snapshot)
        let directory = self.home.directory(for: address)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try seed.save(to: directory.appendingPathComponent(DocumentFiles.cacheName))
        } catch {
            // Without a seed the pager starts empty and fills from the relay: slower, not wrong.
        }
    }

    /// Deletes the copy.
    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
