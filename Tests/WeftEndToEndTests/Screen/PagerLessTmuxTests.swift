import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// The real `weft view` on files and pipes in tmux, as less users use it: colours with `-R`,
/// regular-expression searches, `-S`, start commands, and no terminal for keys.
@Suite("weft view as less, in tmux", .serialized, .ownThread)
struct PagerLessTmuxTests {
    private let home = TemporaryDirectory.path("less")

    private func screen(_ shell: String, width: Int = 100, height: Int = 30) throws -> TmuxSession {
        let environment = ["WEFT_HOME": home.path, "USER": "vi", "TERM": "tmux-256color", "LANG": "C.UTF-8",
                           "PATH": (try BuiltProduct.url("weft").deletingLastPathComponent().path) + ":/usr/bin:/bin"]
        return try TmuxSession(["/bin/sh", "-c", shell], environment: environment, width: width, height: height)
    }

    private func file(_ text: String) throws -> URL {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let url = home.appendingPathComponent("text-\(UUID()).txt")
        try Data(text.utf8).write(to: url)
        return url
    }

    static let numbered = (1...200).map { "line \($0)" }.joined(separator: "\n") + "\n"

    @Test("git log --color style input through -R shows colours, not escape sequences")
    func colours() throws {
        let pager = try screen(#"printf '\033[33mcommit 1f2e3d\033[m\nAuthor: ana\n\n    \033[1;32madded\033[0m a line\n' | weft view -R -"#)
        defer { pager.kill() }
        let rows = try pager.waitFor("the text, all read") { $0.first == "commit 1f2e3d" && $0[28].contains("all read") }
        #expect(rows[3] == "    added a line")
        #expect(!rows[28].contains("LIVE"), "a pipe that has ended is not live")
        // Waited for as a condition: tmux may hand over the cells' text a moment before their colours.
        var styled: [String] = []
        _ = try? pager.waitFor("the first row in yellow", timeout: .seconds(10)) { _ in
            styled = (try? pager.styledScreen()) ?? []
            return styled.first.map { $0.contains("[33m") || $0.contains("38;5;3m") } ?? false
        }
        #expect(styled.first.map { $0.contains("[33m") || $0.contains("38;5;3m") } ?? false, "yellow: \(styled.first.debugDescription)")
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")
    }

    @Test("/ with a regular expression, n to the next line with a match, & with !")
    func regularExpressions() throws {
        let text = try file(Self.numbered)
        let pager = try screen("weft view \(text.path)")
        defer { pager.kill() }
        _ = try pager.waitFor("the first screen") { $0.first == "line 1" && $0[28].contains("all read") }
        try pager.type("/[0-9]+5$")
        try pager.press("Enter")
        _ = try pager.waitFor("the first match at the top") { $0.first == "line 15" }
        try pager.press("n")
        _ = try pager.waitFor("the next match at the top") { $0.first == "line 25" }
        try pager.type("&!0$")
        try pager.press("Enter")
        let rows = try pager.waitFor("lines not ending in 0") { $0[28].contains("&!0$") }
        #expect(rows[0] == "line 25" && rows[5] == "line 31", "line 30 is left out: \(rows.prefix(6))")
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")
    }

    @Test("+G opens at the end, +/pattern at the first match, -S cuts long lines off")
    func startCommandsAndChopping() throws {
        let text = try file(Self.numbered + String(repeating: "x", count: 150) + "\n")
        let end = try screen("weft view +G \(text.path)")
        defer { end.kill() }
        let rows = try end.waitFor("the end") { $0[27].hasPrefix("xxx") }
        #expect(rows[25] == "line 200", "the long line wraps onto two rows")
        try end.press("q")

        let search = try screen("weft view -S '+/line 1[0-9]0$' \(text.path)")
        defer { search.kill() }
        _ = try search.waitFor("the first match at the top") { $0.first == "line 100" }
        try search.press("G")
        let chopped = try search.waitFor("the long line cut off") { $0[27].hasSuffix("›") }
        #expect(chopped[27].count == 100)
        try search.press("q")
        try search.waitFor(text: "[exit 0]")
    }

    @Test("with no terminal to take keys from, weft view - copies its input through, as less")
    func noControllingTerminal() throws {
        let text = try file("first\nsecond\n")
        let pager = try screen("setsid -w weft view - < \(text.path)")
        defer { pager.kill() }
        let rows = try pager.waitFor(text: "[exit 0]")
        #expect(rows.prefix(2) == ["first", "second"])
    }
}
