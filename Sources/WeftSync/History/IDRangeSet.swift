import WeftCRDT

/// A set of character ids kept as runs of consecutive counters per replica: what one session
/// typed or deleted, which may be millions of characters in a few runs. Pure.
struct IDRangeSet: Sendable {
    /// Per replica, sorted, apart (touching runs are joined).
    private var runs: [ReplicaID: [Range<UInt64>]] = [:]

    /// Adds the ids of `span`.
    mutating func insert(_ span: IDSpan) {
        guard span.length > 0 else { return }
        var new = UInt64(span.start.counter)..<span.endCounter
        var list = runs[span.start.replica] ?? []
        runs[span.start.replica] = nil
        // Typing appends: the common case joins the last run or follows it.
        if let last = list.last, last.upperBound <= new.lowerBound {
            if last.upperBound == new.lowerBound { list[list.count - 1] = last.lowerBound..<new.upperBound } else { list.append(new) }
            runs[span.start.replica] = list
            return
        }
        // Elsewhere: every run that touches the new one is joined into it.
        let first = firstIndex(in: list) { $0.upperBound >= new.lowerBound }
        var end = first
        while end < list.count, list[end].lowerBound <= new.upperBound {
            new = min(new.lowerBound, list[end].lowerBound)..<max(new.upperBound, list[end].upperBound)
            end += 1
        }
        list.replaceSubrange(first..<end, with: [new])
        runs[span.start.replica] = list
    }

    /// `span` cut where it enters or leaves the set, in order: each part, and whether it is in it.
    func split(_ span: IDSpan) -> [(part: IDSpan, inside: Bool)] {
        let start = UInt64(span.start.counter), end = span.endCounter
        guard let list = runs[span.start.replica], start < end else { return [(span, false)] }
        var parts: [(part: IDSpan, inside: Bool)] = []
        func add(_ lower: UInt64, _ upper: UInt64, _ inside: Bool) {
            guard lower < upper else { return }
            parts.append((IDSpan(start: CharID(replica: span.start.replica, counter: UInt32(lower)), length: UInt32(upper - lower)), inside))
        }
        var position = start
        var index = firstIndex(in: list) { $0.upperBound > start }
        while position < end {
            guard index < list.count, list[index].lowerBound < end else { break }
            let run = list[index]
            add(position, max(position, run.lowerBound), false)
            position = max(position, run.lowerBound)
            add(position, min(end, run.upperBound), true)
            position = min(end, run.upperBound)
            index += 1
        }
        add(position, end, false)
        return parts
    }

    /// Whether `id` is in the set.
    func contains(_ id: CharID) -> Bool {
        split(IDSpan(start: id, length: 1)).first?.inside == true
    }

    /// The first index of `list` whose run satisfies `predicate` (false then true along the list).
    private func firstIndex(in list: [Range<UInt64>], where predicate: (Range<UInt64>) -> Bool) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(list[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
