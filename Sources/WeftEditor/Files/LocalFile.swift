import Foundation

/// A file edited alone (not shared): read once, written back atomically (a temporary file in
/// the same directory, flushed, then renamed over it, its permissions kept), refusing to write
/// over changes made to it by something else since it was read, unless forced.
public struct LocalFile: Sendable, Equatable {
    /// The file's path as the user gave it.
    public let path: String
    /// Size and modification time when last read or written, to notice writes from elsewhere.
    private var stamp: Stamp?
    /// How the file's lines end, kept when it is written back.
    public private(set) var lineEnding: LineEnding = .lf

    /// How a file's lines end (vim's 'fileformat'). A file whose every line ends in CR LF is
    /// edited as lines ending in LF alone (no `^M` on screen, none to type) and written back with
    /// CR LF; a file with any line ending in LF alone is taken as it is, a CR shown where there is one.
    public enum LineEnding: Sendable, Equatable {
        case lf, crlf

        /// `.crlf` when `bytes` has line feeds and a CR before every one.
        static func of(_ bytes: UnsafeRawBufferPointer) -> LineEnding {
            var sawLineFeed = false
            for index in bytes.indices where bytes[index] == 0x0A {
                guard index > 0, bytes[index - 1] == 0x0D else { return .lf }
                sawLineFeed = true
            }
            return sawLineFeed ? .crlf : .lf
        }

        /// `text`'s UTF-8 with each line feed written as this ending.
        func bytes(of text: String) -> [UInt8] {
            guard self == .crlf else { return Array(text.utf8) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count + text.utf8.count / 16)
            for byte in text.utf8 {
                if byte == 0x0A { bytes.append(0x0D) }
                bytes.append(byte)
            }
            return bytes
        }
    }

    struct Stamp: Sendable, Equatable {
        var size: UInt64
        var modified: Date
    }

