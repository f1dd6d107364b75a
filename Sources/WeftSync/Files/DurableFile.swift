import Foundation

/// Replacing a file so that a crash leaves either the old one or the whole new one.
enum DurableFile {
    /// Writes `data` to a temporary file beside `url`, syncs it, renames it over `url` and syncs
    /// the directory: the file is either the old one or the whole new one, even after a crash.
    static func replace(_ url: URL, with data: Data) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let file = try FileHandle(forWritingTo: temporary)
        try file.truncate(atOffset: 0)
        try file.write(contentsOf: data)
        try file.synchronize()
        try file.close()
        guard rename(temporary.path, url.path) == 0 else {
            throw SyncError(.io, "cannot rename \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
        }
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY)
        if directory >= 0 { fsync(directory); close(directory) }
    }
}
