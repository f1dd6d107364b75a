import Foundation
import WeftCRDT
import WeftSync
import WeftWire

/// One simulated `weft` client: the `DocumentCopy` a real session keeps (sync machine, offline
/// queue and replica cache files on a RAM disk, replica), its effects performed on the simulated
/// network and clock. What survives a kill is what a real client keeps on disk: the files.
final class SimClient {
    let index: Int
    let readOnly: Bool
    let directory: URL
    var queueURL: URL { directory.appendingPathComponent(DocumentFiles.queueName) }

    /// The running process's copy; nil while the process is dead (memory lost, files kept).
    var copy: DocumentCopy?
    /// The link of the current connection, if any.
    var link: UInt64?
    /// Bumped by every retry scheduled, so that only the latest fires.
    var retryToken: UInt64 = 0
    /// When this run of the process started (for client-hours).
    var startedAt: VirtualTime = 0

    init(index: Int, readOnly: Bool, directory: URL) {
        self.index = index
        self.readOnly = readOnly
        self.directory = directory
    }

    var running: Bool { copy != nil }
    var machine: SyncMachine { copy!.machine }
    var replica: Replica { copy!.replica }
    var queue: OfflineQueue { copy!.queue }
    var canEdit: Bool { copy!.canEdit }

    /// Whether the client's files held a cache when it started (for the log).
    var hasCache: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent(DocumentFiles.cacheName).path) }

    /// Whether every queued batch is acknowledged and the replay is done.
    var isSettled: Bool { copy?.machine.isSettled ?? false }

    /// The process dies: memory is gone (the files' lock with it), the files stay.
    func kill() {
        copy = nil
        link = nil
        retryToken += 1
    }
}
