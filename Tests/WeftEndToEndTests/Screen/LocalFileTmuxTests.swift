import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft edit PATH` in tmux: the file alone, written back by `:w` with its mode kept.
@Suite("weft edit on a file, in tmux", .serialized, .ownThread)
struct LocalFileTmuxTests {
    private let home = TemporaryDirectory.path("file")

    @Test("open a file, edit it with vim's keys, :w: the file on disk is right and keeps its mode")
    func editAndWrite() throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let path = home.appendingPathComponent("notes.md").path
        try Data("# Notes\nfirst line\nsecond line\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let environment = ["WEFT_HOME": home.appendingPathComponent("home").path, "USER": "vi", "TERM": "tmux-256color", "LANG": "C.UTF-8"]
        let editor = try TmuxSession([try BuiltProduct.url("weft").path, "edit", "--keymap", "vim", path], environment: environment)
        defer { editor.kill() }
        _ = try editor.waitFor("the file's text") { $0.first == "# Notes" && $0[2] == "second line" }
        try editor.type("jdwiline one ")
        try editor.press("Escape")
        try editor.type("j0ciwSECOND")
        try editor.press("Escape")
        // The final line feed ends "second line": `G` stops there and `o` keeps it last.
        try editor.type("Gothird line")
        try editor.press("Escape")
        try editor.type(":w")
        try editor.press("Enter")
        _ = try editor.waitFor(text: "4 lines")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# Notes\nline one line\nSECOND line\nthird line\n")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o640)
        try editor.type(":q")
        try editor.press("Enter")
        try editor.waitFor(text: "[exit 0]")
    }

    /// `:e` as vim users type it: refused while the file has changes not written, then another
    /// file, then back, in the same pane and keymap; a shared document's queued edits are said
    /// on arrival in the next text.
    @Test(":e opens another file or document in the same pane, and refuses to drop changes not written")
    func editAnother() throws {
        let (first, second) = try twoFiles("first.txt", "second.txt")
        let environment = ["WEFT_HOME": home.appendingPathComponent("home").path, "USER": "vi", "TERM": "tmux-256color", "LANG": "C.UTF-8",
                           "WEFT_SERVER": "ws://127.0.0.1:\(unusedLoopbackPort())", "XDG_DATA_HOME": home.appendingPathComponent("xdg").path]
        let editor = try TmuxSession([try BuiltProduct.url("weft").path, "edit", "--keymap", "vim", first], environment: environment)
        defer { editor.kill() }
        defer { _ = try? WeftRun(home: home.appendingPathComponent("home"), environment: environment)(["relay", "stop"]) }
        _ = try editor.waitFor("the first file") { $0.first == "one" }
        try editor.type("A!")
        try editor.press("Escape")
        try editor.type(":e \(second)")
        try editor.press("Enter")
        _ = try editor.waitFor(text: "changes not written")
        try editor.type(":w")
        try editor.press("Enter")
        _ = try editor.waitFor(text: "wrote")
        // What cannot be opened leaves this text as it is, and says why.
        try editor.type(":e \(home.path)")
        try editor.press("Enter")
        _ = try editor.waitFor(text: "is a directory")
        _ = try editor.waitFor("still the first file") { $0.first == "one!" }
        try editor.type(":e \(second)")
        try editor.press("Enter")
        _ = try editor.waitFor("the second file") { $0.first == "two" }
        try editor.type("ddi2")
        try editor.press("Escape")
        // `:e! #`: back to the text `:e` left (vim's alternate file), dropping the change here.
        try editor.type(":e! #")
        try editor.press("Enter")
        _ = try editor.waitFor("the first file again, written") { $0.first == "one!" }
        #expect(try String(contentsOfFile: second, encoding: .utf8) == "two\n", ":e! dropped the change not written")
        // A shared document next (the background relay starts for it), still with vim's keys.
        try editor.type(":e notes")
        try editor.press("Enter")
        _ = try editor.waitFor(text: "online")
        try editor.type("ishared")
        try editor.press("Escape")
        _ = try editor.waitFor("the document's text") { $0.first == "shared" }
        try editor.type(":e \(first)")
        try editor.press("Enter")
        _ = try editor.waitFor("the first file from the document") { $0.first == "one!" }
        try editor.type(":q")
        try editor.press("Enter")
        try editor.waitFor(text: "[exit 0]")
        #expect(try WeftRun(home: home.appendingPathComponent("reader"), environment: environment)(["cat", "notes"]).stdout == "shared")
    }

    /// Files `first` holding "one" and `second` holding "two", in `home`: their paths.
    private func twoFiles(_ first: String, _ second: String) throws -> (String, String) {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let paths = (home.appendingPathComponent(first).path, home.appendingPathComponent(second).path)
        try Data("one\n".utf8).write(to: URL(fileURLWithPath: paths.0))
        try Data("two\n".utf8).write(to: URL(fileURLWithPath: paths.1))
        return paths
    }

    /// Keys typed right after `:e FILE` (a fast typist, a macro in the terminal, a paste) arrive
    /// in the same read as the command: the next file gets them, as in vim.
    @Test("keys typed in one go after :e FILE go to the file it opens")
    func keysAfterEditGoToTheNextFile() throws {
        let (first, second) = try twoFiles("ahead-1.txt", "ahead-2.txt")
        let environment = ["WEFT_HOME": home.appendingPathComponent("home").path, "USER": "vi", "TERM": "tmux-256color", "LANG": "C.UTF-8"]
        let editor = try TmuxSession(["sh", "-c", "\(try BuiltProduct.url("weft").path) edit --keymap vim \(first); echo \"[weft $?]\""], environment: environment)
        defer { editor.kill() }
        _ = try editor.waitFor("the first file") { $0.first == "one" }
        try editor.type(":e \(second)\rA and more\u{1B}:wq\r")
        try editor.waitFor(text: "[weft 0]")
        #expect(try String(contentsOfFile: second, encoding: .utf8) == "two and more\n")
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "one\n")
    }
}
