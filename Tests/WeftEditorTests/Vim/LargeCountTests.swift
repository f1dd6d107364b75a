import Testing
import WeftCRDT
@testable import WeftEditor

/// Counts that are line numbers or numbers of lines are taken whole, however large the document
/// (vim's `150000G`, `20000j`, less's `150000G`); counts that repeat a command still stop at
/// `VimGrammar.maxRepeats`.
@Suite("Large counts")
struct LargeCountTests {
    static let text = (1...150_000).map { "line \($0)\n" }.joined()

    @Test("vim: 123456G, 20000j and d20000j reach the lines they name")
    func vimLineCounts() throws {
        var harness = try EditorHarness(Self.text, keymap: "vim", width: 40, height: 10)
        harness.type("123456G")
        #expect(harness.editor.replica.line(containing: harness.cursor) == 123_455)
        harness.type("gg20000j")
        #expect(harness.editor.replica.line(containing: harness.cursor) == 20_000)
        harness.type("d20000j")
        #expect(harness.editor.replica.lineCount == 150_001 - 20_001)
        #expect(harness.editor.replica.line(harness.editor.replica.line(containing: harness.cursor)) == "line 40002")
    }

    @Test("vim: a count repeating a command stops at the most repeats")
    func vimRepeatsStayBounded() throws {
        var harness = try EditorHarness("x", keymap: "vim", width: 40, height: 10)
        harness.type("yl99999p")
        #expect(harness.text.count == 1 + VimGrammar.maxRepeats)
    }

    @Test("less keys: 150000G goes to the line named")
    func pagerLineCount() throws {
        var harness = try EditorHarness(Self.text, keymap: "less", width: 40, height: 10)
        harness.editor.enterPager(keymap: harness.editor.keymap)
        harness.type("150000G")
        #expect(harness.lines.contains("line 150000"), "\(harness.lines)")
    }
}
