import WeftCRDT
import WeftWire

extension Blame {
    /// The blame of the document `replay` holds now: one walk over its visible runs, each looked
    /// up in the attribution once per entry it spans.
    public init(_ replay: HistoryReplay) {
        let replica = replay.replica, attribution = replay.attribution
        var builder = BlameBuilder(entries: replay.history.entries, scalars: replica.count)
        replica.forEachVisibleRun(in: 0..<replica.count) { scalars, start in
            var offset = scalars.startIndex
            var counter = start.counter
            while offset < scalars.endIndex {
                let found = attribution.entry(of: CharID(replica: start.replica, counter: counter))
                let take = min(scalars.endIndex - offset, Int(found?.run ?? UInt32.max))
                builder.append(scalars[offset..<offset + take], entry: found?.entry)
                offset += take
                counter &+= UInt32(take)
            }
        }
        builder.finish()
        entries = builder.entries
        utf8 = builder.utf8
        pieces = builder.pieces
        lineCuts = builder.lines
    }
}
