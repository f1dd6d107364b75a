/// How far a history read goes (PROTOCOL.md, "History"): the entries through a server sequence,
/// the entries before the first one committed after a time, or both. A past version needs only
/// the history up to it, so paging an old version costs what came before it, not the whole life
/// of the document. Pure.
public struct HistoryBound: Hashable, Sendable {
    /// The last server sequence wanted (`through=`).
    public var throughSeq: UInt64?
    /// Entries up to the first committed after this time, in milliseconds since 1970 (`until=`);
    /// entries of unknown time count as older than every known time, as a past version counts them.
    public var untilTime: UInt64?

    public init(throughSeq: UInt64? = nil, untilTime: UInt64? = nil) {
        self.throughSeq = throughSeq
        self.untilTime = untilTime
    }

    /// No bound: the whole history.
    public static let none = HistoryBound()

    /// How many of `entries` (in sequence order) come before the first one past the bound.
    public func count(within entries: some Collection<HistoryEntry>) -> Int {
        var count = 0
        for entry in entries {
            if let throughSeq, entry.serverSeq > throughSeq { break }
            if let untilTime, let time = entry.committedAt, time > untilTime { break }
            count += 1
        }
        return count
    }

    /// The query parameters that ask a relay for this bound (empty for none), each with its `&`.
    public var query: String {
        (throughSeq.map { "&through=\($0)" } ?? "") + (untilTime.map { "&until=\($0)" } ?? "")
    }
}