    /// Whether `argument` names a file rather than a shared document: `-`, a name that exists
    /// here, or one with a `/` whose directory exists (`./notes.md`, `docs/plan.md`). A `ws://`
    /// address is always a document, and so is a name with a `/` in no directory here (`team/plan`
    /// on the default server).
    public static func isPath(_ argument: String) -> Bool {
        let lower = argument.lowercased()
        if lower.hasPrefix("ws://") || lower.hasPrefix("wss://") { return false }
        if argument == "-" || FileManager.default.fileExists(atPath: argument) { return true }
        guard argument.contains("/") else { return false }
        var isDirectory: ObjCBool = false
        let parent = (argument as NSString).deletingLastPathComponent
        return FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Reads `path` (a file that does not exist yet is empty, and is created by the first write).
    /// - Throws: `LocalFileError` when it cannot be read, is a directory, or is not UTF-8 text.
    public static func open(_ path: String) throws(LocalFileError) -> (file: LocalFile, text: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return (LocalFile(path: path, stamp: nil), "")
        }
        guard !isDirectory.boolValue else { throw LocalFileError("\(path) is a directory") }
        var status = stat()
        // A device or a pipe would be read until it ends (never, for some) and cannot be written
        // back as a file is.
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw LocalFileError("\(path) is not a regular file (a device, pipe or socket); weft edits files")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = access(path, R_OK) == 0 ? "reading it failed" : String(cString: strerror(errno)).lowercased()
            throw LocalFileError("\(path) cannot be read (\(reason))")
        }
        guard var text = String(data: data, encoding: .utf8) else { throw LocalFileError("\(path) is not UTF-8 text") }
        let ending = data.withUnsafeBytes { LineEnding.of($0) }
        if ending == .crlf {
            // Every line feed has its CR just before it: dropping those CRs is all it takes.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(data.count)
            data.withUnsafeBytes { raw in
                for index in raw.indices where !(raw[index] == 0x0D && index + 1 < raw.count && raw[index + 1] == 0x0A) {
                    bytes.append(raw[index])
                }
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        var file = LocalFile(path: path, stamp: Self.stamp(of: path))
        file.lineEnding = ending
        return (file, text)
    }

    /// Whether the file on disk is no longer what was read or last written here.
    public var changedOnDisk: Bool {
        guard let stamp else { return FileManager.default.fileExists(atPath: path) }
        return Self.stamp(of: path) != stamp
    }

    /// Writes `text` back. Unless `force`, refuses when the file changed on disk meanwhile.
    /// - Throws: `LocalFileError` saying what went wrong.
    public mutating func write(_ text: String, force: Bool = false) throws(LocalFileError) {
        if !force, changedOnDisk {
            throw LocalFileError("changed on disk since it was read, so not written: :w! writes over it, :w FILE elsewhere (\(path))")
        }
        if !force, Self.isReadOnly(path) {
            throw LocalFileError("read-only, so not written: :w! writes it all the same, :w FILE elsewhere (\(path))")
        }
        try Self.write(text, to: path, lineEnding: lineEnding)
        stamp = Self.stamp(of: path)
    }

    /// Writes `text` to `path` atomically, keeping the permissions of a file already there
    /// (a new file gets 0644 less the umask, as editors make them). A symbolic link is written
    /// through (the file it names changes; the link stays). In a directory this user cannot
    /// create files in, a file that is writable itself is written in place, as vim does. Each
    /// line feed is written as `lineEnding`.
    /// - Throws: `LocalFileError` saying what went wrong.
    public static func write(_ text: String, to given: String, lineEnding: LineEnding = .lf) throws(LocalFileError) {
        let path = URL(fileURLWithPath: given).resolvingSymlinksInPath().path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let existing = try? FileManager.default.attributesOfItem(atPath: path)
        let mode = (existing?[.posixPermissions] as? NSNumber)?.uint16Value
        if existing != nil, access(directory.path, W_OK) != 0, access(path, W_OK) == 0 {
            return try writeInPlace(lineEnding.bytes(of: text), to: path)
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).weft-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let descriptor = Foundation.open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, mode.map { mode_t($0) } ?? 0o644)
        guard descriptor >= 0 else { throw LocalFileError("cannot write in \(directory.path): \(String(cString: strerror(errno)))") }
        var failure: String?
        var bytes = lineEnding.bytes(of: text)
        var written = 0
        while written < bytes.count, failure == nil {
            let count = bytes.withUnsafeMutableBytes { Foundation.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno != EINTR { failure = String(cString: strerror(errno)) } else if count > 0 { written += count }
        }
        if failure == nil, let mode, fchmod(descriptor, mode_t(mode)) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary.path, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary.path)
            throw LocalFileError("\(path) was not written: \(failure)")
        }
        bytes.removeAll()
    }

    /// Whether `path` is a file this user may not write, or one nobody may (no write permission
    /// at all: read-only even for root, as vim takes it).
    public static func isReadOnly(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path),
              let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else { return false }
        return mode & 0o222 == 0 || access(path, W_OK) != 0
    }

    /// Truncates and writes the file itself: not atomic (a crash midway leaves it cut short), so
    /// only where no temporary file can be made beside it.
    private static func writeInPlace(_ given: [UInt8], to path: String) throws(LocalFileError) {
        let descriptor = Foundation.open(path, O_WRONLY | O_TRUNC)
        guard descriptor >= 0 else { throw LocalFileError("\(path) was not written: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes = given
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Foundation.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0, errno != EINTR { throw LocalFileError("\(path) was not written whole: \(String(cString: strerror(errno)))") }
            if count > 0 { written += count }
        }
        if fsync(descriptor) != 0 { throw LocalFileError("\(path) may not be on disk: \(String(cString: strerror(errno)))") }
        bytes.removeAll()
    }

    private static func stamp(of path: String) -> Stamp? {
        // Of the file a symbolic link names: that is what gets read and written.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: target) else { return nil }
        return Stamp(size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0, modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }
}

/// Why a file could not be read or written, in plain words.
public struct LocalFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    public init(_ message: String) { self.message = message }
}
