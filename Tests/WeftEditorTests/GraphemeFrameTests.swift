import Testing
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// Grapheme clusters and control characters on the screen, for terminals that join clusters
/// (Unicode's layout) and for those that draw them scalar by scalar.
@Suite("Graphemes and control characters")
struct GraphemeFrameTests {
    static let thumb = "\u{1F44D}\u{1F3FD}", flag = "\u{1F1EF}\u{1F1F5}", family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", heart = "\u{2764}\u{FE0F}"

    private func editor(_ text: String, clusters: ClusterWidths) throws -> Editor {
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert(text, at: 0)
        var editor = Editor(replica: replica, keymap: try Keymap.load("default", from: .keymaps(config: nil)), status: StatusInfo(document: "doc"),
                            width: TextWidths(clusters: clusters))
        editor.resize(width: 30, height: 6)
        return editor
    }

    @Test("each cluster is one cell, as wide as the terminal draws it; what follows lands after it")
    func clustersAreWhole() throws {
        let text = "A\(Self.thumb)B\(Self.flag)C\(Self.family)D\(Self.heart)E"
        let joined = try editor(text, clusters: .unicode).frame()
        #expect(joined.rows[0].map(\.text).prefix(13) == ["A", Self.thumb, "", "B", Self.flag, "", "C", Self.family, "", "D", Self.heart, "", "E"])
        let split = try editor(text, clusters: ClusterWidths(joinsSkinTones: false, joinsFlags: true, joinsZeroWidthJoiners: true, widensVariationSelector16: false)).frame()
        #expect(split.rows[0].map(\.text).prefix(13) == ["A", Self.thumb, "", "", "", "B", Self.flag, "", "C", Self.family, "", "D", Self.heart], "as tmux 3.3 draws them")
        #expect(split.lines[0] == text)
    }

    @Test("widths by kind, joined and scalar by scalar")
    func widths() {
        let wcwidth = ColumnWidths.unicode
        for (text, joined, apart) in [(Self.thumb, 2, 4), (Self.flag, 2, 4), (Self.family, 2, 6), (Self.heart, 2, 1), ("e\u{301}", 1, 1), ("日", 2, 2)] {
            #expect(ClusterWidths.unicode.columns(of: text.unicodeScalars, scalarWidth: wcwidth) == joined, "\(text)")
            #expect(ClusterWidths.scalarByScalar.columns(of: text.unicodeScalars, scalarWidth: wcwidth) == apart, "\(text)")
        }
    }

    @Test("the cursor steps over a whole cluster")
    func cursorByGrapheme() throws {
        var editor = try editor("\(Self.family)\(Self.thumb)x", clusters: .unicode)
        editor.handle(.named(.right), now: 0)
        #expect(editor.cursorPosition == Self.family.unicodeScalars.count)
        editor.handle(.named(.right), now: 0)
        #expect(editor.cursorPosition == Self.family.unicodeScalars.count + 2)
        #expect(editor.frame().cursor?.column == 4)
        editor.handle(.named(.backspace), now: 0)
        #expect(editor.text == "\(Self.family)x", "Backspace takes the whole cluster")
    }

    @Test("control characters show as ^A and ^[, one character a cell, in the control style")
    func controls() throws {
        let frame = try editor("a\u{01}b\u{1B}c\u{7F}", clusters: .unicode).frame()
        #expect(frame.lines[0] == "a^Ab^[c^?")
        #expect(frame.rows[0][1].text == "^" && frame.rows[0][2].text == "A" && frame.rows[0][5].text == "[")
        #expect(frame.rows[0][2].style == .role(.control))
    }
}

extension GraphemeFrameTests {
    @Test("marks that reorder bidirectional text never reach the terminal: they show by name, as less shows them")
    func bidiControls() throws {
        // The "Trojan Source" shape: an override that would show `admin` code reversed.
        let text = "if x\u{202E} }\u{2066}admin\u{2069}\u{200F}z"
        var editor = try editor(text, clusters: .unicode)
        editor.resize(width: 60, height: 6)
        let frame = editor.frame()
        #expect(frame.lines[0] == "if x<U+202E> }<U+2066>admin<U+2069><U+200F>z")
        let sent = frame.rows[0].map(\.text).joined()
        #expect(!sent.unicodeScalars.contains { Glyph.isBidiControl($0) }, "nothing sent reorders the row")
        #expect(frame.rows[0][4].style == .role(.control))
        editor.handle(.named(.end), now: 0)
        #expect(editor.frame().cursor?.column == frame.lines[0].count, "the cursor counts each name's columns")
    }

    @Test("a joiner with nothing after it yet is not drawn (the terminal would join the next character it gets to it)")
    func danglingJoiner() throws {
        let frame = try editor("a\u{1F468}\u{200D}b", clusters: .unicode).frame()
        #expect(frame.rows[0][1].text == "\u{1F468}" && frame.rows[0][3].text == "b")
    }

