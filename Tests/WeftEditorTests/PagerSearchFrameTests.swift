import Foundation
import Testing
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// The pager's searches as less's: regular expressions, `!` negation, the case rules of `-i` and
/// `-I`, the found line at the top, and `p` to a percentage.
@Suite("Pager searches")
struct PagerSearchFrameTests {
    static func pager(_ text: String = PagerFrameTests.numbered, searchCase: SearchCase = .sensitive) throws -> EditorHarness {
        var harness = try PagerFrameTests.pager(text)
        harness.editor.settings.searchCase = searchCase
        return harness
    }

    @Test("/ takes a regular expression: /[0-9]+5$ finds line 15, then n line 25, N back")
    func regularExpression() throws {
        var pager = try Self.pager()
        pager.press("/")
        pager.type("[0-9]+5$\n")
        #expect(pager.lines[0] == "line 15", "the found line is at the top (line 5 has one digit before its 5)")
        pager.press("n")
        #expect(pager.lines[0] == "line 25")
        pager.press("n n")
        #expect(pager.lines[0] == "line 45")
        pager.press("N")
        #expect(pager.lines[0] == "line 35")
        pager.press("/")
        pager.type("^line (4|6)2$\n")
        #expect(pager.lines[0] == "line 42")
    }

    @Test("a match already on screen goes to the top, as less puts it")
    func matchOnScreen() throws {
        var pager = try Self.pager()
        pager.press("/")
        pager.type("line 4\n")
        #expect(pager.lines[0] == "line 4")
        pager.press("n")
        #expect(pager.lines[0] == "line 40 tenth", "n moves to the next line with a match, not the next match in this line")
    }

    @Test("/! finds lines without a match; &! shows only those")
    func negation() throws {
        var pager = try Self.pager("a1\na2\nb3\na4\nb5")
        pager.press("/")
        pager.type("!^a\n")
        #expect(pager.editor.cursorLineColumn.line == 3)
        pager.press("&")
        pager.type("!^a\n")
        #expect(Array(pager.lines.prefix(3)) == ["b3", "b5", "~"])
        pager.press("&")
        pager.type("[24]$\n")
        #expect(Array(pager.lines.prefix(3)) == ["a2", "a4", "~"])
    }

    @Test("less's modifiers: Ctrl-N finds lines without a match, Ctrl-R takes the pattern as plain text, Ctrl-K highlights without moving")
    func modifiers() throws {
        var pager = try Self.pager("a.1\nab2\nb3\na.4\nb5")
        pager.press("/ Ctrl-N")
        pager.type("^a\n")
        #expect(pager.editor.cursorLineColumn.line == 3, "Ctrl-N is ! first: b3 is the first line without a match")
        pager.press("g & Ctrl-R")
        #expect(pager.lines[7].hasPrefix("Regex-off &"), "\(pager.lines[7])")
        pager.type("a.\n")
        #expect(Array(pager.lines.prefix(3)) == ["a.1", "a.4", "~"], "a. as plain text, not ab2")
        pager.press("& Enter / Ctrl-K")
        #expect(pager.lines[7].hasPrefix("Keep-pos /"), "\(pager.lines[7])")
        pager.type("b5\n")
        #expect(pager.lines[0] == "a.1", "the view stays")
        #expect(pager.editor.lastSearch?.pattern == "b5", "and n goes on from the pattern")
    }

    @Test("case: as less by default, -i ignores it unless the pattern has a capital, -I always")
    func caseRules() throws {
        var pager = try Self.pager("Alpha\nbeta\nALPHA\nalpha")
        pager.press("/")
        pager.type("alpha\n")
        #expect(pager.editor.cursorLineColumn.line == 4, "case counts")
        pager.press("g - i /")
        pager.type("alpha\n")
        #expect(pager.editor.cursorLineColumn.line == 1, "-i: a lower-case pattern ignores case")
        pager.press("g /")
        pager.type("ALPHA\n")
        #expect(pager.editor.cursorLineColumn.line == 3, "-i: a capital makes case count")
        pager.press("- I g /")
        pager.type("ALPHA\n")
        #expect(pager.editor.cursorLineColumn.line == 1, "-I: case never counts")
    }

