import WeftCRDT
import WeftWire

/// Consecutive entries of one document's history, kept as one stored row.
///
/// A row per batch cost about 57 bytes a keystroke; a pack writes what an entry shares with the
/// one before as (nearly) nothing and deflates the rest, so typing costs a byte or two. The
/// layout, before deflating, is three streams:
///
/// - **entries:** the count N and the first sequence, then column by column: N − 1 gaps between
///   sequences (minus one), a table of the replicas named anywhere (u64 each) and each entry's
///   replica index, each entry's client sequence as the difference from that replica's previous
///   one in the pack (minus one, zigzag), a table of authors (name, verified) and each entry's
///   author (0 for none, else index + 1), each entry's commit time (a byte saying whether it has
///   one, then the zigzag difference from the previous time);
/// - **ops:** per entry either `0`, the op batch's byte count and its bytes as committed, or `1`
///   and its ops written against what the ops before them in the pack predict
///   (`HistoryPack+Ops.swift`): only an op batch Weft's own encoder writes byte for byte is
///   written so, so that every entry reads back exactly as committed;
/// - **text:** the inserted text of the ops written the second way, one after another.
///
/// Stored as `u8` version 1, `varint` the three streams' length, then them deflated (zlib). The
/// pack is pure: no I/O, no clock.
enum HistoryPack {
    static let version: UInt8 = 1
    /// At most this many entries in a pack: reading one entry decodes its whole pack.
    static let maxEntries = 4_096
    /// At most about this many bytes of op batches in a pack (a bigger single batch has one of its own).
    static let maxOpBytes = 1 << 20
    /// How many rows of an earlier version's one-row-a-batch history each compaction packs (every
    /// store: they are packed a few thousand at a time, never all at one start).
    static let repackedPerCompaction = 16_384

    /// One pack ready to store, with what the store indexes it by.
    struct Packed: Sendable {
        var firstSeq: UInt64
        var lastSeq: UInt64
        var count: Int
        /// The newest commit time in it (documents are listed by when they last changed).
        var lastCommittedAt: UInt64?
        var bytes: [UInt8]
    }

    /// `entries` (in sequence order) cut into packs of at most `maxEntries` entries and about
    /// `maxOpBytes` bytes of ops.
    static func packs(of entries: [HistoryEntry]) -> [Packed] {
        var packer = Packer()
        return entries.flatMap { packer.add($0) } + packer.finish()
    }

    /// Packs entries as they come, holding at most one pack's worth: a compaction moving
    /// thousands of large batches never has them all in memory at once.
    struct Packer {
        private var pending: [HistoryEntry] = []
        private var pendingBytes = 0

        /// Adds the next entry (in sequence order); returns the pack it completed, if any.
        mutating func add(_ entry: HistoryEntry) -> [Packed] {
            var done: [Packed] = []
            if !pending.isEmpty, pending.count == HistoryPack.maxEntries || pendingBytes + entry.ops.count > HistoryPack.maxOpBytes {
                done = finish()
            }
            pending.append(entry)
            pendingBytes += entry.ops.count
            return done
        }

        /// The last pack, of what is pending.
        mutating func finish() -> [Packed] {
            guard let first = pending.first, let last = pending.last else { return [] }
            defer { pending = []; pendingBytes = 0 }
            return [Packed(firstSeq: first.serverSeq, lastSeq: last.serverSeq, count: pending.count,
                           lastCommittedAt: pending.compactMap(\.committedAt).max(), bytes: encode(pending[...]))]
        }
    }

