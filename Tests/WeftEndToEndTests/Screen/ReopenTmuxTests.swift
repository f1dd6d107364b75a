import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft edit` remembers where it was left in each document.
@Suite("weft edit reopens where it was left", .serialized, .ownThread)
struct ReopenTmuxTests {
    @Test("quitting on line 20 and opening the document again starts on line 20, same column")
    func startsWhereLeft() throws {
        let home = TemporaryDirectory.path("reopen")
        let document = offlineDocument("long")
        let first = try weftScreen(["edit", document], home: home)
        defer { first.kill() }
        try first.waitFor(text: "reconnecting in")
        try first.type((1...60).map { "line \($0)" }.joined(separator: "\n"))
        try first.press("C-g")
        try first.type("20")
        try first.press("Enter", "Right", "Right", "Right")
        try first.waitFor("20:4 on the status line") { $0[28].hasSuffix("20:4") }
        try first.press("C-q")
        try first.waitFor(text: "[exit 0]")

        let second = try weftScreen(["edit", document], home: home)
        defer { second.kill() }
        let rows = try second.waitFor("the status line at 20:4") { $0[28].hasSuffix("20:4") }
        #expect(rows.contains("line 20"), "\(rows)")
    }
}