    @Test("an invalid expression says so and moves nothing")
    func invalidExpression() throws {
        var pager = try Self.pager()
        pager.press("/")
        pager.type("line (\n")
        #expect(pager.lines[0] == "line 1")
        #expect(pager.lines[7].contains("not a valid regular expression"))
    }

    @Test("p and % go to a percentage of the lines; without a count, to the start")
    func percent() throws {
        var pager = try Self.pager()
        pager.press("5 0 p")
        #expect(pager.lines[0] == "line 51")
        pager.press("2 0 %")
        #expect(pager.lines[0] == "line 21")
        pager.press("p")
        #expect(pager.lines[0] == "line 1")
        pager.press("1 0 0 p")
        #expect(pager.lines[5] == "line 100 tenth", "100% shows the end, not past it")
    }
}

/// The pager on a file or a pipe: colours (`-R`), start commands, and the status while reading.
@Suite("Pager on local text")
struct PagerLocalTextTests {
    static func pager(colours: Bool = false) throws -> EditorHarness {
        var harness = try PagerFrameTests.pager("")
        harness.editor.beginLocalText(colours: colours)
        return harness
    }

    @Test("-R: git's colours show as colours, searches see the plain text, other escapes show as ^[")
    func colours() throws {
        var pager = try Self.pager(colours: true)
        pager.editor.appendText("\u{1B}[33mcommit 1f2e\u{1B}[m\nAuthor: ana\n\u{1B}[2Jcleared\n")
        #expect(Array(pager.lines.prefix(3)) == ["commit 1f2e", "Author: ana", "^[[2Jcleared"])
        let frame = pager.editor.frame()
        #expect(frame.rows[0][0].style == .text(TextStyle(foreground: .indexed(3))))
        #expect(frame.rows[1][0].style == .role(.text))
        #expect(frame.rows[2][0].style == .role(.control))
        pager.press("/")
        pager.type("^commit [0-9a-f]+$\n")
        #expect(!pager.lines[7].contains("not found"))
    }

    @Test("without -R the sequences show as ^[, as less does")
    func noColours() throws {
        var pager = try Self.pager()
        pager.editor.appendText("\u{1B}[33mcommit\u{1B}[m\n")
        #expect(pager.lines[0] == "^[[33mcommit^[[m")
    }

    @Test("a pipe is read only so far past the screen, unless a key waits for what comes later")
    func readAhead() throws {
        var pager = try Self.pager(colours: false)
        let line = String(repeating: "y", count: 1023) + "\n"
        #expect(pager.editor.wantsMoreText)
        pager.editor.appendText(String(repeating: line, count: Editor.readAhead / 1024 + 8))
        #expect(!pager.editor.wantsMoreText, "4 Mi characters past the screen are enough")
        pager.press("G")
        #expect(pager.editor.wantsMoreText, "G waits for the end")
        pager.press("g")
        #expect(!pager.editor.wantsMoreText)
        pager.press("/")
        pager.type("nowhere\n")
        #expect(pager.editor.wantsMoreText, "a search goes on through what comes")
        pager.press("g")
        pager.press("F")
        #expect(pager.editor.wantsMoreText, "following the end")
        pager.press("q")
        pager.editor.endText(problem: nil)
        #expect(pager.editor.wantsMoreText, "nothing is held back once all is read")
    }

    @Test("a CR that ends a line is not shown, as less does not show it; one elsewhere is ^M")
    func crlf() throws {
        var pager = try Self.pager(colours: false)
        pager.editor.appendText("one\r\ntwo\rthree\r\nlast\r")
        pager.editor.endText(problem: nil)
        #expect(Array(pager.lines[0...2]) == ["one", "two^Mthree", "last^M"], "\(pager.lines)")
        // The last line's CR is hidden too when a line feed ends it.
        var ended = try Self.pager(colours: false)
        ended.editor.appendText("a\r\nb\r\nc\r\n")
        ended.editor.endText(problem: nil)
        #expect(Array(ended.lines[0...2]) == ["a", "b", "c"], "\(ended.lines)")
    }

    @Test("a file being read says READING; once read it is not LIVE")
    func statusLabel() throws {
        var pager = try Self.pager()
        pager.editor.appendText("one\ntwo\n")
        #expect(pager.lines[6].contains("READING") && !pager.lines[6].contains("LIVE"))
        pager.editor.endText(problem: nil)
        #expect(!pager.lines[6].contains("READING") && !pager.lines[6].contains("LIVE") && pager.lines[6].contains("all read"))
    }

