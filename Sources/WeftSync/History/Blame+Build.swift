import WeftCRDT
import WeftWire

extension Blame {
    /// The blame of the document `replay` holds now: one walk over its visible runs, each looked
    /// up in the attribution once per entry it spans. Characters an entry gave back for another
    /// replica (a copy given back to a relay that lost its data) are named for that replica's
    /// author, with the entry's sequence and time (as git names a commit's author, not who
    /// applied it).
    public init(_ replay: HistoryReplay) {
        let replica = replay.replica, attribution = replay.attribution
        var builder = BlameBuilder(entries: replay.history.entries, scalars: replica.count)
        replica.forEachVisibleRun(in: 0..<replica.count) { scalars, start in
            var offset = 0
            var counter = start.counter
            while offset < scalars.count {
                let id = CharID(replica: start.replica, counter: counter)
                let found = attribution.entry(of: id)
                let take = min(scalars.count - offset, Int(found?.run ?? UInt32.max))
                var entry = found?.entry
                if let index = entry, replay.history.entries[index].replica != id.replica, let typist = replay.author(of: id, insertedBy: index),
                   typist != replay.history.entries[index].author {
                    entry = builder.entry(givenBackBy: index, typedBy: id.replica, author: typist)
                }
                builder.append(scalars.slice(from: offset, count: take), entry: entry)
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
