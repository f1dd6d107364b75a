import WeftCRDT

/// The answer to a history request (PROTOCOL.md, "History"): the entries after the sequence asked
/// for, at most a page of them, where the history begins, and whether more follow.
public struct HistoryPage: Hashable, Sendable {
    /// The history holds every entry after this sequence (0 when it reaches the document's start;
    /// more when entries were compacted away before the relay kept history).
    public var floor: UInt64
    /// More entries follow this page: ask again after its last one.
    public var more: Bool
    /// Entries in sequence order, without gaps, starting just after the sequence asked for (or
    /// after `floor`, when that is later).
    public var entries: [HistoryEntry]

    public init(floor: UInt64, more: Bool, entries: [HistoryEntry]) {
        self.floor = floor
        self.more = more
        self.entries = entries
    }

    /// The most entries one page holds.
    public static let maxEntries = 10_000

    /// Once a page's entries hold this many bytes of op batches, the page ends (the entry that
    /// reaches it is its last): a page of large batches stays about a megabyte, and a client
    /// replays one while the relay reads the next.
    public static let maxOpBytes = 1 << 20

    /// The first bytes of every history page: "WFTH", then the format version.
    static let magic: [UInt8] = [0x57, 0x46, 0x54, 0x48, 1]

    /// The page as bytes: `magic`, `varint` floor, `u8` more (0 or 1), `varint` count, then per entry
    /// `varint` serverSeq, `u64` replica, `varint` clientSeq, `u8` flags (bit 0: author known,
    /// bit 1: verified, bit 2: time known), `string` author name if known, `varint` time in
    /// milliseconds if known, `bytes` ops.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        // Each entry's fixed fields and length prefix take at most 40 bytes beside its name and ops.
        writer.reserveCapacity(entries.reduce(16) { $0 + 40 + $1.ops.count + ($1.author?.name.utf8.count ?? 0) })
        writer.raw(Self.magic)
        writer.varint(floor)
        writer.byte(more ? 1 : 0)
        writer.varint(entries.count)
        for entry in entries {
            writer.varint(entry.serverSeq)
            writer.uint64(entry.replica.rawValue)
            writer.varint(entry.clientSeq)
            let flags: UInt8 = (entry.author == nil ? 0 : 1) | (entry.author?.verified == true ? 2 : 0) | (entry.committedAt == nil ? 0 : 4)
            writer.byte(flags)
            if let author = entry.author { writer.string(author.name) }
            if let time = entry.committedAt { writer.varint(time) }
            writer.varint(entry.ops.count)
            writer.raw(entry.ops)
        }
        return writer.bytes
    }

    /// Decodes a page.
    /// - Throws: `DecodingError` for bytes that are not a history page.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(bytes)
        guard Array(try reader.raw(Self.magic.count)) == Self.magic else {
            throw DecodingError(.unsupportedVersion, "not a Weft history page of a format this build reads")
        }
        floor = try reader.varint()
        let more = try reader.byte()
        guard more <= 1 else { throw DecodingError(.invalid, "a history page's more flag is \(more)") }
        self.more = more == 1
        let count = try reader.count(minimumBytes: 12)
        entries = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let serverSeq = try reader.varint()
            let replica = ReplicaID(try reader.uint64())
            let clientSeq = try reader.varint()
            let flags = try reader.byte()
            guard flags & ~7 == 0 else { throw DecodingError(.invalid, "a history entry has unknown flags \(flags)") }
            let author = flags & 1 != 0 ? BatchAuthor(name: try reader.string(), verified: flags & 2 != 0) : nil
            let time = flags & 4 != 0 ? try reader.varint() : nil
            let length = try reader.count(minimumBytes: 1)
            let ops = Array(try reader.raw(length))
            entries.append(HistoryEntry(serverSeq: serverSeq, replica: replica, clientSeq: clientSeq, author: author, committedAt: time, ops: ops))
        }
        try reader.expectEnd()
    }
}