    @Test("+G waits for the end; +/pattern for the first match; +N for the line; a key stops waiting")
    func startCommands() throws {
        let lines = (1...50).map { "line \($0)" }
        var pager = try Self.pager()
        pager.editor.begin(with: .end)
        pager.editor.appendText(lines[0..<20].joined(separator: "\n") + "\n")
        #expect(pager.lines[5] == "line 20")
        pager.editor.appendText(lines[20...].joined(separator: "\n") + "\n")
        pager.editor.endText(problem: nil)
        #expect(pager.lines[5] == "line 50")

        var search = try Self.pager()
        search.editor.begin(with: .search("line 3[0-9]", forward: true))
        search.editor.appendText(lines[0..<20].joined(separator: "\n") + "\n")
        #expect(search.lines[0] == "line 1", "no match yet: it waits")
        search.editor.appendText(lines[20...].joined(separator: "\n") + "\n")
        #expect(search.lines[0] == "line 30")

        var line = try Self.pager()
        line.editor.begin(with: .line(12))
        line.editor.appendText(lines.joined(separator: "\n"))
        #expect(line.lines[0] == "line 12")

        var stopped = try Self.pager()
        stopped.editor.begin(with: .end)
        stopped.editor.appendText(lines[0..<20].joined(separator: "\n") + "\n")
        stopped.press("g")
        stopped.editor.appendText(lines[20...].joined(separator: "\n") + "\n")
        #expect(stopped.lines[0] == "line 1", "the user's key ended +G")
    }

    @Test("G, a line or percentage past what is read, and a forward search wait for a pipe's text as less does")
    func keysWaitForTheText() throws {
        let lines = (1...60).map { "line \($0)" }
        let first = lines[0..<20].joined(separator: "\n") + "\n"
        let rest = lines[20...].joined(separator: "\n") + "\n"
        func reading() throws -> EditorHarness {
            var pager = try Self.pager(colours: false)
            pager.editor.appendText(first)
            return pager
        }

        var end = try reading()
        end.press("G")
        #expect(end.lines[5] == "line 20")
        end.editor.appendText(rest)
        end.editor.endText(problem: nil)
        #expect(end.lines[5] == "line 60" && end.lines[6].contains("END"), "G stays at the end until all is read: \(end.lines)")

        var line = try reading()
        line.press("4 5 G")
        #expect(line.rows(from: 6).contains("going to line 45 once the text is read that far"))
        line.editor.appendText(rest)
        #expect(!line.rows(from: 6).contains("going to line 45"), "said while waiting only")
        #expect(line.lines[0] == "line 45")

        var percent = try reading()
        percent.press("5 0 p")
        percent.editor.appendText(rest)
        #expect(percent.lines[0] == "line 1", "a percentage of a growing text waits for its end")
        percent.editor.endText(problem: nil)
        #expect(percent.lines[0] == "line 31")

        var search = try reading()
        search.press("/")
        search.type("line 4[0-9]\n")
        #expect(search.lines[0] == "line 1" && search.rows(from: 6).contains("searching"))
        search.editor.appendText(rest)
        #expect(search.lines[0] == "line 40")
        search.press("n")
        #expect(search.lines[0] == "line 41")

        var wrapped = try reading()
        wrapped.press("/")
        wrapped.type("line 15\n")
        #expect(wrapped.lines[0] == "line 15")
        wrapped.press("/")
        wrapped.type("line 5\n")
        wrapped.editor.appendText(rest)
        #expect(wrapped.lines[0] == "line 50", "a match after the view comes before one found by wrapping around")

        var missing = try reading()
        missing.press("/")
        missing.type("nowhere\n")
        missing.editor.appendText(rest)
        #expect(missing.lines[0] == "line 1" && !missing.rows(from: 6).contains("not found"))
        missing.editor.endText(problem: nil)
        #expect(missing.rows(from: 6).contains("not found: nowhere"))

        var stopped = try reading()
        stopped.press("/")
        stopped.type("line 5[0-9]\n")
        stopped.press("j")
        stopped.editor.appendText(rest)
        #expect(stopped.lines[0] == "line 2", "a key ends the wait")
    }

