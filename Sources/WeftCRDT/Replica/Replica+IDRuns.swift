extension Replica {
    /// The visible text in `range` cut into spans of consecutive ids of one replica: each span's
    /// scalars have ids `start.counter`, `start.counter + 1`, … in document order. Attribution
    /// (who typed what, and in which batch) looks up a span at a time instead of a character at a
    /// time, which keeps it fast on documents of many megabytes.
    public func idSpans(in range: Range<Int>) -> [(range: Range<Int>, start: CharID)] {
        let lower = max(0, range.lowerBound), upper = min(count, range.upperBound)
        guard lower < upper else { return [] }
        var result: [(range: Range<Int>, start: CharID)] = []
        var (location, _) = findVisible(lower)
        var position = lower
        while position < upper {
            let run = run(at: location)
            if !run.isDeleted {
                let offset = location.offset
                let take = min(Int(run.length) - offset, upper - position)
                let start = CharID(replica: replicas[Int(run.replica)], counter: run.counter &+ UInt32(offset))
                if let last = result.last, last.start.replica == start.replica, last.range.upperBound == position,
                   UInt64(last.start.counter) + UInt64(last.range.count) == UInt64(start.counter) {
                    result[result.count - 1].range = last.range.lowerBound..<position + take
                } else {
                    result.append((position..<position + take, start))
                }
                position += take
            }
            location = nextRunStart(after: location)
        }
        return result
    }
}
