import Testing
import WeftCRDT
import WeftEditor
import WeftTestSupport

/// The pager (less's keys) at frame level: what each key shows, on a 40×8 screen (6 text rows).
@Suite("Pager frames") struct PagerFrameTests {
    static let numbered = (1...100).map { "line \($0)\($0 % 10 == 0 ? " tenth" : "")" }.joined(separator: "\n")

    static func pager(_ text: String = numbered, banner: String? = nil, width: Int = 40, height: Int = 8) throws -> EditorHarness {
        var harness = try EditorHarness(text, width: width, height: height)
        harness.editor.enterPager(keymap: try Keymap.load("less", from: .keymaps(config: nil)), banner: banner)
        return harness
    }

    /// The first screen drawn from a cache holds only the document's start: its percentage is how
    /// far into the whole document the screen ends, so it does not fall when the rest arrives.
    @Test("a first screen from the start of a larger document shows how far into the whole it is")
    func previewPercentage() throws {
        var pager = try Self.pager()
        let shownEnd = pager.editor.replica.lineRange(5).upperBound
        pager.editor.previewOf = pager.editor.replica.count * 50
        #expect(pager.lines[6].hasSuffix(" \(shownEnd * 100 / (pager.editor.replica.count * 50))%"), "\(pager.lines[6])")
        #expect(pager.lines[6].hasSuffix(" 0%"), "\(pager.lines[6])")
        pager.editor.previewOf = nil
        #expect(pager.lines[6].hasSuffix(" 6%"), "\(pager.lines[6])")
    }

    @Test("space, b, d, u, j, k, g and G move the view; the status shows the percentage and END")
    func paging() throws {
        var pager = try Self.pager()
        #expect(pager.lines[0] == "line 1" && pager.lines[5] == "line 6")
        #expect(pager.lines[6].contains("LIVE") && pager.lines[6].contains("[read-only]") && pager.lines[6].hasSuffix(" 6%"))
        pager.press("Space")
        #expect(pager.lines[0] == "line 7")
        pager.press("b")
        #expect(pager.lines[0] == "line 1")
        pager.press("d")
        #expect(pager.lines[0] == "line 4")
        pager.press("j j")
        #expect(pager.lines[0] == "line 6")
        pager.press("k u")
        #expect(pager.lines[0] == "line 2")
        pager.press("G")
        #expect(pager.lines[5] == "line 100 tenth" && pager.lines[0] == "line 95")
        #expect(pager.lines[6].hasSuffix(" END"))
        pager.press("Space j")
        #expect(pager.lines[5] == "line 100 tenth", "the view never goes past the end")
        pager.press("g")
        #expect(pager.lines[0] == "line 1")
        pager.press("5 0 G")
        #expect(pager.lines[0] == "line 50 tenth", "a count before G goes to that line")
        pager.press("1 0 j")
        #expect(pager.lines[0] == "line 60 tenth")
    }

    @Test("letters that are not less's keys change nothing and say so")
    func lettersChangeNothing() throws {
        var pager = try Self.pager("hello\nworld")
        pager.press("i x Delete Backspace")
        pager.type("typed")
        pager.press("Ctrl-Z")
        #expect(pager.text == "hello\nworld")
        #expect(pager.editor.takeBatches().isEmpty)
        pager.press("x")
        #expect(pager.rows(from: 4).contains("not bound"))
    }

    @Test("/ and ? search from the top line, put the match's line at the top, and n N repeat")
    func search() throws {
        var pager = try Self.pager()
        pager.press("/")
        pager.type("tenth\n")
        #expect(pager.lines[0] == "line 10 tenth")
        pager.press("n")
        #expect(pager.lines[0] == "line 20 tenth")
        pager.press("N")
        #expect(pager.lines[0] == "line 10 tenth")
        pager.press("G ?")
        pager.type("line 3\n")
        #expect(pager.lines.contains("line 39"), "a match already on screen does not move the view")
        pager.press("g /")
        pager.type("nowhere\n")
        #expect(pager.rows(from: 4).contains("not found"))
    }

