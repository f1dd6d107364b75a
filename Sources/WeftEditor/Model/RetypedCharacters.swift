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

    /// Runs per replica, sorted by `start`, never overlapping (a character is retyped at most once:
    /// after that it is a tombstone, and history names its new id through this map).
    private var runs: [ReplicaID: [Run]] = [:]

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
            let sorted = new.sorted { $0.start < $1.start }
            guard let existing = runs[replica], !existing.isEmpty else {
                runs[replica] = sorted
                continue
            }
            var merged: [Run] = []
            merged.reserveCapacity(existing.count + sorted.count)
            var index = 0
            for run in sorted {
                while index < existing.count, existing[index].start <= run.start {
                    merged.append(existing[index])
                    index += 1
                }
                merged.append(run)
            }
            merged.append(contentsOf: existing[index...])
            runs[replica] = merged
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
        guard let list = runs[replica] else { return nil }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if UInt64(list[middle].start) <= counter { low = middle + 1 } else { high = middle }
        }
        return low < list.count ? UInt64(list[low].start) : nil
    }

    private func run(containing id: CharID) -> Run? {
        guard let list = runs[id.replica] else { return nil }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].start <= id.counter { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let run = list[low - 1]
        return UInt64(id.counter) < UInt64(run.start) + UInt64(run.length) ? run : nil
    }
}
