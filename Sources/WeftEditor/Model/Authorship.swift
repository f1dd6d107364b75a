import WeftCRDT
import WeftWire

/// Who inserted the document's characters, for the authors gutter (`toggle-authors`): read from
/// the relay's history, which names the author and commit time of every batch; characters typed
/// since are named after their replica's author, or the people here now.
public struct Authorship: Sendable {
    /// Who wrote a character, and when.
    public struct Author: Sendable, Hashable {
        public var name: String
        /// When the batch was committed, in milliseconds since 1970 (UTC); nil when not known
        /// (not committed when the history was read, or committed before times were kept).
        public var time: UInt64?
        /// Orders authors by recency: the batch's serverSeq, `UInt64.max` for text typed since.
        public var order: UInt64

        public init(name: String, time: UInt64?, order: UInt64) {
            self.name = name
            self.time = time
            self.order = order
        }
    }

    /// The author of a character id, and how many ids from it on (of its replica) they wrote in
    /// the same batch; nil when the history read holds no batch inserting it.
    private let lookup: @Sendable (CharID) -> (author: Author, run: UInt32)?
    /// Each replica's author, for characters typed after the history was read.
    private let replicaNames: [ReplicaID: String]
    /// When the history was read (milliseconds since 1970): ages are counted from it.
    public let readAt: UInt64
    /// Each author's colour, in the order they first wrote: the first eight people all differ.
    private let colours: [String: UInt32]

    /// - Parameter authors: the document's authors, in the order they first wrote (for colours).
    public init(readAt: UInt64, replicaNames: [ReplicaID: String], authors: [String] = [],
                lookup: @escaping @Sendable (CharID) -> (author: Author, run: UInt32)?) {
        var colours: [String: UInt32] = [:]
        for name in authors where colours[name] == nil { colours[name] = Self.palette[colours.count % Self.palette.count] }
        self.colours = colours
        self.readAt = readAt
        self.replicaNames = replicaNames
        self.lookup = lookup
    }

    /// Whether the history read names `replica`'s author.
    func knows(_ replica: ReplicaID) -> Bool { replicaNames[replica] != nil }

    /// The newest author among the characters with ids `spans` (a line's, from
    /// `Replica.idSpans`); `typedHere` names text whose replica the history does not know.
    func newest(in spans: [(range: Range<Int>, start: CharID)], typedHere: (ReplicaID) -> String?) -> Author? {
        var newest: Author?
        for (range, start) in spans {
            var counter = start.counter
            var left = range.count
            while left > 0 {
                let id = CharID(replica: start.replica, counter: counter)
                let found = lookup(id)
                let author = found?.author ?? Author(name: replicaNames[id.replica] ?? typedHere(id.replica) ?? "someone", time: nil, order: .max)
                if author.order >= newest?.order ?? 0 { newest = author }
                // Typed since the history was read: nothing newer can follow in this span.
                let take = min(left, Int(found?.run ?? UInt32(left)))
                left -= take
                counter &+= UInt32(take)
            }
        }
        return newest
    }

    /// How long before `readAt` `time` was, in one short word: "now", "5m", "3h", "2d", "7w", "1y".
    func age(of time: UInt64?) -> String {
        guard let time, time < readAt else { return "now" }
        let minutes = (readAt - time) / 60_000
        switch minutes {
        case 0: return "now"
        case ..<60: return "\(minutes)m"
        case ..<(48 * 60): return "\(minutes / 60)h"
        case ..<(14 * 24 * 60): return "\(minutes / (24 * 60))d"
        case ..<(365 * 24 * 60): return "\(minutes / (7 * 24 * 60))w"
        default: return "\(minutes / (365 * 24 * 60))y"
        }
    }

    /// Colours that stay apart in a 256-colour terminal too (each is one of its cube's colours).
    static let palette: [UInt32] = [0xFF5F5F, 0x87D75F, 0xFFD75F, 0x5F87FF, 0xD75FD7, 0x5FD7D7, 0xFF8700, 0xAFAFAF]

    /// `name`'s colour: by the order authors first wrote; for a name the history does not have
    /// (typed since), one picked by a hash of its bytes, the same in every run and on every machine.
    func colour(of name: String) -> UInt32 {
        if let colour = colours[name] { return colour }
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Self.palette[Int(hash % UInt32(Self.palette.count))]
    }
}
