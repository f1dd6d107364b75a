/// Which leaf holds each character id: per replica, the counters in order, cut where the leaf
/// changes.
///
/// A replica's characters arrive in counter order and are mostly typed in bursts that stay side
/// by side, so consecutive counters tend to share a leaf: an entry per change of leaf is a small
/// fraction of an entry per character (automerge-paper: about 20 bytes per hundred characters
/// ever inserted, instead of 400). Lookups are a binary search; a leaf split moves its runs'
/// ranges in one pass per replica.
struct IDIndex {
    /// Counters from `start` up to the next entry's start (the last: up to the replica's count)
    /// are in leaf `leaf`.
    struct Entry: Equatable {
        var start: UInt32
        var leaf: UInt32
    }

    /// Per local replica index, entries by increasing start; neighbours never name the same leaf.
    private(set) var entries: [[Entry]] = [[]]

    /// While an atomic apply runs: each replica's entries as they were before its first move, to
    /// put back if the apply fails. Appends need no record: they are cut off by counter.
    private var journal: [Int: [Entry]]?

    /// Adds an empty table for a newly interned replica.
    mutating func addReplica() {
        entries.append([])
    }

    /// The leaf of `replica`'s character `counter`, which must be integrated.
    func leaf(replica: UInt32, counter: UInt32) -> UInt32 {
        entries[Int(replica)].withUnsafeBufferPointer { table in
            // Origins are mostly recent characters, which the last entry holds.
            if let last = table.last, last.start <= counter { return last.leaf }
            return table[Self.entryIndex(in: table, containing: counter)].leaf
        }
    }

    /// Records that `replica`'s next characters, from `counter` (its count until now) on, are in
    /// `leaf`.
    mutating func append(replica: UInt32, counter: UInt32, leaf: UInt32) {
        if entries[Int(replica)].last?.leaf != leaf {
            entries[Int(replica)].append(Entry(start: counter, leaf: leaf))
        }
    }

    /// Records that the characters of `ranges` (of one replica, whose count is `count`) are now
    /// in `leaf`. Only the entries the ranges touch, and one neighbour each side to merge with,
    /// are rewritten.
    mutating func move(replica: UInt32, ranges unsorted: [Range<UInt32>], count: UInt32, to leaf: UInt32) {
        guard !unsorted.isEmpty else { return }
        let slot = Int(replica)
        if journal != nil, journal?[slot] == nil { journal?[slot] = entries[slot] }
        let ranges = Self.joined(unsorted)
        // Built from a view of the table, so that replacing the window does not copy the table.
        let (window, rebuilt) = entries[slot].withUnsafeBufferPointer { old in
            Self.rebuild(old, count: count, ranges: ranges, leaf: leaf)
        }
        entries[slot].replaceSubrange(window, with: rebuilt)
    }

    /// The window of `old` that moving `ranges` to `leaf` changes, with one neighbour each side
    /// to merge with, and what replaces it.
    private static func rebuild(_ old: UnsafeBufferPointer<Entry>, count: UInt32, ranges: [Range<UInt32>], leaf: UInt32) -> (Range<Int>, [Entry]) {
        let first = Swift.max(entryIndex(in: old, containing: ranges[0].lowerBound) - 1, 0)
        let last = Swift.min(entryIndex(in: old, containing: ranges[ranges.count - 1].upperBound - 1) + 2, old.count)
        var rebuilt: [Entry] = []
        rebuilt.reserveCapacity(last - first + 2 * ranges.count)
        var next = ranges.startIndex
        func emit(_ start: UInt32, _ leaf: UInt32) {
            if rebuilt.last?.leaf != leaf { rebuilt.append(Entry(start: start, leaf: leaf)) }
        }
        var index = first
        while index < last {
            let end = index + 1 < old.count ? old[index + 1].start : count
            var position = old[index].start
            while next < ranges.endIndex, ranges[next].upperBound <= position { next += 1 }
            if next == ranges.endIndex || ranges[next].lowerBound >= end {
                // The entries before the next range are kept as they are, copied in one go: a
                // split leaf's runs are often far apart in a replica's counters.
                let stop = next == ranges.endIndex ? last : Swift.min(last, entryIndex(in: old, containing: ranges[next].lowerBound))
                emit(old[index].start, old[index].leaf)
                if stop > index + 1 { rebuilt.append(contentsOf: old[(index + 1)..<stop]) }
                index = Swift.max(stop, index + 1)
                continue
            }
            defer { index += 1 }
            while position < end {
                while next < ranges.endIndex, ranges[next].upperBound <= position { next += 1 }
                if next < ranges.endIndex, ranges[next].lowerBound <= position {
                    emit(position, leaf)
                    position = Swift.min(end, ranges[next].upperBound)
                } else {
                    emit(position, old[index].leaf)
                    position = next < ranges.endIndex ? Swift.min(end, ranges[next].lowerBound) : end
                }
            }
        }
        return (first..<last, rebuilt)
    }

    /// Builds the index of a decoded snapshot from every run's range and leaf, checking that each
    /// replica's ranges cover its counters exactly once.
    /// - Returns: nil if some id is stored twice or not at all.
    static func covering(_ pieces: [[(start: UInt32, length: UInt32, leaf: UInt32)]], counts: [UInt32]) -> IDIndex? {
        var index = IDIndex()
        index.entries = []
        for (replica, unsorted) in pieces.enumerated() {
            var table: [Entry] = []
            var end: UInt32 = 0
            // The sort is adaptive: a replica whose runs are already in counter order costs one pass.
            for piece in unsorted.sorted(by: { $0.start < $1.start }) {
                guard piece.start == end else { return nil }
                if table.last?.leaf != piece.leaf { table.append(Entry(start: piece.start, leaf: piece.leaf)) }
                end += piece.length
            }
            guard end == counts[replica] else { return nil }
            index.entries.append(table)
        }
        return index
    }

    // MARK: Atomic applies

    /// Starts recording what `move` changes, for `rollBack`.
    mutating func beginJournal() {
        journal = [:]
    }

    /// Stops recording and forgets the record.
    mutating func endJournal() {
        journal = nil
    }

    /// Puts back the entries as they were at `beginJournal`, for the replicas and counts of then.
    mutating func rollBack(counts: [UInt32]) {
        for (slot, saved) in journal ?? [:] where slot < counts.count { entries[slot] = saved }
        entries.removeLast(entries.count - counts.count)
        for slot in entries.indices {
            while let last = entries[slot].last, last.start >= counts[slot] { entries[slot].removeLast() }
        }
        journal = nil
    }

    // MARK: Helpers

    /// The index of the entry covering `counter` in `table`: the last one starting at or before it.
    private static func entryIndex(in table: UnsafeBufferPointer<Entry>, containing counter: UInt32) -> Int {
        var low = 0, high = table.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if table[middle].start <= counter { low = middle } else { high = middle }
        }
        return low
    }

    /// `ranges` sorted, with touching ones joined.
    private static func joined(_ ranges: [Range<UInt32>]) -> [Range<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var result: [Range<UInt32>] = [sorted[0]]
        for range in sorted.dropFirst() {
            if range.lowerBound <= result[result.count - 1].upperBound {
                result[result.count - 1] = result[result.count - 1].lowerBound..<Swift.max(range.upperBound, result[result.count - 1].upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
