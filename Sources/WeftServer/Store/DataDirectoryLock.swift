import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One relay per data directory. Two relays on one SQLite store each cache documents the other
/// changes underneath them, and fight over its write lock ("database is locked" for their
/// clients); the second one is refused at start instead. The lock is `flock` on `relay.lock` in
/// the directory, which the kernel releases when the process ends, however it ends.
final class DataDirectoryLock: Sendable {
    static let fileName = "relay.lock"
    private let descriptor: Int32

    /// Takes the lock, writing this process's id into the file for the next one to name.
    /// - Throws: `RelayStartError` naming the relay that holds it, or why the file cannot be made.
    init(directory: URL) throws {
        let file = directory.appendingPathComponent(Self.fileName)
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RelayStartError("cannot create \(file.path): \(String(cString: strerror(errno))); check the data directory's permissions")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw RelayStartError("""
                another relay\(holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? "") is using the data directory \(directory.path): \
                stop it first (`weft relay stop`, or a signal to that pid), or give this relay its own --data
                """)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
