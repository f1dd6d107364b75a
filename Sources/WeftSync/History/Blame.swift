import WeftCRDT
import WeftWire

/// Who typed what in a document: per line, the latest insertion among its characters, like
/// `git blame`; per range, the characters one entry inserted. Deletions leave no character to
/// show, so they never appear in blame (`weft log` counts them). Pure.
///
/// Built in one walk over the document's runs (see `Blame+Build.swift`): the text as UTF-8, cut
/// into pieces of one entry and into lines, entries named by their index in the history. Strings
/// and `HistoryEntry` values are only made for the public views below; `HistoryFormat` prints
/// straight from the bytes and indices, which keeps blame of a document of many megabytes fast.
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
        /// The newest entry among those that inserted the line's characters (its line feed only
        /// when it has no other); nil for an empty last line, or when no entry of the history did.
        public var entry: HistoryEntry?
    }

    /// Consecutive characters inserted by one entry, in scalars and in bytes of `utf8`.
    struct Piece: Sendable {
        var scalars: Range<Int>
        var bytes: Range<Int>
        /// The entry's index in `entries`; nil when no entry of the history inserted them.
        var entry: Int?
    }

    /// A line: its bytes in `utf8` without its line feed, and the index of the newest entry
    /// among its characters (its line feed only when it has no other).
    struct LineCut: Sendable {
        var bytes: Range<Int>
        var entry: Int?
    }

    /// The document's text, as UTF-8.
    public let utf8: [UInt8]
    /// The history's entries, which pieces and lines name by index.
    let entries: [HistoryEntry]
    /// The whole text, cut where the inserting entry changes.
    let pieces: [Piece]
    /// Every line, in order.
    let lineCuts: [LineCut]

    /// The number of lines (a last line without a line feed counts; none for an empty text).
    public var lineCount: Int { lineCuts.count }

    /// The whole text cut where the inserting entry changes.
    public var spans: [Span] {
        pieces.map { Span(range: $0.scalars, entry: $0.entry.map { entries[$0] }) }
    }

    /// The spans merged where one author follows another's same-author span: what `--chars`
    /// prints (ranges of one author, with the newest of their entries).
    public var authorSpans: [Span] {
        authorPieces.map { Span(range: $0.scalars, entry: $0.entry.map { entries[$0] }) }
    }

    /// Every line, with the entry that last changed it.
    public var lines: [Line] {
        lineCuts.enumerated().map { index, cut in
            Line(number: index + 1, text: String(decoding: utf8[cut.bytes], as: UTF8.self), entry: cut.entry.map { entries[$0] })
        }
    }

    /// `authorSpans`, as pieces.
    var authorPieces: [Piece] {
        var merged: [Piece] = []
        for piece in pieces {
            if let last = merged.last, author(of: last.entry) == author(of: piece.entry) {
                let newer = serverSeq(of: piece.entry) > serverSeq(of: last.entry) ? piece.entry : last.entry
                merged[merged.count - 1] = Piece(scalars: last.scalars.lowerBound..<piece.scalars.upperBound,
                                                 bytes: last.bytes.lowerBound..<piece.bytes.upperBound, entry: newer)
            } else {
                merged.append(piece)
            }
        }
        return merged
    }

    /// The entry at `index`, nil for nil.
    func entry(_ index: Int?) -> HistoryEntry? { index.map { entries[$0] } }

    /// The server sequence of the entry at `index`; 0 for none.
    func serverSeq(of index: Int?) -> UInt64 { index.map { entries[$0].serverSeq } ?? 0 }

    private func author(of index: Int?) -> BatchAuthor? { index.flatMap { entries[$0].author } }
}
