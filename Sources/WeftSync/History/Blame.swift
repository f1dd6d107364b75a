import WeftCRDT
import WeftWire

/// Who typed what in a document: per line, the latest insertion among its characters, like
/// `git blame`; per range, the characters one entry inserted. Deletions leave no character to
/// show, so they never appear in blame (`weft log` counts them). Pure.
public struct Blame: Sendable {
    /// A stretch of visible text inserted by one history entry.
    public struct Span: Sendable, Hashable {
        /// Positions in Unicode scalars.
        public var range: Range<Int>
        /// The history entry that inserted it; nil when no entry of the history did.
        public var entry: HistoryEntry?
    }

    /// One line and the entry that last changed it.
    public struct Line: Sendable, Hashable {
        /// From 1.
        public var number: Int
        /// Without its line feed.
        public var text: String
        /// The newest entry among those that inserted the line's characters (its line feed
        /// included); nil for an empty last line, or when no entry of the history did.
        public var entry: HistoryEntry?
    }

    /// The document's text, as scalars.
    public let scalars: [Unicode.Scalar]
    /// The whole text cut where the inserting entry changes.
    public let spans: [Span]

    /// The blame of the document `replay` holds now.
    public init(_ replay: HistoryReplay) {
        let replica = replay.replica
        scalars = Array(replica.text.unicodeScalars)
        var spans: [Span] = []
        let entries = replay.history.entries
        for (range, start) in replica.idSpans(in: 0..<replica.count) {
            var position = range.lowerBound
            var counter = start.counter
            while position < range.upperBound {
                let found = replay.attribution.entry(of: CharID(replica: start.replica, counter: counter))
                let take = min(range.upperBound - position, Int(found?.run ?? UInt32(range.upperBound - position)))
                let entry = found.map { entries[$0.entry] }
                if let last = spans.last, last.entry == entry, last.range.upperBound == position {
                    spans[spans.count - 1].range = last.range.lowerBound..<position + take
                } else {
                    spans.append(Span(range: position..<position + take, entry: entry))
                }
                position += take
                counter &+= UInt32(take)
            }
        }
        self.spans = spans
    }

    /// The spans merged where one author follows another's same-author span: what `--chars`
    /// prints (ranges of one author, with the newest of their entries).
    public var authorSpans: [Span] {
        var merged: [Span] = []
        for span in spans {
            if let last = merged.last, last.entry?.author == span.entry?.author, last.range.upperBound == span.range.lowerBound {
                let newer = (span.entry?.serverSeq ?? 0) > (last.entry?.serverSeq ?? 0) ? span.entry : last.entry
                merged[merged.count - 1] = Span(range: last.range.lowerBound..<span.range.upperBound, entry: newer)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// Every line, with the entry that last changed it.
    public var lines: [Line] {
        var lines: [Line] = []
        var spanIndex = 0
        var lineStart = 0
        var newest: HistoryEntry?
        func finish(_ end: Int) {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[lineStart..<end])
            lines.append(Line(number: lines.count + 1, text: String(text), entry: newest))
        }
        for position in scalars.indices {
            while spans[spanIndex].range.upperBound <= position { spanIndex += 1 }
            if let entry = spans[spanIndex].entry, entry.serverSeq > newest?.serverSeq ?? 0 { newest = entry }
            if scalars[position] == "\n" {
                finish(position)
                lineStart = position + 1
                newest = nil
            }
        }
        if lineStart < scalars.count { finish(scalars.count) }
        return lines
    }
}
