extension Replica {
    /// Where the still-visible characters of `spans` are: sorted, non-overlapping ranges of
    /// visible offsets, adjacent ones joined. Ids this replica does not have are skipped.
    ///
    /// Works a run at a time, not a character at a time: undoing a paste of millions of
    /// characters needs their positions, and asking for each one alone took most of a minute.
    public func visibleRanges(of spans: [IDSpan]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for span in spans {
            guard let replica = replicaIndex[span.start.replica] else { continue }
            let known = counts[Int(replica)]
            var counter = span.start.counter
            let end = UInt32(min(span.endCounter, UInt64(known)))
            while counter < end {
                let location = locate(PackedID(replica: replica, counter: counter), noneIs: .end)
                let run = run(at: location)
                let take = min(Int(run.length) - location.offset, Int(end - counter))
                if !run.isDeleted {
                    let start = visiblePosition(of: location)
                    ranges.append(start..<start + take)
                }
                counter += UInt32(take)
            }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var joined: [Range<Int>] = []
        for range in ranges {
            if let last = joined.last, last.upperBound >= range.lowerBound {
                joined[joined.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                joined.append(range)
            }
        }
        return joined
    }
}
