import Foundation
import WeftCRDT
import WeftWire

/// The document as last synced: snapshot (with this replica's own queued edits in it), the
/// relay's epoch and the last serverSeq applied. Lets a document open at once and offline.
/// Format: `FILES.md`. Saved atomically (temporary file, fsync, rename).
public struct ReplicaCache: Sendable {
    public var replica: ReplicaID
    public var epoch: UInt64
    public var lastServerSeq: UInt64
    public var snapshot: [UInt8]
    /// The highest clientSeq whose edit the snapshot holds (nil: a cache of the first format,
    /// which did not say). Opening a damaged queue compares it with what the queue kept, to
    /// know whether the cache holds batches the queue lost.
    public var queuedThrough: UInt64?
    /// The relay's latest receipt for this replica's batches (PROTOCOL.md, `receipt`): what the
    /// client shows should the relay lose them.
    public var receipt: Receipt?
    /// The batch applied at `lastServerSeq` (nil: not known, as after a snapshot): named in the
    /// next hello (PROTOCOL.md, flag bit 6).
    public var lastEntry: LogPosition?

    static let magic = Array("WEFTC004".utf8)
    /// The third format, without `lastEntry`: still read.
    static let thirdMagic = Array("WEFTC003".utf8)
    /// Every format read, newest first.
    static let formats = [magic, thirdMagic, secondMagic, firstMagic]
    /// The second format, without `receipt`: still read.
    static let secondMagic = Array("WEFTC002".utf8)
    /// The first format, without `queuedThrough` either: still read.
    static let firstMagic = Array("WEFTC001".utf8)

    public init(replica: ReplicaID, epoch: UInt64, lastServerSeq: UInt64, snapshot: [UInt8], queuedThrough: UInt64? = nil,
                receipt: Receipt? = nil, lastEntry: LogPosition? = nil) {
        self.lastEntry = lastEntry
        self.queuedThrough = queuedThrough
        self.receipt = receipt
        self.replica = replica
        self.epoch = epoch
        self.lastServerSeq = lastServerSeq
        self.snapshot = snapshot
    }

    /// The relay epoch the cache at `url` names, read from its header alone (no checksum, no
    /// snapshot: cheap on a 100 MB document); nil when there is no cache or it is not one, 0 when
    /// its copy never synced with a relay.
    public static func epoch(at url: URL) -> UInt64? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 24), data.count == 24 else { return nil }
        let bytes = [UInt8](data)
        guard Self.formats.contains(Array(bytes[0..<8])) else { return nil }
        var reader = ByteReader(Array(bytes[16...]))  // after the magic and the replica, as `load` reads it
        return try? reader.uint64()
    }

    /// The cache at `url`; nil when there is none.
    /// - Throws: `SyncError(.io)` when the file exists but is damaged (the caller starts over and says so).
    public static func load(from url: URL) throws(SyncError) -> ReplicaCache? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let bytes = [UInt8](data)
        let version = bytes.count > 12 ? Array(bytes[0..<8]) : []
        guard formats.contains(version) else { throw SyncError(.io, "\(url.path) is not a Weft replica cache") }
        let body = Array(bytes[0..<(bytes.count - 4)])
        let stored = bytes.uint32(at: bytes.count - 4)
        guard CRC32C.checksum(body) == stored else { throw SyncError(.io, "the replica cache \(url.path) is damaged (checksum)") }
        var reader = ByteReader(Array(body[8...]))
        do throws(DecodingError) {
            var cache = try header(version: version, from: &reader)
            let count = try reader.count(minimumBytes: 1)
            guard count == reader.remaining else { throw DecodingError(.invalid, "snapshot length \(count) with \(reader.remaining) bytes left") }
            cache.snapshot = Array(body[(8 + reader.offset)...])
            return cache
        } catch {
            throw SyncError(.io, "the replica cache \(url.path) does not decode: \(error.message)")
        }
    }

    /// The fields before the snapshot, read after the magic (`version`), without the snapshot.
    private static func header(version: [UInt8], from reader: inout ByteReader) throws(DecodingError) -> ReplicaCache {
        let replica = ReplicaID(try reader.uint64())
        let epoch = try reader.uint64()
        let lastServerSeq = try reader.varint()
        let queuedThrough = version == firstMagic ? nil : try reader.varint()
        var receipt: Receipt?
        if version == magic || version == thirdMagic {
            let clientSeq = try reader.varint(), serverSeq = try reader.varint()
            let proof = Array(try reader.raw(try reader.count(minimumBytes: 1)))
            if clientSeq > 0 || serverSeq > 0 { receipt = Receipt(clientSeq: clientSeq, serverSeq: serverSeq, proof: proof) }
        }
        var lastEntry: LogPosition?
        if version == magic {
            let replica = ReplicaID(try reader.uint64()), clientSeq = try reader.varint()
            if clientSeq > 0 { lastEntry = LogPosition(replica: replica, clientSeq: clientSeq) }
        }
        return ReplicaCache(replica: replica, epoch: epoch, lastServerSeq: lastServerSeq, snapshot: [], queuedThrough: queuedThrough, receipt: receipt,
                            lastEntry: lastEntry)
    }

    /// The start of the text of the cache at `url` (at most `limit` bytes of UTF-8) and the
    /// length of the whole text in bytes and in scalars, read without checking the cache or building the
    /// document, so that a screen can show it at once; nil when there is no cache or it does not
    /// read as one. The first `firstRead` bytes of the file hold it unless the document's history
    /// is long; then the whole file is read.
    public static func textPreview(at url: URL, limit: Int, firstRead: Int = 1 << 20) -> (text: String, totalBytes: Int, totalScalars: Int)? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        var bytes = [UInt8]((try? handle.read(upToCount: firstRead)) ?? Data())
        while true {
            let version = bytes.count > 12 ? Array(bytes[0..<8]) : []
            guard formats.contains(version) else { return nil }
            var reader = ByteReader(Array(bytes[8...]))
            guard (try? header(version: version, from: &reader)) != nil, (try? reader.varint()) != nil else { return nil }
            if let preview = Replica.visibleTextPrefix(ofSnapshot: Array(bytes[(8 + reader.offset)...]), limit: limit) { return preview }
            // Not enough in the first read: the rest too, once.
            guard bytes.count == firstRead, let rest = try? handle.readToEnd(), !rest.isEmpty else { return nil }
            bytes += rest
        }
    }

    /// Writes the cache so that a crash leaves either the old one or this one.
    public func save(to url: URL) throws(SyncError) {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.uint64(replica.rawValue)
        writer.uint64(epoch)
        writer.varint(lastServerSeq)
        writer.varint(queuedThrough ?? 0)
        writer.varint(receipt?.clientSeq ?? 0)
        writer.varint(receipt?.serverSeq ?? 0)
        writer.varint(receipt?.proof.count ?? 0)
        writer.raw(receipt?.proof ?? [])
        writer.uint64(lastEntry?.replica.rawValue ?? 0)
        writer.varint(lastEntry?.clientSeq ?? 0)
        writer.varint(snapshot.count)
        writer.raw(snapshot)
        writer.uint32(CRC32C.checksum(writer.bytes))
        do {
            try DurableFile.replace(url, with: Data(writer.bytes))
        } catch {
            throw SyncError(.io, "cannot save the replica cache \(url.path): \(error)")
        }
    }
}
