import Foundation
import WeftCRDT
import WeftWire

/// What this copy took from the relay since its cache was last saved: every batch others wrote,
/// and the place of each of its own the relay acknowledged, in server-sequence order. Format:
/// `FILES.md`.
///
/// The cache is a snapshot, saved now and then; the queue holds only this replica's batches. Edits
/// typed on text others wrote after the cache was saved refer to characters neither file holds,
/// so without this log a copy reopened after a crash could not place them until the relay replayed
/// those characters again, and a relay that had lost them (restored from an old backup) never
/// would: the copy given back to it would lack what its own user typed. The log is synced before
/// any edit that may build on it is queued (`syncIfWritten`), and emptied when the cache is saved.
///
/// Not thread-safe: one `DocumentCopy` owns it.
public final class ReceivedLog {
    /// One relay batch as applied: its place in the log and its ops (none for this replica's own
    /// batches, which the queue holds).
    public struct Entry: Sendable, Equatable {
        public let serverSeq: UInt64
        public let position: LogPosition
        public let ops: [UInt8]
    }

    /// Which copy the entries continue: the cache's replica and epoch, and the serverSeq the
    /// first entry follows.
    public struct Origin: Sendable, Equatable {
        public let replica: ReplicaID
        public let epoch: UInt64
        public let after: UInt64
    }

    static let magic = Array("WEFTR001".utf8)
    /// When the log passes this, the cache is saved (which empties it).
    public static let saveCacheAfterBytes = 16 << 20

    public let url: URL
    /// What the log continues; nil when its header is unreadable (it holds nothing usable).
    public private(set) var origin: Origin?
    /// The serverSeq of the last entry (the origin's `after` when there is none).
    public private(set) var lastServerSeq: UInt64 = 0
    /// Bytes in the file, and how many of them are synced (what a power cut would leave).
    public private(set) var size = 0
    public private(set) var syncedSize = 0
    private var handle: FileHandle?
    /// Entries with ops written since the last fsync.
    private var unsynced = false

    /// Opens the log at `url` and reads what it holds, keeping the valid prefix: a torn or
    /// damaged tail (a crash while an entry was written, after which nothing typed was synced)
    /// is cut off, unless `repairing` is false (a reader, which changes no file). A missing or
    /// unreadable file is no log.
    /// - Returns: the log and its entries.
    public static func open(at url: URL, repairing: Bool = true) -> (log: ReceivedLog, entries: [Entry]) {
        let log = ReceivedLog(url: url)
        guard let bytes = try? [UInt8](Data(contentsOf: url)), bytes.count >= 8, Array(bytes[0..<8]) == magic else { return (log, []) }
        var reader = ByteReader(Array(bytes[8...]))
        guard let replica = try? reader.uint64(), let epoch = try? reader.uint64(), let after = try? reader.varint() else { return (log, []) }
        log.origin = Origin(replica: ReplicaID(replica), epoch: epoch, after: after)
        var offset = bytes.count - reader.remaining
        var entries: [Entry] = []
        var expected = after + 1
        while bytes.count - offset >= 8 {
            let length = Int(bytes.uint32(at: offset))
            guard length >= 1, bytes.count - offset - 8 >= length else { break }
            let payload = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard CRC32C.checksum(payload) == bytes.uint32(at: offset + 4), let entry = Self.entry(payload), entry.serverSeq == expected else { break }
            entries.append(entry)
            expected += 1
            offset += 8 + length
        }
        log.lastServerSeq = expected - 1
        log.size = offset
        log.syncedSize = offset
        if repairing, offset < bytes.count, let handle = try? FileHandle(forUpdating: url) {
            try? handle.truncate(atOffset: UInt64(offset))
            try? handle.close()
        }
        return (log, entries)
    }