    @Test("n goes on past matches on the last screen, which the view cannot put at the top")
    func searchOnTheLastScreen() throws {
        var pager = try Self.pager()
        pager.press("/")
        pager.type("^line (5|98|99)$\n")
        #expect(pager.lines[0] == "line 5")
        pager.press("n")
        #expect(pager.lines[0] == "line 95" && pager.editor.cursorLineColumn.line == 98)
        pager.press("n")
        #expect(pager.editor.cursorLineColumn.line == 99, "not line 98 again")
        pager.press("n")
        #expect(pager.lines[0] == "line 5" && pager.rows(from: 5).contains("search hit the end"), "\(pager.lines)")
    }

    @Test("& shows only matching lines; an empty pattern shows every line again")
    func filter() throws {
        var pager = try Self.pager()
        pager.press("&")
        pager.type("tenth\n")
        #expect(Array(pager.lines[0..<6]) == ["line 10 tenth", "line 20 tenth", "line 30 tenth", "line 40 tenth", "line 50 tenth", "line 60 tenth"])
        #expect(pager.lines[6].contains("&tenth"))
        pager.press("j G")
        #expect(pager.lines[5] == "line 100 tenth" && pager.lines[0] == "line 50 tenth")
        pager.press("&")
        pager.type("\n")
        #expect(pager.lines[0] == "line 50 tenth" && pager.lines[1] == "line 51")
    }

    @Test("-N shows line numbers; wrapping leaves the gutter alone")
    func lineNumbers() throws {
        var pager = try Self.pager("short\n" + String(repeating: "x", count: 40), width: 20)
        pager.press("- N")
        #expect(pager.lines[0] == "   1 short")
        #expect(pager.lines[1] == "   2 " + String(repeating: "x", count: 15))
        #expect(pager.lines[2] == "     " + String(repeating: "x", count: 15))
        pager.press("- N")
        #expect(pager.lines[0] == "short")
    }

    @Test("F follows the end as others write; any key stops; otherwise the view stays on its text")
    func followAndAnchoring() throws {
        var pager = try Self.pager()
        pager.press("/")
        pager.type("line 40\n")
        #expect(pager.lines[0] == "line 40 tenth")
        var remote = try Replica(snapshot: pager.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        try pager.editor.applyRemote([remote.insert("new first line\nand a second\n", at: 0)!])
        #expect(pager.lines[0] == "line 40 tenth", "the view stays on the text being read")
        pager.press("F")
        #expect(pager.lines[6].contains("FOLLOW") && pager.lines[5] == "line 100 tenth")
        try pager.editor.applyRemote([remote.insert("\nappended by bo", at: remote.count)!])
        #expect(pager.lines[5] == "appended by bo" && pager.lines[4] == "line 100 tenth")
        pager.press("k")
        #expect(pager.lines[6].contains("LIVE") && pager.lines[5] == "appended by bo", "the key only stops following")
        try pager.editor.applyRemote([remote.insert("\nmore", at: remote.count)!])
        #expect(pager.lines[5] == "appended by bo", "not following: the view stays")
    }

    @Test("a document whose syncing stopped for good is not said to be LIVE")
    func stoppedIsNotLive() throws {
        var pager = try Self.pager()
        #expect(pager.lines[6].contains("LIVE"))
        pager.editor.status.connection = "stopped"
        pager.editor.status.syncStopped = true
        #expect(!pager.lines[6].contains("LIVE") && pager.lines[6].contains("stopped"), "\(pager.lines[6])")
    }

    @Test("a banner says why the document is read-only; streamed text appends")
    func bannerAndStreaming() throws {
        var pager = try Self.pager("", banner: "read-only: the relay refused writes")
        #expect(pager.lines[0] == " read-only: the relay refused writes")
        #expect(pager.lines.count == 8 && pager.lines[6].contains("LIVE"))
        pager.editor.appendText("one\ntw")
        pager.editor.appendText("o\nthree")
        #expect(Array(pager.lines[1...3]) == ["one", "two", "three"])
        pager.press("F")
        pager.editor.appendText((4...20).map { "\nstreamed \($0)" }.joined())
        #expect(pager.lines[5] == "streamed 20")
    }
}

@Suite("Streamed text") struct UTF8StreamDecoderTests {
    /// Every way of cutting a text into two or three chunks decodes to the same text.
    @Test func charactersCutBetweenChunksArriveWhole() {
        let text = "a日本語é👍🏽z\n"
        let bytes = Array(text.utf8)
        for first in 0...bytes.count {
            for second in first...bytes.count {
                var decoder = UTF8StreamDecoder()
                let joined = decoder.decode(bytes[..<first]) + decoder.decode(bytes[first..<second]) + decoder.decode(bytes[second...]) + decoder.finish()
                #expect(joined == text, "cut at \(first) and \(second)")
            }
        }
    }

