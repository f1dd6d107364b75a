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

    /// The place is written as the cursor moves, not only on leaving: an editor killed (SIGKILL,
    /// a crash) opens again where it was too.
    @Test("an editor killed on line 30 opens again on line 30")
    func startsWhereKilled() throws {
        let home = TemporaryDirectory.path("reopen-killed")
        let document = offlineDocument("killed")
        let first = try weftScreen(["edit", document], home: home)
        defer { first.kill() }
        try first.waitFor(text: "reconnecting in")
        try first.type((1...60).map { "line \($0)" }.joined(separator: "\n"))
        let beforeMove = Date()
        try first.press("C-g")
        try first.type("30")
        try first.press("Enter", "Right")
        try first.waitFor("30:2 on the status line") { $0[28].hasSuffix("30:2") }
        #expect(RelayProcess.waitUntil(.seconds(30)) { Self.placeSettled(under: home, since: beforeMove) }, "the place is written within seconds")
        let pid = try #require(ChildProcess.run(URL(fileURLWithPath: "/usr/bin/pgrep"), arguments: ["-f", "edit \(document)$"]).stdout
            .split(separator: "\n").compactMap { Int32($0) }.max())
        kill(pid, SIGKILL)
        try first.waitFor(text: "[exit")

        let second = try weftScreen(["edit", document], home: home)
        defer { second.kill() }
        let rows = try second.waitFor("the status line at 30:2") { $0[28].hasSuffix("30:2") }
        #expect(rows.contains("line 30"), "\(rows)")
    }

    /// Whether a place file under `home` was written after `moment` and not since for longer than
    /// the editor's tick (a second): written once the cursor had stopped, so it holds where it is.
    private static func placeSettled(under home: URL, since moment: Date) -> Bool {
        guard let files = FileManager.default.enumerator(at: home, includingPropertiesForKeys: [.contentModificationDateKey]) else { return false }
        for case let file as URL in files where file.lastPathComponent == "place" {
            if let written = try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate,
               written > moment, Date().timeIntervalSince(written) > 2.5 { return true }
        }
        return false
    }
}
