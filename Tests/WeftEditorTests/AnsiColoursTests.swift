import Testing
@testable import WeftEditor

/// Less's `-R`: colour sequences become styles over the plain text; nothing else is taken out.
@Suite("ANSI colours")
struct AnsiColoursTests {
    @Test("SGR sequences go, their colours stay on the text they cover")
    func colours() {
        var colours = AnsiColours()
        let plain = colours.strip("\u{1B}[33mcommit abc\u{1B}[m plain \u{1B}[1;32mgreen\u{1B}[0m")
        #expect(plain == "commit abc plain green")
        #expect(colours.style(at: 0) == TextStyle(foreground: .indexed(3)))
        #expect(colours.style(at: 9) == TextStyle(foreground: .indexed(3)))
        #expect(colours.style(at: 10) == nil)
        #expect(colours.style(at: 17) == TextStyle(foreground: .indexed(2), bold: true))
    }

    @Test("256 colours, RGB, bright colours, backgrounds and reverse")
    func richColours() {
        var colours = AnsiColours()
        let plain = colours.strip("\u{1B}[38;5;208ma\u{1B}[48;2;1;2;3mb\u{1B}[0;91;7mc")
        #expect(plain == "abc")
        #expect(colours.style(at: 0) == TextStyle(foreground: .indexed(208)))
        #expect(colours.style(at: 1) == TextStyle(foreground: .indexed(208), background: .rgb(0x010203)))
        #expect(colours.style(at: 2) == TextStyle(foreground: .indexed(9), reverse: true))
    }

    @Test("a sequence cut between two pieces is joined; other escapes stay in the text")
    func piecesAndOtherEscapes() {
        var colours = AnsiColours()
        let first = colours.strip("x\u{1B}[3")
        let second = colours.strip("1my\u{1B}[2Jz\u{1B}]0;title\u{7}")
        #expect(first + second == "xy\u{1B}[2Jz\u{1B}]0;title\u{7}")
        #expect(colours.style(at: 0) == nil)
        #expect(colours.style(at: 1) == TextStyle(foreground: .indexed(1)))
    }
}
