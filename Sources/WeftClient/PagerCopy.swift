import Foundation
import WeftCRDT
import WeftSync

/// The pager's own copy of a document: a throwaway data directory, and this machine's cache
/// loaded once to seed it (handed to the session in memory: writing it out again and reading it
/// back would double what a large document takes to open). Paging queues nothing, so it needs
/// neither the document's queue nor its lock: a pager beside `weft edit` or `weft apply` in the
/// same home blocks neither, and it still opens at once (and offline) from what the cache holds,
/// then catches up with the relay.
struct PagerCopy {
    /// The throwaway home the pager's session uses.
    let home: ClientHome
    /// This machine's cache of the document.
    private let cached: URL
    private let root: URL

    init(of address: DocumentAddress, in home: ClientHome) {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("weft-view-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        self.home = ClientHome(data: root, config: home.config)
        cached = home.directory(for: address).appendingPathComponent(DocumentFiles.cacheName)
    }

    /// What the session starts from, read now (not kept: the session holds the document from
    /// then on); nil when this machine has no cache of the document (the pager then starts empty
    /// and fills from the relay: slower, not wrong).
    func seed() -> ReplicaCache? {
        guard let cache = try? ReplicaCache.load(from: cached) else { return nil }
        // A replica id of its own, so the relay and the others tell the pager and the editor apart.
        return ReplicaCache(replica: ReplicaID(UInt64.random(in: 1...UInt64.max)), epoch: cache.epoch,
                            lastServerSeq: cache.lastServerSeq, snapshot: cache.snapshot)
    }

    /// Deletes the copy.
    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