    @Test("the shortcut for one plain scalar draws every character as the full rules do")
    func shortcutAgreesWithTheRules() {
        var random = SeededGenerator(seed: 0x61795)
        // Every scalar up to U+0800 (controls, C1, Latin-1, combining marks), the bidi controls and
        // joiners, then random scalars from the whole range, alone and followed by a combining mark.
        var scalars = (0..<0x800).compactMap(Unicode.Scalar.init)
        scalars += [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069, 0xFE0F, 0xFFFD, 0x1F44D, 0x1F3FD, 0xE0001]
            .compactMap(Unicode.Scalar.init)
        while scalars.count < 6_000 {
            if let scalar = Unicode.Scalar(UInt32.random(in: 0..<0x110000, using: &random)) { scalars.append(scalar) }
        }
        for width in [TextWidths(clusters: .unicode), TextWidths(clusters: .scalarByScalar)] {
            for scalar in scalars {
                for text in [String(scalar), String(scalar) + "\u{301}"] {
                    for character in text {
                        let column = Int.random(in: 0..<20, using: &random)
                        let shown = Glyph.of(character, column: column, tabWidth: 8, width: width)
                        #expect(shown == Glyph.drawn(character, column: column, tabWidth: 8, width: width),
                                "U+\(String(scalar.value, radix: 16)) in \(text.unicodeScalars.map { String($0.value, radix: 16) })")
                    }
                }
            }
        }
    }

    @Test("a long line is laid out again when someone else changes it, down to the bytes of an accent")
    func longLineLayoutFollowsItsText() throws {
        // Precomposed é and e with a combining accent are equal Strings, but not equal layouts.
        let composed = String(repeating: "\u{E9}", count: 3_000), combining = String(repeating: "e\u{301}", count: 3_000)
        #expect(LayoutCache.Key(text: composed, wrapWidth: nil, tabWidth: 8) != LayoutCache.Key(text: combining, wrapWidth: nil, tabWidth: 8))
        var other = Replica(replicaID: ReplicaID(2))
        let first = try #require(try other.insert(composed + "\nend", at: 0))
        var editor = Editor(replica: Replica(replicaID: ReplicaID(1)), keymap: try Keymap.load("default", from: .keymaps(config: nil)), status: StatusInfo(document: "doc"))
        editor.resize(width: 40, height: 8)
        try editor.applyRemote([first])
        editor.handle(.named(.end), now: 0)
        _ = editor.frame()
        #expect(editor.cursorPosition == 3_000)
        // The whole line becomes the same letters with combining accents: twice the scalars.
        let deletion = try #require(try other.delete(0..<3_000))
        let insertion = try #require(try other.insert(combining, at: 0))
        try editor.applyRemote([deletion, insertion])
        editor.handle(.named(.home), now: 0)
        editor.handle(.named(.end), now: 0)
        #expect(editor.cursorPosition == 6_000, "the end of the line after 3,000 letters of two scalars each")
        // Typing in the middle shows on the screen at once.
        for _ in 0..<20 { editor.handle(.named(.left), now: 0) }
        editor.handle(.character("X"), now: 0)
        let frame = editor.frame()
        #expect(frame.lines.contains { $0.contains("X") }, "\(frame.lines)")
        #expect(editor.text.unicodeScalars.count == 6_001 + 4)
    }

    @Test("stepping by grapheme from each boundary lands where the line's clusters end, in random texts of clusters, CR LF and long lines")
    func boundariesAreTheClusters() throws {
        let pieces = ["a", "é", "e\u{301}", Self.thumb, Self.flag, Self.family, Self.heart, "\r\n", "\n", "\t", "日", "\r", "x\u{301}\u{302}"]
        for seed in [1, 2, 3, 4] as [UInt64] {
            var random = SeededGenerator(seed: seed)
            var text = ""
            for _ in 0..<400 { text += pieces[Int.random(in: 0..<pieces.count, using: &random)] }
            // A line longer than the window read around a place.
            text += String(repeating: "ab\u{301}", count: 300) + "\n"
            let editor = try editor(text, clusters: .unicode)
            // The model: each line's clusters, the line feed a step of its own.
            var boundaries: [Int] = [0]
            // Split by scalars: String's split keeps CR LF as one character and does not cut it.
            for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
                var at = boundaries.last!
                for character in String(String.UnicodeScalarView(line)) {
                    at += character.unicodeScalars.count
                    boundaries.append(at)
                }
                boundaries.append(at + 1)
            }
            let count = text.unicodeScalars.count
            boundaries = boundaries.filter { $0 <= count }
            for (index, boundary) in boundaries.enumerated() {
                let next = index + 1 < boundaries.count ? boundaries[index + 1] : count
                #expect(editor.nextBoundary(after: boundary) == next, "seed \(seed): after \(boundary)")
                let previous = index > 0 ? boundaries[index - 1] : 0
                #expect(editor.previousBoundary(before: boundary) == previous, "seed \(seed): before \(boundary)")
            }
        }
    }

    @Test("a line's layout is the one made character by character, in random lines of ASCII, marks on ASCII, CR LF, tabs, controls and clusters")
    func layoutIsCharacterByCharacter() {
        let pieces = ["a", "bc ", "e\u{301}", "\t", "\r\n", "\r", "\u{1}", "\u{7F}", "\u{85}", "日", Self.thumb, Self.family, "\u{202E}", "x\u{200D}", "\u{301}", "~"]
        var random = SeededGenerator(seed: 0x1A7)
        for trial in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<60, using: &random) { text += pieces[Int.random(in: 0..<pieces.count, using: &random)] }
            for wrap in [nil, 1, 3, 7, 20] as [Int?] {
                let widths = trial % 2 == 0 ? TextWidths(clusters: .unicode) : TextWidths(clusters: .scalarByScalar)
                let laid = LineLayout(text, wrapWidth: wrap, tabWidth: 4, width: widths)
                // The reference: every character through the full rules, placed as LineLayout places them.
                var rows: [LineLayout.Row] = [], current: [LineLayout.Placed] = []
                var column = 0, offset = 0, rowStart = 0
                for character in text {
                    var glyph = Glyph.drawn(character, column: column, tabWidth: 4, width: widths)
                    if let limit = wrap, column + glyph.width > limit, !current.isEmpty {
                        rows.append(LineLayout.Row(glyphs: current, start: rowStart, end: offset))
                        (current, column, rowStart) = ([], 0, offset)
                        if character == "\t" { glyph = Glyph.drawn(character, column: 0, tabWidth: 4, width: widths) }
                    }
                    if let limit = wrap, glyph.width > limit { glyph.width = limit }
                    current.append(LineLayout.Placed(glyph: glyph, column: column, offset: offset))
                    column += glyph.width
                    offset += glyph.scalars
                }
                rows.append(LineLayout.Row(glyphs: current, start: rowStart, end: offset))
                #expect(laid.rows == rows && laid.length == offset, "trial \(trial), wrap \(String(describing: wrap)): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    /// Typing into a long line lays it out again from a row before the change, keeping the rows
    /// above: random lines of the pieces clusters are made of (marks, joiners, flags, variation
    /// selectors that widen or narrow what they follow, tabs, wide characters), changed by random
    /// insertions, deletions and replacements anywhere, laid out again from the earlier layout
    /// and afresh: the two are the same, row for row.
    @Test("a line laid out again from its earlier layout is the one laid out afresh")
    func layoutFromEarlier() {
        let pieces = ["a", "bc ", "e", "\u{301}", "\t", "\r", "\u{1}", "日", "本", Self.thumb, Self.family, "\u{200D}", "🇯", "🇵", "🇯🇵", "☺", "\u{FE0F}", "\u{FE0E}", "x", "~"]
        var random = SeededGenerator(seed: 0x1A8)
        func piece() -> String {
            (0..<Int.random(in: 1...6, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
        }
        for trial in 0..<400 {
            var old = ""
            for _ in 0..<Int.random(in: 0..<120, using: &random) { old += piece() }
            var scalars = Array(old.unicodeScalars)
            let at = Int.random(in: 0...scalars.count, using: &random)
            let removed = Int.random(in: 0...2, using: &random) == 0 ? min(scalars.count - at, Int.random(in: 0...8, using: &random)) : 0
            let inserted = Int.random(in: 0...3, using: &random) == 0 ? "" : piece()
            scalars.replaceSubrange(at..<at + removed, with: inserted.unicodeScalars)
            var new = ""
            new.unicodeScalars.append(contentsOf: scalars)
            let widths = trial % 2 == 0 ? TextWidths(clusters: .unicode) : TextWidths(clusters: .scalarByScalar)
            for wrap in [nil, 1, 2, 5, 13] as [Int?] {
                let earlier = LineLayout(old, wrapWidth: wrap, tabWidth: 4, width: widths)
                let shared = LayoutCache.sharedPrefixBytes(old, new)
                #expect(shared == zip(old.utf8, new.utf8).prefix { $0 == $1 }.count, "trial \(trial)")
                let again = LineLayout(new, wrapWidth: wrap, tabWidth: 4, width: widths, earlier: earlier, unchangedBytes: shared)
                let afresh = LineLayout(new, wrapWidth: wrap, tabWidth: 4, width: widths)
                #expect(again.rows == afresh.rows && again.rowUTF8Starts == afresh.rowUTF8Starts && again.length == afresh.length,
                        "trial \(trial), wrap \(String(describing: wrap)): \(old.unicodeScalars.map { String($0.value, radix: 16) }) became \(new.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("text written to a terminal shows controls as the pager does: no escape sequence, CR or bidi control reaches it")
    func visibleText() {
        #expect(VisibleText.visible("\u{1B}]0;PWNED\u{7}\u{1B}[2J title\n") == "^[]0;PWNED^G^[[2J title\n")
        #expect(VisibleText.visible("a\r\nb\rc") == "a^M\nb^Mc")
        #expect(VisibleText.visible("\u{202E}gnp.exe \u{85}\u{7F}") == "<U+202E>gnp.exe <85>^?")
        let plain = "caf\u{E9} e\u{301}\t日本 \(Self.family)\n"
        #expect(VisibleText.visible(plain) == plain)
    }
}
