import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Grapheme clusters and control characters as the real terminal shows them.
@Suite("graphemes in tmux", .serialized, .ownThread)
struct GraphemeTmuxTests {
    @Test("skin tones, flags and ZWJ families are drawn whole and text after them lands right; controls show as ^A and ^[")
    func clustersWhole() throws {
        let home = temporaryPath("graphemes")
        let document = offlineDocument("emoji")
        let text = "A👍🏽B 🇯🇵C 👨‍👩‍👧D \u{01}E\u{1B}F"
        let escaped = text.unicodeScalars.map { $0.value < 0x20 ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
        let queued = try WeftRun(home: home)(["apply", document, "--offline"], input: "{\"pos\": 0, \"ins\": \"\(escaped)\"}\n")
        #expect(queued.status == 0, "\(queued.stderr)")

        let screen = try weftScreen(["edit", document], home: home)
        defer { screen.kill() }
        let rows = try screen.waitFor("the text") { $0.first?.hasPrefix("A") == true }
        #expect(rows[0] == "A👍🏽B 🇯🇵C 👨‍👩‍👧D ^AE^[F", "\(rows[0].debugDescription)")
        try screen.press("C-e")
        // tmux 3.3 draws the skin tone apart (4 columns), the flag and the family in 2 each.
        try screen.waitFor("the cursor at the end of the line") { $0[28].hasSuffix("1:15") }
        #expect(try screen.cursor().column == 21)
        try screen.press("Left", "Left", "Left", "Left", "Left", "Left")
        try screen.waitFor("the cursor after the family") { $0[28].hasSuffix("1:9") }
        #expect(try screen.cursor().column == 13)
        try screen.type("x")
        try screen.waitFor("x typed after the family") { $0[0].hasPrefix("A👍🏽B 🇯🇵C 👨‍👩‍👧xD") }
    }
}
