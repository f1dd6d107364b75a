import Foundation
import WeftCRDT

/// The secret a replica proves itself with: the relay binds the replica id to the first key it
/// sees (PROTOCOL.md rule 8), so nobody who merely saw the id in a broadcast can write as it.
/// Made with the replica, kept beside its queue (mode 0600). Format: `FILES.md`.
public struct ReplicaKey: Sendable, Equatable {
    public let replica: ReplicaID
    /// 32 random bytes.
    public let bytes: [UInt8]

    static let magic = Array("WEFTK001".utf8)

    /// The key of `replica` kept at `url`, made (and written durably) when there is none.
    /// - Throws: `SyncError(.io)` when a new key cannot be written.
    public static func loadOrCreate(at url: URL, for replica: ReplicaID) throws(SyncError) -> ReplicaKey {
        if let key = load(at: url, for: replica) { return key }
        var random = SystemRandomNumberGenerator()
        let key = ReplicaKey(replica: replica, bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
        var writer = ByteWriter()
        writer.raw(magic)
        writer.uint64(replica.rawValue)
        writer.raw(key.bytes)
        do {
            try DurableFile.replace(url, with: Data(writer.bytes))
        } catch {
            throw SyncError(.io, "cannot save this replica's key in \(url.path): \(error)")
        }
        return key
    }

    /// The key of `replica` kept at `url`; nil when there is none, or the file holds another's.
    public static func load(at url: URL, for replica: ReplicaID) -> ReplicaKey? {
        guard let data = FileManager.default.contents(atPath: url.path), data.count == 48, Array(data.prefix(8)) == magic else { return nil }
        var reader = ByteReader(Array(data.dropFirst(8)))
        guard let stored = try? reader.uint64(), stored == replica.rawValue else { return nil }
        return ReplicaKey(replica: replica, bytes: Array(data.suffix(32)))
    }
}
