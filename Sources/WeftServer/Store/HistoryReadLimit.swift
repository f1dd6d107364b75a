import WeftWire

/// How much of a document's history one read takes: entries in sequence order while fewer than
/// `entries` are taken and those taken hold fewer than `opBytes` bytes of op batches (so the entry
/// that reaches `opBytes` is the last). A page of 1 KiB batches then stays about a megabyte, and a
/// client replays one page while the relay reads the next.
public struct HistoryReadLimit: Hashable, Sendable {
    /// The most entries taken.
    public var entries: Int
    /// Once the entries taken hold this many bytes of op batches, no more are taken.
    public var opBytes: Int

    public init(entries: Int, opBytes: Int = .max) {
        self.entries = entries
        self.opBytes = opBytes
    }

    /// What one history page holds (PROTOCOL.md, "History").
    public static let page = HistoryReadLimit(entries: HistoryPage.maxEntries, opBytes: HistoryPage.maxOpBytes)

    /// How many of `entries`, from the first, are within the limit.
    public func count(within entries: some Sequence<HistoryEntry>) -> Int {
        var tally = Tally(self)
        for entry in entries {
            guard tally.admits else { break }
            tally.take(entry)
        }
        return tally.taken
    }

    /// The first of `entries` within the limit, and the one after them when there is one: what a
    /// store's read answers, so that its caller knows whether more follow.
    public func prefixWithNext(of entries: some Sequence<HistoryEntry>) -> [HistoryEntry] {
        var tally = Tally(self)
        var kept: [HistoryEntry] = []
        for entry in entries {
            kept.append(entry)
            guard tally.readsOn(after: entry) else { break }
        }
        return kept
    }

    /// Entries taken so far against a limit, for reads that go a row at a time.
    public struct Tally: Sendable {
        public let limit: HistoryReadLimit
        public private(set) var taken = 0
        public private(set) var opBytes = 0

        public init(_ limit: HistoryReadLimit) { self.limit = limit }

        /// Whether one more entry is within the limit.
        public var admits: Bool { taken < limit.entries && opBytes < limit.opBytes }

        public mutating func take(_ entry: HistoryEntry) {
            taken += 1
            opBytes += entry.ops.count
        }

        /// Takes `entry`, which the caller has kept, when it is within the limit, and says
        /// whether to read on; when it is not, it was the one after those within the limit, and
        /// the read stops.
        public mutating func readsOn(after entry: HistoryEntry) -> Bool {
            guard admits else { return false }
            take(entry)
            return true
        }
    }
}
