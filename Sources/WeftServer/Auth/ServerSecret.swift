import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The relay's signing secret: 32 random bytes in `DATA/secret`, created on first use with mode
/// 0600 and refused when anyone but its owner can read it.
public enum ServerSecret {
    public static let fileName = "secret"

    /// Why the secret could not be had.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads the secret from `directory`, creating the directory (0700) and the secret when missing.
    public static func loadOrCreate(in directory: URL) throws -> [UInt8] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create the data directory \(directory.path) (is a file in the way?)")
        }
        let path = directory.appendingPathComponent(fileName).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "\(path) is a directory; the relay keeps its token secret in a file of that name: move the directory away")
        }
        var random = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        // O_EXCL: two processes starting at once cannot both write one.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            defer { close(descriptor) }
            let written = fresh.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == fresh.count, fsync(descriptor) == 0 else {
                throw Failure(description: "could not write the secret to \(path): \(String(cString: strerror(errno)))")
            }
            return fresh
        }
        guard errno == EEXIST else { throw Failure(description: "could not create \(path): \(String(cString: strerror(errno)))") }
        var status = stat()
        guard stat(path, &status) == 0 else { throw Failure(description: "could not read \(path): \(String(cString: strerror(errno)))") }
        guard status.st_mode & 0o077 == 0 else {
            throw Failure(description: "\(path) can be read by other users (mode \(String(status.st_mode & 0o777, radix: 8))); run `chmod 600 \(path)` and make new tokens, since it may have leaked")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "could not read \(path): \(String(cString: strerror(errno)))")
        }
        let secret = [UInt8](data)
        guard secret.count >= 32 else { throw Failure(description: "\(path) holds \(secret.count) bytes, not a Weft secret; move it away to make a new one") }
        return secret
    }
}