    /// The highest clientSeq of `replica`'s batches the log records the relay acknowledging (0:
    /// none): the queue notes acknowledgements only when the cache is saved, the log as they
    /// come. Read without changing the file (another weft may have it open).
    public static func acknowledged(of replica: ReplicaID, at url: URL) -> UInt64 {
        let (log, entries) = open(at: url, repairing: false)
        guard log.origin?.replica == replica else { return 0 }
        return acknowledged(of: replica, in: entries)
    }

    /// The highest clientSeq of `replica`'s batches among `entries` (0: none).
    public static func acknowledged(of replica: ReplicaID, in entries: [Entry]) -> UInt64 {
        entries.lazy.filter { $0.position.replica == replica }.map(\.position.clientSeq).max() ?? 0
    }

    private init(url: URL) {
        self.url = url
    }

    deinit { try? handle?.close() }

    /// Empties the log and makes it continue `origin` (written beside and renamed over, so a crash
    /// leaves the old log or the new one).
    /// - Throws: `SyncError(.io)` when the file cannot be written.
    public func restart(from origin: Origin) throws(SyncError) {
        // Already empty and continuing it (a cache saved again with nothing received since).
        if origin == self.origin, lastServerSeq == origin.after { return }
        var header = ByteWriter()
        header.raw(Self.magic)
        header.uint64(origin.replica.rawValue)
        header.uint64(origin.epoch)
        header.varint(origin.after)
        do {
            try? handle?.close()
            handle = nil
            try DurableFile.replace(url, with: Data(header.bytes))
        } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
        self.origin = origin
        lastServerSeq = origin.after
        size = header.bytes.count
        syncedSize = size
        unsynced = false
    }

    /// Appends batch `serverSeq`, which must follow the last entry (not synced: `syncIfWritten`
    /// syncs it before the next edit when it holds ops; an entry for one of this copy's own
    /// batches, without ops, is nothing an edit builds on, and is synced with whatever follows).
    /// - Throws: `SyncError(.io)` when the file cannot be written, or the entry does not follow.
    public func append(serverSeq: UInt64, position: LogPosition, ops: [UInt8]) throws(SyncError) {
        guard origin != nil, serverSeq == lastServerSeq + 1 else {
            throw SyncError(.io, "batch \(serverSeq) does not follow \(lastServerSeq) in \(url.path)")
        }
        var payload = ByteWriter()
        payload.varint(serverSeq)
        payload.uint64(position.replica.rawValue)
        payload.varint(position.clientSeq)
        payload.raw(ops)
        var record = ByteWriter()
        record.uint32(UInt32(payload.bytes.count))
        record.uint32(CRC32C.checksum(payload.bytes))
        record.raw(payload.bytes)
        do {
            if handle == nil { handle = try FileHandle(forUpdating: url) }
            try handle!.seekToEnd()
            try handle!.write(contentsOf: Data(record.bytes))
        } catch {
            throw SyncError(.io, "cannot write \(url.path): \(error.localizedDescription)")
        }
        lastServerSeq = serverSeq
        size += record.bytes.count
        if !ops.isEmpty { unsynced = true }
    }

    /// Syncs what was appended since the last sync: before an edit that may build on it is queued.
    /// - Throws: `SyncError(.io)` when the file cannot be synced.
    public func syncIfWritten() throws(SyncError) {
        guard unsynced, let handle else { return }
        do {
            try handle.synchronize()
        } catch {
            throw SyncError(.io, "cannot sync \(url.path): \(error.localizedDescription); the edit was not queued")
        }
        syncedSize = size
        unsynced = false
    }

    private static func entry(_ payload: [UInt8]) -> Entry? {
        var reader = ByteReader(payload)
        guard let serverSeq = try? reader.varint(), let replica = try? reader.uint64(), let clientSeq = try? reader.varint() else { return nil }
        return Entry(serverSeq: serverSeq, position: LogPosition(replica: ReplicaID(replica), clientSeq: clientSeq),
                     ops: Array(payload[(payload.count - reader.remaining)...]))
    }
}