    /// One pack of `entries`, which must be in increasing sequence order and at least one.
    static func encode(_ entries: ArraySlice<HistoryEntry>) -> [UInt8] {
        precondition(!entries.isEmpty, "a history pack holds at least one entry")
        var replicas = IndexTable<ReplicaID>()
        var authors = IndexTable<BatchAuthor>()
        var ops = OpStreams()
        var entryStream = ByteWriter()
        entryStream.varint(entries.count)
        entryStream.varint(entries.first!.serverSeq)
        var previousSeq = entries.first!.serverSeq
        for entry in entries.dropFirst() {
            precondition(entry.serverSeq > previousSeq, "history entries are packed in sequence order")
            entryStream.varint(entry.serverSeq - previousSeq - 1)
            previousSeq = entry.serverSeq
        }
        // Ops first: they name replicas too, and the table is written once.
        for entry in entries { ops.write(entry, replicas: &replicas) }
        for entry in entries { _ = replicas.index(entry.replica) }
        entryStream.varint(replicas.values.count)
        for replica in replicas.values { entryStream.uint64(replica.rawValue) }
        for entry in entries { entryStream.varint(replicas.index(entry.replica)) }
        var previousClientSeq: [ReplicaID: UInt64] = [:]
        for entry in entries {
            entryStream.zigzag(difference(entry.clientSeq, (previousClientSeq[entry.replica] ?? 0) &+ 1))
            previousClientSeq[entry.replica] = entry.clientSeq
        }
        let authorIndexes = entries.map { entry in entry.author.map { authors.index($0) + 1 } ?? 0 }
        entryStream.varint(authors.values.count)
        for author in authors.values {
            entryStream.string(author.name)
            entryStream.byte(author.verified ? 1 : 0)
        }
        for index in authorIndexes { entryStream.varint(index) }
        var previousTime: UInt64 = 0
        for entry in entries {
            guard let time = entry.committedAt else {
                entryStream.byte(0)
                continue
            }
            entryStream.byte(1)
            entryStream.zigzag(difference(time, previousTime))
            previousTime = time
        }

        var body = ByteWriter()
        body.varint(entryStream.bytes.count)
        body.raw(entryStream.bytes)
        body.varint(ops.structure.bytes.count)
        body.raw(ops.structure.bytes)
        body.raw(ops.text.bytes)
        var stored = ByteWriter()
        stored.byte(version)
        stored.varint(body.bytes.count)
        stored.raw(Deflate.compress(body.bytes))
        return stored.bytes
    }

    /// The entries of a pack `encode` wrote, exactly as they were given to it.
    /// - Throws: `HistoryDamaged` naming what is wrong when the bytes are not such a pack.
    static func decode(_ stored: [UInt8]) throws(HistoryDamaged) -> [HistoryEntry] {
        do throws(DecodingError) {
            var header = ByteReader(stored)
            let version = try header.byte()
            guard version == Self.version else {
                throw DecodingError(.unsupportedVersion, "pack version \(version) is newer than this relay reads (\(Self.version)): upgrade it")
            }
            let bodyCount = try header.varint()
            // Deflate shrinks by at most about 1,032 to 1: a bigger claim is damage, not a pack.
            guard bodyCount <= UInt64(header.remaining) * 1_100 + 64 else {
                throw DecodingError(.invalid, "it claims \(bodyCount) bytes inside \(header.remaining) deflated ones")
            }
            let body: [UInt8]
            let deflated = Array(try header.raw(header.remaining))
            do throws(Deflate.Failure) {
                body = try Deflate.decompress(deflated, expectedCount: Int(bodyCount))
            } catch {
                throw DecodingError(.invalid, "its deflated data is damaged: \(error.description)")
            }
            var reader = ByteReader(body)
            var entryStream = ByteReader(Array(try reader.raw(try reader.count(minimumBytes: 1))))
            let structure = ByteReader(Array(try reader.raw(try reader.count(minimumBytes: 1))))
            let text = ByteReader(Array(try reader.raw(reader.remaining)))
            return try decodeEntries(&entryStream, ops: OpReader(structure: structure, text: text))
        } catch {
            throw HistoryDamaged("a packed piece of the history cannot be read back (\(error.message))")
        }
    }