    @Test func bytesThatAreNotUTF8AreKeptOneScalarEach() {
        var decoder = UTF8StreamDecoder()
        #expect(decoder.decode([0x61, 0xFF, 0x62]) == "a" + String(UndecodableByte.scalar(for: 0xFF)) + "b")
        #expect(decoder.decode([0xE6, 0x97]) == "")
        #expect(decoder.finish() == String(String.UnicodeScalarView([UndecodableByte.scalar(for: 0xE6), UndecodableByte.scalar(for: 0x97)])))
    }

    /// Any bytes, cut into chunks anywhere, decode to text that gives the same bytes back (each
    /// kept byte as itself, the rest as UTF-8), and UTF-8 decodes to itself. Seeded.
    @Test(arguments: [1, 2, 3, 4] as [UInt64]) func anyBytesCutAnywhereGiveThemselvesBack(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let pieces: [[UInt8]] = ["a", "é", "日", "👍🏽", "\n"].map { Array($0.utf8) } + [[0xE9], [0xFF], [0x80], [0xC3], [0xE6, 0x97], [0xF0, 0x9F, 0x91], [0xC0, 0xAF], [0xED, 0xA0, 0x80]]
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).flatMap { _ in pieces.randomElement(using: &random)! }
            var cuts = (0..<Int.random(in: 0...4, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }.sorted()
            cuts = [0] + cuts + [bytes.count]
            var decoder = UTF8StreamDecoder()
            var text = ""
            for (from, to) in zip(cuts, cuts.dropFirst()) { text += decoder.decode(bytes[from..<to]) }
            text += decoder.finish()
            let back = text.unicodeScalars.flatMap { scalar in UndecodableByte.byte(of: scalar).map { [$0] } ?? Array(String(scalar).utf8) }
            #expect(back == bytes, "seed \(seed): \(bytes) cut at \(cuts)")
            if let valid = String(validating: bytes, as: UTF8.self) { #expect(text == valid, "seed \(seed): \(bytes)") }
        }
    }

    /// As less shows a file that is not UTF-8 (Latin-1, say): each such byte as `<E9>`.
    @Test func bytesThatAreNotUTF8ShowAsLessShowsThem() throws {
        var decoder = UTF8StreamDecoder()
        let text = decoder.decode([0x63, 0x61, 0x66, 0xE9, 0x20, 0x6E, 0x61, 0xEF, 0x76, 0x65]) + decoder.finish()
        let pager = try PagerFrameTests.pager(text)
        #expect(pager.lines[0] == "caf<E9> na<EF>ve", "\(pager.lines[0])")
    }
}

extension PagerFrameTests {
    @Test("a search that finds nothing leaves the view where it was, forward or backward")
    func failedSearchKeepsTheView() throws {
        var pager = try Self.pager()
        pager.press("5 0 G")
        let before = Array(pager.lines.prefix(6))
        for key in ["?", "/"] {
            pager.press(key)
            pager.type("nowhere")
            #expect(Array(pager.lines.prefix(6)) == before, "while typing \(key)nowhere")
            pager.type("\n")
            #expect(Array(pager.lines.prefix(6)) == before, "after \(key)nowhere Enter")
            #expect(pager.rows(from: 4).contains("not found"))
            pager.press("n")
            #expect(Array(pager.lines.prefix(6)) == before, "after n")
        }
    }
}
