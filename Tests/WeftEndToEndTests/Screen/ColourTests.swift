import Foundation
import Testing
import WeftTestSupport
import WeftEditor
@testable import WeftTerminal

/// Colours for terminals of every kind.
@Suite("Colour modes")
struct ColourTests {
    @Test("terminfo's count picks the mode; eight colours keep attributes and the clear hues only")
    func eightColours() throws {
        #expect(ColourMode.forColours(8) == .eight && ColourMode.forColours(16) == .sixteen && ColourMode.forColours(256) == .indexed256)
        #expect(ColourMode.forColours(0x1000000) == .direct && ColourMode.forColours(-1) == .none)
        let dark = try Theme.load("dark", from: .themes(config: nil))
        #expect(StyleRole.status.eightColour(dark.style(.status)) == TextStyle(reverse: true), "a grey bar becomes reverse video, not black on black")
        #expect(StyleRole.filler.eightColour(dark.style(.filler)) == TextStyle(), "grey ~ becomes the terminal's own colour")
        #expect(StyleRole.searchCurrent.eightColour(dark.style(.searchCurrent)) == TextStyle(bold: true, reverse: true))
        #expect(StyleRole.error.eightColour(dark.style(.error)) == TextStyle(foreground: .indexed(1), bold: true), "a rose error stays red")
        #expect(StyleRole.prompt.eightColour(dark.style(.prompt)) == TextStyle(foreground: .indexed(6), bold: true), "a sky-blue prompt is cyan")
        #expect(ColourMode.eight.clearHue(.rgb(0x5C6370)) == nil && ColourMode.eight.clearHue(.indexed(15)) == nil, "greys and white have no hue")
    }

    @Test("COLORTERM=truecolor on a 256-colour type: an entry with 24-bit colour is compiled once with tic")
    func directEntry() throws {
        #expect(DirectColourEntry.wanted(["COLORTERM": "truecolor"]) && DirectColourEntry.wanted(["COLORTERM": "24bit"]))
        #expect(!DirectColourEntry.wanted(["COLORTERM": "yes"]) && !DirectColourEntry.wanted([:]))
        #expect(DirectColourEntry.name(for: "xterm-256color") == "weft-direct-xterm-256color")
        #expect(DirectColourEntry.name(for: "../evil") == nil)
        let directory = TemporaryDirectory.path("terminfo")
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = try #require(DirectColourEntry.ensure(term: "xterm-256color", in: directory))
        let text = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/infocmp"), arguments: ["-x", "-A", directory.path, name]).stdout
        #expect(text.contains("colors#0x1000000") || text.contains("colors#16777216"), "\(text)")
        #expect(text.contains("38;2;") && text.contains("RGB"), "\(text)")
        #expect(text.contains("cup="), "the rest of xterm-256color comes along")
    }
}
