import WeftCRDT

/// Which history entry inserted each character id: per replica, the counter ranges its batches
/// inserted, in order. Pure; built while a history is replayed.
///
/// A replica's characters are numbered 0, 1, 2 … and its batches continue them in order
/// (PROTOCOL.md rule 5), so each replica's ranges are sorted and one binary search finds a
/// character's batch. The first entry to insert an id keeps it: restore batches that give back
/// characters the log already had change nothing.
public struct BatchAttribution: Sendable {
    struct Range: Sendable {
        var start: UInt32
        var end: UInt32
        var entry: Int
    }

    private var ranges: [ReplicaID: [Range]] = [:]

    public init() {}

    /// Records the insertions of `ops` as made by history entry number `entry`.
    public mutating func record(_ ops: [Op], entry: Int) {
        for op in ops {
            guard case .insert(let insertion) = op else { continue }
            let replica = insertion.id.replica
            let start = insertion.id.counter, end = start &+ UInt32(insertion.length)
            let last = ranges[replica]?.last
            let covered = last?.end ?? 0
            guard end > covered else { continue }
            // In place: copying a replica's list out and back made replaying long histories quadratic.
            if let last, last.entry == entry, last.end == max(start, covered) {
                ranges[replica]![ranges[replica]!.count - 1].end = end
            } else {
                ranges[replica, default: []].append(Range(start: max(start, covered), end: end, entry: entry))
            }
        }
    }

    /// The entry that inserted `id`, and how many ids from it on (of the same replica) that entry
    /// inserted too; nil when no recorded entry inserted it.
    public func entry(of id: CharID) -> (entry: Int, run: UInt32)? {
        guard let list = ranges[id.replica] else { return nil }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].end <= id.counter { low = middle + 1 } else { high = middle }
        }
        guard low < list.count, list[low].start <= id.counter else { return nil }
        return (list[low].entry, list[low].end - id.counter)
    }
}
