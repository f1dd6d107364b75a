import Foundation
import WeftCRDT
import WeftWire

/// Encodes the text as UTF-8 and cuts it into pieces of one entry and into lines, as stretches of
/// one entry arrive in document order.
struct BlameBuilder {
    /// The history's entries, then one for each entry and replica whose characters it gave back.
    private(set) var entries: [HistoryEntry]
    private var givenBack: [GivenBack: Int] = [:]

    private struct GivenBack: Hashable {
        var entry: Int
        var replica: ReplicaID
    }
    private(set) var utf8: [UInt8] = []
    private(set) var pieces: [Blame.Piece] = []
    private(set) var lines: [Blame.LineCut] = []
    /// Scalars appended so far.
    private var scalarCount = 0
    /// Where the line being cut starts in `utf8`, and the newest entry among its characters so far.
    private var lineStart = 0
    private var newest: Int?
    private var newestSeq: UInt64 = 0

    init(entries: [HistoryEntry], scalars: Int) {
        self.entries = entries
        utf8.reserveCapacity(scalars)
    }

    /// The index of an entry standing for the characters of `replica` that the entry at `index`
    /// gave back: its sequence and time, `author` (the replica's) and `replica`.
    mutating func entry(givenBackBy index: Int, typedBy replica: ReplicaID, author: BatchAuthor) -> Int {
        let key = GivenBack(entry: index, replica: replica)
        if let known = givenBack[key] { return known }
        let giver = entries[index]
        entries.append(HistoryEntry(serverSeq: giver.serverSeq, replica: replica, clientSeq: giver.clientSeq, author: author,
                                    committedAt: giver.committedAt, ops: []))
        givenBack[key] = entries.count - 1
        return entries.count - 1
    }

    /// Appends `scalars`, all inserted by the entry at index `entry` (nil: by none).
    mutating func append(_ scalars: ScalarSlice, entry: Int?) {
        let byteStart = utf8.count
        scalars.appendUTF8(to: &utf8)
        cutLines(from: byteStart, entry: entry)
        let range = scalarCount..<scalarCount + scalars.count
        scalarCount += scalars.count
        if let last = pieces.last, last.entry == entry {
            pieces[pieces.count - 1].scalars = last.scalars.lowerBound..<range.upperBound
            pieces[pieces.count - 1].bytes = last.bytes.lowerBound..<utf8.count
        } else {
            pieces.append(Blame.Piece(scalars: range, bytes: byteStart..<utf8.count, entry: entry))
        }
    }

    /// Ends a line at each line feed from `start` on; the entry counts for every line it typed
    /// text on. A line feed counts only for an empty line: pressing Enter at the end of someone's
    /// line types the feed that ends it, and `git blame` would not name the one who pressed it.
    private mutating func cutLines(from start: Int, entry: Int?) {
        let bytes = utf8
        bytes.withUnsafeBufferPointer { bytes in
            var index = start
            while index < bytes.count {
                guard let found = memchr(bytes.baseAddress! + index, 0x0A, bytes.count - index) else {
                    fold(entry)
                    return
                }
                let feed = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if feed > index || feed == lineStart { fold(entry) }
                lines.append(Blame.LineCut(bytes: lineStart..<feed, entry: newest))
                lineStart = feed + 1
                newest = nil
                newestSeq = 0
                index = feed + 1
            }
        }
    }

    /// Ends the last line when the text does not end with a line feed.
    mutating func finish() {
        if lineStart < utf8.count { lines.append(Blame.LineCut(bytes: lineStart..<utf8.count, entry: newest)) }
    }

    private mutating func fold(_ entry: Int?) {
        guard let entry else { return }
        let seq = entries[entry].serverSeq
        if seq > newestSeq {
            newest = entry
            newestSeq = seq
        }
    }
}
