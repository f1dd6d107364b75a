import Testing
@testable import WeftTerminal
import WeftEditor

/// Reading a terminal's answers about how it lays out grapheme clusters.
@Suite("Measuring the terminal's clusters")
struct ClusterProbeTests {
    @Test("positions in order, the attributes answer ends it, typed keys kept, answers cut between reads")
    func replies() {
        var replies = ClusterProbe.Replies()
        replies.feed(Array("\u{1B}[2;5Rq\u{1B}[2;3R\u{1B}[2;".utf8))
        #expect(replies.columns == [5, 3] && !replies.finished)
        replies.feed(Array("3R\u{1B}[2;2R\u{1B}[?62;22c\u{1B}".utf8))
        #expect(replies.finished)
        #expect(replies.keys == Array("q\u{1B}".utf8))
        #expect(replies.widths == ClusterWidths(joinsSkinTones: false, joinsFlags: true, joinsZeroWidthJoiners: true, widensVariationSelector16: false),
                "tmux 3.3: the skin tone apart, flags and ZWJ joined, VS16 ignored")
    }

    @Test("a terminal that answers only some positions gives no layout")
    func missingAnswers() {
        var replies = ClusterProbe.Replies()
        replies.feed(Array("\u{1B}[2;3R\u{1B}[?1;2c".utf8))
        #expect(replies.finished && replies.widths == nil)
    }
}
