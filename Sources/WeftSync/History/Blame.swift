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

    /// The document's text, as UTF-8 (lines are cut from it without decoding, which keeps blame
    /// of a document of many megabytes fast).
    public let utf8: [UInt8]

    /// The document's text, as scalars (for `--chars`, whose positions count scalars).
    public var scalars: [Unicode.Scalar] { Array(String(decoding: utf8, as: UTF8.self).unicodeScalars) }
    /// The whole text cut where the inserting entry changes.
    public let spans: [Span]

    /// The blame of the document `replay` holds now.
    public init(_ replay: HistoryReplay) {
        let replica = replay.replica
        utf8 = Array(replica.text.utf8)
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
        var lineStart = 0  // in bytes
        var position = 0  // in scalars
        var newest: HistoryEntry?
        func finish(_ end: Int) {
            lines.append(Line(number: lines.count + 1, text: String(decoding: utf8[lineStart..<end], as: UTF8.self), entry: newest))
        }
        for (offset, byte) in utf8.enumerated() where byte & 0xC0 != 0x80 {
            // The first byte of a scalar: attribute it, then count it.
            while spans[spanIndex].range.upperBound <= position { spanIndex += 1 }
            if let entry = spans[spanIndex].entry, entry.serverSeq > newest?.serverSeq ?? 0 { newest = entry }
            position += 1
            if byte == 0x0A {
                finish(offset)
                lineStart = offset + 1
                newest = nil
            }
        }
        if lineStart < utf8.count { finish(utf8.count) }
        return lines
    }
}
