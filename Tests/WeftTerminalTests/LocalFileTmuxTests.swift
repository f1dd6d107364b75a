import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft edit PATH` in tmux: the file alone, written back by `:w` with its mode kept.
@Suite("weft edit on a file, in tmux", .serialized, .ownThread)
struct LocalFileTmuxTests {
    private let home = FileManager.default.temporaryDirectory.appendingPathComponent("weft-file-\(UUID())")

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
        try editor.type(":w")
        try editor.press("Enter")
        _ = try editor.waitFor(text: "wrote")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "# Notes\nline one line\nSECOND line\n")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o640)
        try editor.type(":q")
        try editor.press("Enter")
        try editor.waitFor(text: "[exit 0]")
    }
}
