extension Replica {
    /// Calls `body` with the visible text in `range` a stored run at a time: scalars of one replica
    /// with consecutive ids, and the first one's id. Text and ids come out of one walk, so a reader
    /// that needs both (blame) does not walk a document of many megabytes twice.
    public func forEachVisibleRun(in range: Range<Int>, _ body: (_ scalars: ScalarSlice, _ start: CharID) -> Void) {
        let lower = max(0, range.lowerBound), upper = min(count, range.upperBound)
        guard lower < upper else { return }
        var (location, _) = findVisible(lower)
        var position = lower
        while position < upper {
            let run = run(at: location)
            if !run.isDeleted {
                let offset = location.offset
                let take = min(Int(run.length) - offset, upper - position)
                let content = Int(run.content) + offset
                body(arena.slice(content..<content + take), CharID(replica: replicas[Int(run.replica)], counter: run.counter &+ UInt32(offset)))
                position += take
            }
            location = nextRunStart(after: location)
        }
    }

    /// The visible text in `range` cut into spans of consecutive ids of one replica: each span's
    /// scalars have ids `start.counter`, `start.counter + 1`, … in document order. Attribution
    /// (who typed what, and in which batch) looks up a span at a time instead of a character at a
    /// time, which keeps it fast on documents of many megabytes.
    public func idSpans(in range: Range<Int>) -> [(range: Range<Int>, start: CharID)] {
        var result: [(range: Range<Int>, start: CharID)] = []
        var position = max(0, range.lowerBound)
        forEachVisibleRun(in: range) { scalars, start in
            if let last = result.last, last.start.replica == start.replica,
               UInt64(last.start.counter) + UInt64(last.range.count) == UInt64(start.counter) {
                result[result.count - 1].range = last.range.lowerBound..<position + scalars.count
            } else {
                result.append((position..<position + scalars.count, start))
            }
            position += scalars.count
        }
        return result
    }
}
