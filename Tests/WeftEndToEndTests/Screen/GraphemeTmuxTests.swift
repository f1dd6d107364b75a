import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Grapheme clusters and control characters as the real terminal shows them.
@Suite("graphemes in tmux", .serialized, .ownThread)
struct GraphemeTmuxTests {
    @Test("skin tones, flags and ZWJ families are drawn whole and text after them lands right; controls show as ^A and ^[")
    func clustersWhole() throws {
        let home = TemporaryDirectory.path("graphemes")
        let document = offlineDocument("emoji")
        let text = "A👍🏽B 🇯🇵C 👨‍👩‍👧D \u{01}E\u{1B}F"
        let escaped = text.unicodeScalars.map { $0.value < 0x20 ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
        let queued = try WeftRun(home: home)(["apply", document, "--offline"], input: "{\"pos\": 0, \"ins\": \"\(escaped)\"}\n")
        #expect(queued.status == 0, "\(queued.stderr)")

        let screen = try weftScreen(["edit", document], home: home)
        defer { screen.kill() }
        // The clusters ncurses cannot hold are written just after its refresh: wait for them.
        _ = try screen.waitFor("the text, every cluster whole") { $0.first == "A👍🏽B 🇯🇵C 👨‍👩‍👧D ^AE^[F" }
        try screen.press("C-e")
        // tmux 3.3 draws the skin tone apart (4 columns), the flag and the family in 2 each.
        // The cursor is placed after the clusters written past ncurses's refresh: wait for it.
        try screen.waitFor("the cursor at the end of the line, column 21") { $0[28].hasSuffix("1:15") && (try? screen.cursor().column) == 21 }
        try screen.press("Left", "Left", "Left", "Left", "Left", "Left")
        try screen.waitFor("the cursor after the family, column 13") { $0[28].hasSuffix("1:9") && (try? screen.cursor().column) == 13 }
        try screen.type("x")
        try screen.waitFor("x typed after the family") { $0[0].hasPrefix("A👍🏽B 🇯🇵C 👨‍👩‍👧xD") }
    }

    @Test("a family emoji arriving a scalar at a time (as typed elsewhere) ends drawn whole, the row unscrambled")
    func clusterArrivingInPieces() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/pieces"
        let writer = WeftRun(home: TemporaryDirectory.path("writer"))
        let pieces = ["A👍", "🏽 ", "👨", "\u{200D}", "👩", "\u{200D}", "👧", " end"]
        var length = 0
        let lines = pieces.map { piece -> String in
            defer { length += piece.unicodeScalars.count }
            let escaped = piece.unicodeScalars.map { $0.value == 0x200D ? "\\u200d" : String($0) }.joined()
            return "{\"pos\": \(length), \"ins\": \"\(escaped)\"}"
        }
        #expect(try writer(["apply", document], input: lines.joined(separator: "\n") + "\n").status == 0)
        let pager = try weftScreen(["view", document], home: TemporaryDirectory.path("reader"))
        defer { pager.kill() }
        try pager.waitFor("the whole line, online") { $0.first == "A👍🏽 👨‍👩‍👧 end" && $0[28].contains("online") }
    }
}
