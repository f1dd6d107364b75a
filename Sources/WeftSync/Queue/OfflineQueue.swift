import Foundation
import WeftCRDT
import WeftWire

/// The document's durable outbox: every local batch is appended here, and fsync'd, before it
/// counts as typed; it leaves only once the relay has acknowledged it. Format: `FILES.md`.
///
/// Not thread-safe: one `DocumentSession` owns it (and the directory lock keeps other processes out).
public final class OfflineQueue {
    /// A batch as queued: its client sequence and its encoded ops (FORMAT.md "Op batch").
    public struct Batch: Sendable, Equatable {
        public let clientSeq: UInt64
        /// When it was queued (Unix seconds), for `weft status`.
        public let queuedAt: UInt64
        public let ops: [UInt8]
        /// A restore batch: part of this copy of the whole document, given back to a relay that
        /// lost it (sent as `restore`, its ops carry other replicas' ids).
        public var restores = false
        /// More batches of the same edit follow (an edit over the batch limit, cut in several).
        public var continues = false
    }

    /// What opening found wrong at the end of the file, and where the damaged bytes were put.
    public struct Damage: Sendable, CustomStringConvertible {
        public let validBatches: Int
        public let droppedBytes: Int
        public let reason: String
        public let savedTo: URL
        /// The file only ends early: inside a record, or inside an edit's batches. A write that a
        /// crash cut short leaves this, and that write never returned, so none of what it held was
        /// accepted or sent (unlike a record that fails its checksum, after which whole accepted
        /// batches may be lost).
        public var truncated = false
        public var description: String {
            let kept = validBatches == 1 ? "the 1 whole batch" : validBatches == 0 ? "no whole batch" : "the \(validBatches) whole batches"
            return "the offline queue was damaged (\(reason)): kept \(kept) before it; "
                + "the \(droppedBytes) damaged bytes are saved in \(savedTo.path)"
        }
    }

    static let magic = Array("WEFTQ001".utf8)
    static let headerSize = 16
    /// The largest record this build writes: a batch's ops are kept within the protocol's batch
    /// limit (see `append`), so its record is far below this. Reading takes any length the file
    /// holds whole, so a record written by any version is never mistaken for damage.
    static let maxRecordBytes = 1 << 20
    private static let batchKind: UInt8 = 1
    private static let ackKind: UInt8 = 2
    private static let restoreKind: UInt8 = 3
    /// Set on a batch's kind when more batches of the same edit follow: an edit cut into several
    /// batches is read whole or not at all (a crash in the middle of writing it loses the edit,
    /// which never counted as typed, rather than leaving half of a paste to be sent).
    private static let continues: UInt8 = 0x80
    /// Batches of an edit whose last batch is not read yet.
    private var held: [Batch] = []

    public let url: URL
    /// The replica these batches come from: fixed when the queue is created.
    public let replica: ReplicaID
    /// Unacknowledged batches, in clientSeq order.
    public private(set) var pending: [Batch] = []
    /// The highest clientSeq ever assigned (acknowledged or not).
    public private(set) var lastClientSeq: UInt64 = 0
    /// Everything up to here is acknowledged.
    public private(set) var ackedThrough: UInt64 = 0
    /// The highest clientSeq of a restore batch (0: none).
    public private(set) var restoringThrough: UInt64 = 0
    /// Set when opening found a torn or corrupted tail.
    public private(set) var damage: Damage?
    /// Opened read-only: what is wrong with the tail, which is left as it is (it is cut and
    /// saved aside when the document is next opened for writing).
    public private(set) var unreadableTail: String?
    private var handle: FileHandle
    private let readOnly: Bool
    private var size: Int

