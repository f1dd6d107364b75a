import WeftCRDT
import WeftWire

extension Blame {
    /// The blame of the document `replay` holds now: one walk over its visible runs, each looked
    /// up in the attribution once per entry it spans.
    public init(_ replay: HistoryReplay) {
        let replica = replay.replica, attribution = replay.attribution
        var builder = BlameBuilder(entries: replay.history.entries, scalars: replica.count)
        replica.forEachVisibleRun(in: 0..<replica.count) { scalars, start in
            var offset = 0
            var counter = start.counter
            while offset < scalars.count {
                let found = attribution.entry(of: CharID(replica: start.replica, counter: counter))
                let take = min(scalars.count - offset, Int(found?.run ?? UInt32.max))
                builder.append(scalars.slice(from: offset, count: take), entry: found?.entry)
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
