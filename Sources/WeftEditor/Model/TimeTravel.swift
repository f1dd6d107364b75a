/// Stepping through a document's editing sessions in the pager (`weft view DOC --at POINT`):
/// each session shown as the text its last batch left, with what it inserted and the text it
/// deleted marked in place. The sessions and their changes come from the relay's history; the
/// editor only knows them through this value.
public struct TimeTravel: Sendable {
    /// One session, as the status line names it.
    public struct Stop: Sendable, Hashable {
        /// Its author, time span, `+inserted −deleted` and sequences, in a few words.
        public var label: String
        /// The sequence of its last batch: the version shown is `NAME@lastSeq`.
        public var lastSeq: UInt64?

        public init(label: String, lastSeq: UInt64? = nil) {
            self.label = label
            self.lastSeq = lastSeq
        }
    }

    /// What a session changed, ready to page.
    public struct Changes: Sendable, Hashable {
        /// The text shown: the document after the session, with what it deleted put back.
        public var text: String
        /// Where its insertions and the text it deleted are in `text` (Unicode scalars; sorted, apart).
        public var inserted: [Range<Int>]
        public var deleted: [Range<Int>]

        public init(text: String, inserted: [Range<Int>], deleted: [Range<Int>]) {
            self.text = text
            self.inserted = inserted
            self.deleted = deleted
        }

        /// Each change once, in order: an insertion and a deletion side by side are one change.
        var changes: [Range<Int>] {
            var all = (inserted + deleted).sorted { $0.lowerBound < $1.lowerBound }
            var index = 1
            while index < all.count {
                if all[index].lowerBound <= all[index - 1].upperBound {
                    all[index - 1] = all[index - 1].lowerBound..<max(all[index - 1].upperBound, all[index].upperBound)
                    all.remove(at: index)
                } else {
                    index += 1
                }
            }
            return all
        }
    }

    /// Every session of the document, oldest first.
    public let stops: [Stop]
    /// The session that made the version first shown: the first `next-session` or
    /// `previous-session` shows it.
    public let start: Int
    /// The changes of session `index`, or why they cannot be shown (in plain words).
    let changes: @Sendable (Int) -> Result<Changes, TimeTravelProblem>

    /// The session on screen, and its changes; nil while the version first shown is.
    var shown: Int?
    var current: Changes?
    /// The change `next-change` and `previous-change` last went to.
    var changeIndex: Int?
    /// Sessions rebuilt lately, so that stepping back and forth rebuilds each once.
    var recent: [Int: Changes] = [:]
    /// How many rebuilt sessions `recent` keeps.
    static let recentLimit = 4

    public init(stops: [Stop], start: Int, changes: @escaping @Sendable (Int) -> Result<Changes, TimeTravelProblem>) {
        self.stops = stops
        self.start = min(max(0, start), max(0, stops.count - 1))
        self.changes = changes
    }
}

/// Why a session's changes cannot be shown, in words for the message line.
public struct TimeTravelProblem: Error, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// A paged past version's sessions that have not arrived.
enum TravelWait: Sendable {
    /// Being read; `step` is the step asked for meanwhile, taken once they arrive.
    case reading(step: Int?)
    /// They cannot be read, in words for the message line.
    case unavailable(String)
}