    /// Opens the queue at `url`, creating it for `newReplica` when it does not exist. With
    /// `readOnly` (to look at a queue another process has open) nothing is created or repaired.
    /// - Throws: `SyncError(.io)` when the file cannot be read or written, or its header is not a queue's.
    public init(url: URL, newReplica: ReplicaID, readOnly: Bool = false) throws(SyncError) {
        self.url = url
        self.readOnly = readOnly
        let manager = FileManager.default
        do {
            if readOnly {
                handle = try FileHandle(forReadingFrom: url)
            } else if !manager.fileExists(atPath: url.path) {
                var header = ByteWriter()
                header.raw(Self.magic)
                header.uint64(newReplica.rawValue)
                try DurableFile.replace(url, with: Data(header.bytes))
                handle = try FileHandle(forUpdating: url)
            } else {
                handle = try FileHandle(forUpdating: url)
            }
        } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError(.io, "cannot open the offline queue \(url.path): \(error.localizedDescription)")
        }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw SyncError(.io, "cannot read the offline queue \(url.path): \(error.localizedDescription)")
        }
        guard bytes.count >= Self.headerSize, Array(bytes[0..<8]) == Self.magic else {
            throw SyncError(.io, "\(url.path) is not a Weft offline queue (bad header); move it aside to start a new one")
        }
        var reader = ByteReader(Array(bytes[8..<16]))
        replica = ReplicaID((try? reader.uint64()) ?? 0)
        size = bytes.count
        try scan(bytes)
    }

    deinit { try? handle.close() }

    /// Reads every record; a bad one ends the valid prefix: the rest is saved aside and cut off.
    private func scan(_ bytes: [UInt8]) throws(SyncError) {
        var offset = Self.headerSize
        var problem: String?
        var truncated = false
        // Where the edit being read began, and the numbering before it, to cut it off whole.
        var editStart: (offset: Int, lastClientSeq: UInt64, restoringThrough: UInt64)?
        while offset < bytes.count {
            if held.isEmpty { editStart = (offset, lastClientSeq, restoringThrough) }
            guard bytes.count - offset >= 8 else {
                problem = "a record header cut short"
                truncated = true
                break
            }
            let length = Int(bytes.uint32(at: offset))
            let checksum = bytes.uint32(at: offset + 4)
            guard length >= 1 else { problem = "an empty record"; break }
            guard bytes.count - offset - 8 >= length else {
                problem = "a record of \(length) bytes cut short at \(bytes.count - offset - 8)"
                truncated = true
                break
            }
            let payload = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard CRC32C.checksum(payload) == checksum else { problem = "a record whose checksum does not match"; break }
            if let error = apply(payload) { problem = error; break }
            offset += 8 + length
        }
        if !held.isEmpty, let start = editStart {
            // The last edit's batches were not all written: cut the edit off whole.
            if problem == nil {
                problem = "the last edit was cut short (\(held.count) of its batches written)"
                truncated = true
            }
            offset = start.offset
            lastClientSeq = start.lastClientSeq
            restoringThrough = start.restoringThrough
            held = []
        }
        guard let problem else { return }
        if readOnly {
            unreadableTail = problem
            return
        }
        let savedTo = FileStamp.unused(in: url.deletingLastPathComponent(), prefix: "\(url.lastPathComponent).damaged-")
        do {
            try Data(bytes[offset...]).write(to: savedTo)
            try handle.truncate(atOffset: UInt64(offset))
            try handle.synchronize()
        } catch {
            throw SyncError(.io, "the offline queue \(url.path) is damaged and could not be repaired: \(error.localizedDescription)")
        }
        size = offset
        damage = Damage(validBatches: pending.count, droppedBytes: bytes.count - offset, reason: problem, savedTo: savedTo, truncated: truncated)
    }

    /// Takes one record into memory; returns why it is invalid, if it is.
    private func apply(_ payload: [UInt8]) -> String? {
        var reader = ByteReader(payload)
        do {
            let tag = try reader.byte()
            switch tag & ~Self.continues {
            case let kind where kind == Self.batchKind || kind == Self.restoreKind:
                let clientSeq = try reader.varint()
                let queuedAt = try reader.varint()
                guard clientSeq == lastClientSeq + 1 else { return "batch \(clientSeq) after batch \(lastClientSeq)" }
                let ops = Array(payload[reader.offset...])
                guard (try? OpCodec.decode(ops)) != nil else { return "batch \(clientSeq) whose ops do not decode" }
                lastClientSeq = clientSeq
                let restores = kind == Self.restoreKind
                if restores { restoringThrough = clientSeq }
                held.append(Batch(clientSeq: clientSeq, queuedAt: queuedAt, ops: ops, restores: restores, continues: tag & Self.continues != 0))
                if tag & Self.continues == 0 {
                    pending.append(contentsOf: held.filter { $0.clientSeq > ackedThrough })
                    held = []
                }
            case Self.ackKind:
                guard held.isEmpty else { return "an acknowledgement inside an edit's batches" }
                let through = try reader.varint()
                guard reader.isAtEnd else { return "an acknowledgement record with trailing bytes" }
                ackedThrough = max(ackedThrough, through)
                lastClientSeq = max(lastClientSeq, through)
                pending.removeAll { $0.clientSeq <= ackedThrough }
            case let kind:
                return "a record of unknown kind \(kind)"
            }
        } catch {
            return "a record that does not decode (\(error.message))"
        }
        return nil
    }

    /// Queues `batches` (each one batch of ops), numbering them on from `lastClientSeq`, with one
    /// write and one fsync for all of them. When this returns they survive a crash.
    ///
    /// A batch whose ops encode to more than `maxBatchBytes` is queued as several batches, each
    /// within it (`OpCodec.split`): applied in order they are the same edit, and the relay
    /// accepts each of them.
    /// With `restoring`, they are restore batches (see `Batch.restores`).
    @discardableResult
    public func append(_ batches: [[Op]], restoring: Bool = false, maxBatchBytes: Int = WireLimits.maxBatchBytes,
                       at now: Date = Date()) throws(SyncError) -> [Batch] {
        guard !readOnly else { throw SyncError(.io, "the offline queue \(url.path) was opened read-only") }
        var made: [Batch] = []
        var writer = ByteWriter()
        let queuedAt = UInt64(max(0, now.timeIntervalSince1970))
        for ops in batches where !ops.isEmpty {
            let pieces = Self.encode(ops, maxBatchBytes: maxBatchBytes)
            for (index, encoded) in pieces.enumerated() {
                let batch = Batch(clientSeq: lastClientSeq + 1 + UInt64(made.count), queuedAt: queuedAt, ops: encoded, restores: restoring,
                                  continues: index < pieces.count - 1)
                Self.frame(Self.payload(of: batch), into: &writer)
                made.append(batch)
            }
        }
        guard !made.isEmpty else { return [] }
        try write(writer.bytes, sync: true)
        pending.append(contentsOf: made)
        lastClientSeq = made.last!.clientSeq
        if restoring { restoringThrough = lastClientSeq }
        return made
    }

    /// `ops` encoded as one batch, or as several when one would pass `maxBatchBytes`.
    private static func encode(_ ops: [Op], maxBatchBytes: Int) -> [[UInt8]] {
        // Most batches (every keystroke) are far below the limit, which a bound on their size
        // shows without encoding them twice: each insertion at most its text and 77 bytes, each
        // deletion span 23 (every varint at its widest, every replica new to the table).
        let bound = ops.reduce(21) { total, op in
            switch op {
            case .insert(let insertion): total + 77 + insertion.text.utf8.count
            case .delete(let deletion): total + 11 + 23 * deletion.spans.count
            }
        }
        if bound <= maxBatchBytes { return [OpCodec.encode(ops)] }
        return OpCodec.split(ops, maxBytes: maxBatchBytes).map(OpCodec.encode)
    }

    /// Cuts every unacknowledged batch larger than `maxBatchBytes` (written by a version that did
    /// not split edits) into batches within it, numbering the batches from the first such one on
    /// again, and rewrites the file. Safe because the relay refuses an oversized batch and every
    /// batch after it, so none of the renumbered ones can have been committed.
    /// - Returns: how many batches were cut.
    @discardableResult
    public func splitOversized(maxBatchBytes: Int = WireLimits.maxBatchBytes) throws(SyncError) -> Int {
        guard !readOnly, let first = pending.firstIndex(where: { $0.ops.count > maxBatchBytes }) else { return 0 }
        var renumbered = Array(pending[..<first])
        var next = pending[first].clientSeq
        var cut = 0
        for batch in pending[first...] {
            var pieces = [batch.ops]
            if batch.ops.count > maxBatchBytes, let ops = try? OpCodec.decode(batch.ops) {
                pieces = OpCodec.split(ops, maxBytes: maxBatchBytes).map(OpCodec.encode)
                cut += 1
            }
            for (index, piece) in pieces.enumerated() {
                renumbered.append(Batch(clientSeq: next, queuedAt: batch.queuedAt, ops: piece, restores: batch.restores,
                                        continues: batch.continues || index < pieces.count - 1))
                if batch.restores { restoringThrough = next }
                next += 1
            }
        }
        pending = renumbered
        lastClientSeq = next - 1
        try rewrite()
        return cut
    }

    /// The unacknowledged batches with clientSeq in `after + 1 ... through`, found by arithmetic
    /// (they are numbered without gaps), so sending a window costs nothing per batch kept.
    public func batches(after: UInt64, through: UInt64) -> ArraySlice<Batch> {
        guard let first = pending.first?.clientSeq else { return [] }
        let start = Int(min(UInt64(pending.count), after + 1 > first ? after + 1 - first : 0))
        let end = Int(min(UInt64(pending.count), through + 1 > first ? through + 1 - first : 0))
        return pending[start..<max(start, end)]
    }

    /// Records that the relay acknowledged everything through `clientSeq`. Not fsync'd: losing
    /// this record only means resending batches the relay will acknowledge again without applying.
    public func acknowledge(through clientSeq: UInt64) throws(SyncError) {
        guard clientSeq > ackedThrough, !readOnly else { return }
        var writer = ByteWriter()
        Self.frame(Self.acknowledgement(through: min(clientSeq, lastClientSeq)), into: &writer)
        try write(writer.bytes, sync: false)
        ackedThrough = min(clientSeq, lastClientSeq)
        pending.removeAll { $0.clientSeq <= ackedThrough }
        if pending.isEmpty, size > 64 << 10 { try rewrite() }
    }

    /// Replaces the file with one holding only what is still needed (the unacknowledged batches
    /// and the numbering), written beside it and renamed over it.
    private func rewrite() throws(SyncError) {
        var writer = ByteWriter()
        writer.raw(Self.magic)
        writer.uint64(replica.rawValue)
        Self.frame(Self.acknowledgement(through: ackedThrough), into: &writer)
        for batch in pending { Self.frame(Self.payload(of: batch), into: &writer) }
        do {
            try DurableFile.replace(url, with: Data(writer.bytes))
            let fresh = try FileHandle(forUpdating: url)
            try fresh.seekToEnd()
            try? handle.close()
            handle = fresh
        } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError(.io, "cannot rewrite the offline queue \(url.path): \(error.localizedDescription)")
        }
        size = writer.bytes.count
    }

    private func write(_ bytes: [UInt8], sync: Bool) throws(SyncError) {
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
            if sync { try handle.synchronize() }
        } catch {
            throw SyncError(.io, "cannot write the offline queue \(url.path): \(error.localizedDescription); the edit was not queued")
        }
        size += bytes.count
    }

    private static func payload(of batch: Batch) -> [UInt8] {
        var payload = ByteWriter()
        payload.byte((batch.restores ? restoreKind : batchKind) | (batch.continues ? continues : 0))
        payload.varint(batch.clientSeq)
        payload.varint(batch.queuedAt)
        payload.raw(batch.ops)
        return payload.bytes
    }

    private static func acknowledgement(through clientSeq: UInt64) -> [UInt8] {
        var payload = ByteWriter()
        payload.byte(ackKind)
        payload.varint(clientSeq)
        return payload.bytes
    }

    private static func frame(_ payload: [UInt8], into writer: inout ByteWriter) {
        writer.uint32(UInt32(payload.count))
        writer.uint32(CRC32C.checksum(payload))
        writer.raw(payload)
    }
}
