import Testing
import WeftCRDT
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
}
