import WeftCRDT

/// Where characters went when undo or redo typed them again. A CRDT never brings a deleted
/// character back: undoing a deletion types the text anew, with new ids. History recorded before
/// names the old ids (an insertion to take back, an anchor to type at), so every retyped run is
/// kept here, old ids to new, and steps look their characters up through it. Without it, undoing
/// the typing that made a word after the word was cut and restored left the restored word behind.
///
/// Kept as runs per replica, so a long paste undone and redone is one entry, not one per character.
struct RetypedCharacters: Sendable {
    private struct Run: Sendable {
        /// Old counters `start..<start + length` of one replica…
        var start: UInt32
        var length: UInt32
        /// …now at `target.counter + (old - start)`.
        var target: CharID
    }

    /// One replica's runs, sorted by `start`, never overlapping (a character is retyped at most
    /// once: after that it is a tombstone, and history names its new id through this map). Kept
    /// in two lists: an undo of a `:%s` over 200,000 lines records 200,000 runs one step at a
    /// time, from the end of the document back, and copying one long list for each was quadratic
    /// (a minute frozen). Runs land in the short list and move to the long one in bulk.
    private struct Runs: Sendable {
        var settled: [Run] = []
        var recent: [Run] = []

        /// Adds runs sorted by `start`.
        mutating func add(sorted new: [Run]) {
            let limit = max(1_024, 2 * Int(Double(settled.count).squareRoot()))
            if recent.count + new.count > limit {
                settled = Self.merged(Self.merged(settled, recent), new)
                recent = []
            } else if let first = new.first {
                recent.insert(contentsOf: new, at: recent.partitioningIndex { $0.start > first.start })
                if !Self.isSorted(recent) { recent.sort { $0.start < $1.start } }
            }
        }

        /// The run holding `counter`.
        func run(containing counter: UInt32) -> Run? {
            Self.run(in: settled, containing: counter) ?? Self.run(in: recent, containing: counter)
        }

        /// The start of the first run after `counter`.
        func firstStart(after counter: UInt64) -> UInt64? {
            [Self.firstStart(in: settled, after: counter), Self.firstStart(in: recent, after: counter)].compactMap { $0 }.min()
        }

        private static func merged(_ left: [Run], _ right: [Run]) -> [Run] {
            guard !left.isEmpty else { return right }
            guard !right.isEmpty else { return left }
            var merged: [Run] = []
            merged.reserveCapacity(left.count + right.count)
            var (l, r) = (0, 0)
            while l < left.count, r < right.count {
                if left[l].start <= right[r].start { merged.append(left[l]); l += 1 } else { merged.append(right[r]); r += 1 }
            }
            merged.append(contentsOf: left[l...])
            merged.append(contentsOf: right[r...])
            return merged
        }

        private static func isSorted(_ runs: [Run]) -> Bool {
            zip(runs, runs.dropFirst()).allSatisfy { $0.start <= $1.start }
        }

        private static func run(in list: [Run], containing counter: UInt32) -> Run? {
            let index = list.partitioningIndex { $0.start > counter }
            guard index > 0 else { return nil }
            let run = list[index - 1]
            return UInt64(counter) < UInt64(run.start) + UInt64(run.length) ? run : nil
        }

        private static func firstStart(in list: [Run], after counter: UInt64) -> UInt64? {
            let index = list.partitioningIndex { UInt64($0.start) > counter }
            return index < list.count ? UInt64(list[index].start) : nil
        }
    }

    private var runs: [ReplicaID: Runs] = [:]

    var isEmpty: Bool { runs.isEmpty }

    /// Records that the characters `old` (in document order) were typed again as the consecutive
    /// ids starting at `first`.
    mutating func record(_ old: [IDSpan], retypedFrom first: CharID) {
        // Gathered per replica and merged into each list once: a deletion of a whole document
        // names hundreds of thousands of spans, and inserting them one by one was quadratic.
        var added: [ReplicaID: [Run]] = [:]
        var offset: UInt32 = 0
        for span in old where span.length > 0 {
            added[span.start.replica, default: []].append(Run(start: span.start.counter, length: span.length,
                                                              target: CharID(replica: first.replica, counter: first.counter &+ offset)))
            offset &+= span.length
        }
        for (replica, new) in added {
            runs[replica, default: Runs()].add(sorted: new.sorted { $0.start < $1.start })
        }
    }

    /// The character's id now (itself when it was never retyped).
    func current(_ id: CharID) -> CharID {
        var id = id
        while let run = run(containing: id) { id = CharID(replica: run.target.replica, counter: run.target.counter &+ (id.counter &- run.start)) }
        return id
    }

    /// The span's characters by their ids now, in order.
    func current(_ span: IDSpan) -> [IDSpan] {
        guard runs[span.start.replica] != nil else { return [span] }
        var pieces: [IDSpan] = []
        var counter = UInt64(span.start.counter)
        let end = span.endCounter
        while counter < end {
            let id = CharID(replica: span.start.replica, counter: UInt32(counter))
            if let run = run(containing: id) {
                let take = min(UInt64(run.start) + UInt64(run.length), end) - counter
                let moved = IDSpan(start: CharID(replica: run.target.replica, counter: run.target.counter &+ (UInt32(counter) &- run.start)), length: UInt32(take))
                pieces += current(moved)
                counter += take
            } else {
                let next = firstStart(after: counter, of: span.start.replica) ?? end
                let take = min(next, end) - counter
                pieces.append(IDSpan(start: id, length: UInt32(take)))
                counter += take
            }
        }
        return pieces
    }

    /// The anchor, tied to its character's id now.
    func current(_ anchor: Anchor) -> Anchor {
        switch anchor {
        case .start, .end: anchor
        case .before(let id): .before(current(id))
        case .after(let id): .after(current(id))
        }
    }

    /// The start of the first run of `replica` after `counter`.
    private func firstStart(after counter: UInt64, of replica: ReplicaID) -> UInt64? {
        runs[replica]?.firstStart(after: counter)
    }

    private func run(containing id: CharID) -> Run? {
        runs[id.replica]?.run(containing: id.counter)
    }
}

extension Array {
    /// The first index whose element satisfies `isAfter`, for a predicate false then true along the array.
    fileprivate func partitioningIndex(where isAfter: (Element) -> Bool) -> Int {
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