    /// A search typed while a text is read, and +/pattern, land where the same search on the whole
    /// text lands, however the text arrives: against the pager on the text all read at once as
    /// the model, seeded, the seed printed on a failure.
    @Test("a search waiting for a text as it arrives lands where it would on the whole text")
    func searchWhileReadingMatchesTheWholeText() throws {
        let words = ["ab", "b", "ca", "abc", "", "a b", "bb"]
        let patterns = ["ab", "^b", "c$", "a[bc]", "b b", "!a", "x", "bb$", "^$"]
        let rounds = max(60, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) * 2)
        for round in 0..<rounds {
            let seed = 0x5EA2_0000 + UInt64(round)
            var random = SeededGenerator(seed: seed)
            let text = (0..<Int.random(in: 1...40, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: "\n")
                + (Bool.random(using: &random) ? "\n" : "")
            let pattern = patterns.randomElement(using: &random)!
            let startCommand = Bool.random(using: &random)
            var model = try Self.pager(colours: false)
            model.editor.appendText(text)
            model.editor.endText(problem: nil)
            var streamed = try Self.pager(colours: false)
            let firstCut = Int.random(in: 0...text.unicodeScalars.count, using: &random)
            let scalars = Array(text.unicodeScalars)
            streamed.editor.appendText(String(String.UnicodeScalarView(scalars[..<firstCut])))
            if startCommand {
                model.editor.begin(with: .search(pattern, forward: true))
                streamed.editor.begin(with: .search(pattern, forward: true))
            } else {
                model.press("/")
                model.type(pattern + "\n")
                streamed.press("/")
                streamed.type(pattern + "\n")
            }
            var at = firstCut
            while at < scalars.count {
                let next = min(scalars.count, at + Int.random(in: 1...8, using: &random))
                streamed.editor.appendText(String(String.UnicodeScalarView(scalars[at..<next])))
                at = next
            }
            streamed.editor.endText(problem: nil)
            // The match is shown; where on the screen may differ (found while the text was shorter,
            // it could not be put at the top then, and the view stays put as text arrives).
            let line = streamed.editor.replica.line(containing: streamed.editor.cursorPosition)
            #expect(streamed.editor.cursorPosition == model.editor.cursorPosition && (streamed.editor.topLine...streamed.editor.bottomLine).contains(line),
                    "seed \(seed): \(pattern.debugDescription) in \(text.debugDescription), cut at \(firstCut)")
            if streamed.editor.cursorPosition != model.editor.cursorPosition { return }
        }
    }

    @Test("+ arguments parse as less's, and say plainly what they cannot be")
    func parsing() throws {
        #expect(try PagerStart(argument: "+F") == .follow)
        #expect(try PagerStart(argument: "+G") == .end)
        #expect(try PagerStart(argument: "+/a b") == .search("a b", forward: true))
        #expect(try PagerStart(argument: "+?x") == .search("x", forward: false))
        #expect(try PagerStart(argument: "+42") == .line(42))
        #expect(try PagerStart(argument: "+50%") == .percent(50))
        #expect(try PagerStart(argument: "+7p") == .percent(7))
        #expect(throws: PagerStartError.self) { try PagerStart(argument: "+150%") }
        #expect(try PagerStart(argument: "notes") == nil)
        #expect(throws: PagerStartError.self) { try PagerStart(argument: "+Q") }
    }
}

extension PagerSearchFrameTests {
    @Test("plain text is told from expressions: escaped punctuation is text, classes and anchors are not")
    func plainPatterns() {
        #expect(LinePattern.literal("line 15") == "line 15")
        #expect(LinePattern.literal("a\\.b\\*") == "a.b*")
        for expression in ["a.b", "^x", "x$", "a|b", "\\d", "\\bx", "(x)", "x+", "!x", "日本", "x\\"] {
            #expect(LinePattern.literal(expression) == nil, "\(expression)")
        }
    }

