import Foundation
import WeftCRDT

/// One document's files in the client's data directory, locked for one process at a time.
public final class DocumentFiles {
    public static let queueName = "queue.weftq"
    public static let cacheName = "replica.weftc"
    /// What the copy took from the relay since the cache was saved (`ReceivedLog`).
    public static let receivedName = "received.weftr"

    public static let lockName = "lock"
    /// The document's address as text, for `weft status`.
    public static let addressName = "address"

    public let directory: URL
    private var lockDescriptor: Int32?

    /// Files in a document's directory holding text this copy set aside: a copy kept when the
    /// relay refused an edit or the document was made anew (`recovered-*.txt`), damaged queue
    /// tails and refused queues. The user deletes them once they have what they need.
    public static func setAside(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter {
            $0.hasPrefix("recovered-") || $0.hasPrefix("\(queueName).damaged-") || $0.hasPrefix("\(queueName).set-aside-")
        }.sorted()
    }

    public var queueURL: URL { directory.appendingPathComponent(Self.queueName) }
    public var cacheURL: URL { directory.appendingPathComponent(Self.cacheName) }
    public var receivedURL: URL { directory.appendingPathComponent(Self.receivedName) }
    /// The key of `replica`: one file per replica, so making a new replica never touches the key
    /// of one whose queue is still in use.
    public func keyURL(for replica: ReplicaID) -> URL { directory.appendingPathComponent("replica-\(replica).key") }

    /// Creates the directory (mode 0700) and takes its lock.
    /// - Parameter locking: false only where something else guarantees one user of the directory
    ///   at a time (the simulator's clients live in one process, and a child another thread forks
    ///   holds a copy of a lock until it execs, so a client restarted at once could find its own
    ///   old lock still held).
    /// - Throws: `SyncError(.locked)` when another process has the document open.
    public init(directory: URL, locking: Bool = true) throws(SyncError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SyncError(.io, "cannot create \(directory.path): \(error.localizedDescription)")
        }
        guard locking else {
            lockDescriptor = nil
            return
        }
        let lockPath = directory.appendingPathComponent(Self.lockName).path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SyncError(.io, "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, 31)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(descriptor)
            throw SyncError(.locked, "another weft process (pid \(holder)) has this document open; close it first, or wait for it to finish")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        lockDescriptor = descriptor
    }

    deinit { unlock() }

    /// Lets another process (or a session opened again in this one) take the lock. Nothing may be
    /// written here after.
    public func unlock() {
        guard let lockDescriptor else { return }
        close(lockDescriptor)  // closing releases the flock
        self.lockDescriptor = nil
    }

    /// Whether another process holds `directory`'s lock now (for `weft status`).
    public static func isLocked(_ directory: URL) -> Bool {
        let descriptor = open(directory.appendingPathComponent(lockName).path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { flock(descriptor, LOCK_UN); return false }
        return true
    }
}