    private static func decodeEntries(_ reader: inout ByteReader, ops: OpReader) throws(DecodingError) -> [HistoryEntry] {
        let count = try reader.count(minimumBytes: 1)
        guard count > 0 else { throw DecodingError(.invalid, "it holds no entries") }
        var seqs = [try reader.varint()]
        for _ in 1..<count {
            let gap = try reader.varint()
            guard gap < UInt64.max - seqs[seqs.count - 1] else { throw DecodingError(.invalid, "a sequence passes 2^64") }
            seqs.append(seqs[seqs.count - 1] + gap + 1)
        }
        let replicas = try (0..<reader.count(minimumBytes: 8)).map { _ throws(DecodingError) in ReplicaID(try reader.uint64()) }
        let entryReplicas = try (0..<count).map { _ throws(DecodingError) in try element(of: replicas, at: reader.varint()) }
        var previousClientSeq: [ReplicaID: UInt64] = [:]
        var clientSeqs: [UInt64] = []
        for replica in entryReplicas {
            let clientSeq = (previousClientSeq[replica] ?? 0) &+ 1 &+ UInt64(bitPattern: try reader.zigzag())
            clientSeqs.append(clientSeq)
            previousClientSeq[replica] = clientSeq
        }
        var authors: [BatchAuthor] = []
        for _ in 0..<(try reader.count(minimumBytes: 2)) {
            let name = try reader.string()
            authors.append(BatchAuthor(name: name, verified: try reader.byte() != 0))
        }
        let entryAuthors = try (0..<count).map { _ throws(DecodingError) -> BatchAuthor? in
            let index = try reader.varint()
            return index == 0 ? nil : try element(of: authors, at: index - 1)
        }
        var previousTime: UInt64 = 0
        var times: [UInt64?] = []
        for _ in 0..<count {
            guard try reader.byte() != 0 else {
                times.append(nil)
                continue
            }
            previousTime = previousTime &+ UInt64(bitPattern: try reader.zigzag())
            times.append(previousTime)
        }
        try reader.expectEnd()
        var ops = ops
        var entries: [HistoryEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            entries.append(HistoryEntry(serverSeq: seqs[index], replica: entryReplicas[index], clientSeq: clientSeqs[index],
                                        author: entryAuthors[index], committedAt: times[index],
                                        ops: try ops.next(entryReplica: entryReplicas[index], replicas: replicas)))
        }
        try ops.expectEnd()
        return entries
    }

    /// Entries from several sources, each in sequence order, as one list in order: those within
    /// `limit` and the one after them. Each source may stop at its own entry past `limit`: no
    /// entry it did not read can come before the merged list's last.
    static func merged(_ sources: [[HistoryEntry]], within limit: HistoryReadLimit) -> [HistoryEntry] {
        var entries = Array(sources.joined())
        // Usually already in order (packs, then the log): sorting entries moves their arrays.
        if !zip(entries, entries.dropFirst()).allSatisfy({ $0.serverSeq < $1.serverSeq }) {
            entries.sort { $0.serverSeq < $1.serverSeq }
        }
        return limit.prefixWithNext(of: entries)
    }

    static func element<Value>(of table: [Value], at index: UInt64) throws(DecodingError) -> Value {
        guard index < UInt64(table.count) else { throw DecodingError(.invalid, "index \(index) is outside a table of \(table.count)") }
        return table[Int(index)]
    }

    /// `value − reference` as a signed number (wrapping: read back by adding it to `reference`).
    static func difference(_ value: UInt64, _ reference: UInt64) -> Int64 {
        Int64(bitPattern: value &- reference)
    }
}

/// Values numbered in the order first seen.
struct IndexTable<Value: Hashable> {
    private(set) var values: [Value] = []
    private var indexes: [Value: Int] = [:]

    mutating func index(_ value: Value) -> Int {
        if let index = indexes[value] { return index }
        indexes[value] = values.count
        values.append(value)
        return values.count - 1
    }
}