    /// Plain text is found in the document's scalars at once; it must find what the expression
    /// engine finds line by line, from every place, both ways, in either case rule.
    @Test("plain-text searches find what the line-by-line expression search finds, from anywhere")
    func plainTextFindsWhatTheExpressionFinds() throws {
        var random = SeededGenerator(seed: 21)
        let words = ["alpha", "Beta", "gamma.", "delta", "line", "x*y", "日本", "BETA"]
        let text = (0..<300).map { _ in (0..<Int.random(in: 0...6, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") }
            .joined(separator: "\n")
        var harness = try Self.pager(text)
        for (plain, expression) in [("beta", "(?:beta)"), ("Beta", "(?:Beta)"), ("gamma\\.", "(?:gamma\\.)"), ("x\\*y", "(?:x\\*y)"), ("ta de", "(?:ta de)")] {
            for caseRule in [SearchCase.smart, .ignore, .sensitive] {
                for _ in 0..<40 {
                    let position = Int.random(in: 0...harness.editor.replica.count, using: &random)
                    let forward = Bool.random(using: &random)
                    let fast = SearchQuery(pattern: plain, forward: forward, regex: true, caseRule: caseRule)
                    var slow = fast
                    slow.pattern = expression
                    #expect(LinePattern.literal(fast.pattern) != nil && LinePattern.literal(slow.pattern) == nil)
                    let found = harness.editor.find(fast, from: position)
                    let expected = harness.editor.find(slow, from: position)
                    #expect(found?.range == expected?.range, "\(plain) \(caseRule) from \(position) \(forward ? "forward" : "backward")")
                }
            }
        }
    }
}

extension PagerSearchFrameTests {
    /// An expression searched in one pass over the text, forward or backward, must find what the
    /// line-by-line search finds, anchors, classes and case rules included, from any line.
    @Test("expressions searched in one pass find what the line-by-line search finds, from any line")
    func onePassFindsWhatLineByLineFinds() throws {
        var random = SeededGenerator(seed: 22)
        let words = ["alpha", "Beta", "gamma.", "delta", "line 12", "x*y", "日本", "BETA", "", "  "]
        let text = (0..<300).map { _ in (0..<Int.random(in: 0...6, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") }
            .joined(separator: "\n")
        var harness = try Self.pager(text)
        let expressions = ["^Beta", "a$", "l[a-z]+a", "[0-9]+", "\\bdel", "ta\\s+de", "(?<=al)pha", "日.", "^$", "a\\sB", "[^x]+y"]
        for expression in expressions {
            for (caseRule, forward) in [(SearchCase.smart, true), (.ignore, true), (.smart, false), (.ignore, false)] {
                for _ in 0..<30 {
                    // From a line's start, as the pager searches (from the line after the top).
                    // Inside a line the one pass also finds a match overlapping one that starts
                    // before the cursor, as vim does, which the line-by-line search skips.
                    let position = harness.editor.replica.lineStart(Int.random(in: 0..<harness.editor.replica.lineCount, using: &random))
                    let query = SearchQuery(pattern: expression, forward: forward, regex: true, caseRule: caseRule)
                    let onePass = harness.editor.findLines(query, from: position)
                    let lineByLine = harness.editor.findLines(query, from: position, lineByLine: true)
                    #expect(onePass?.range == lineByLine?.range && onePass?.wrapped == lineByLine?.wrapped,
                            "\(expression) \(caseRule) from \(position): \(String(describing: onePass)) against \(String(describing: lineByLine))")
                }
            }
        }
    }
}

extension PagerSearchFrameTests {
    /// On the last screen the view cannot put a match at the top: n and N step from the match,
    /// not from the top line, so each finds the next one that way (N went back past the matches
    /// on screen above it, to wrap round to the last).
    @Test("n and N on the last screen step through the matches on it, one at a time, both ways")
    func matchesOnTheLastScreen() throws {
        let text = (1...100).map { "line \($0)\([80, 90, 95, 98].contains($0) ? " needle" : "")" }.joined(separator: "\n")
        var pager = try PagerFrameTests.pager(text, height: 30)
        pager.press("/")
        pager.type("needle\n")
        var lines: [Int] = [pager.editor.cursorLineColumn.line]
        for key in ["n", "n", "n", "N", "N", "N"] {
            pager.press(key)
            lines.append(pager.editor.cursorLineColumn.line)
            #expect(pager.lines[0] == "line 73", "the last screen stays")
        }
        #expect(lines == [80, 90, 95, 98, 95, 90, 80])
    }
}
