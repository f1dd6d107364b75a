import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// Editing a local file alone: atomic writes that keep permissions, changes made elsewhere
/// noticed, `:w FILE`, `:saveas`, and quitting with changes not written.
@Suite("Local files", .ownThread)
struct LocalFileTests {
    let directory = TemporaryDirectory.path("files")

    private func make(_ name: String, _ text: String, mode: Int = 0o640) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    private func editor(_ path: String, keymap: String) throws -> VimHarness {
        let (file, text) = try LocalFile.open(path)
        var harness = try VimHarness("‸" + text)
        if keymap != "vim" {
            harness.editor = Editor(replica: harness.editor.replica, keymap: try Keymap.load(keymap, from: .keymaps(config: nil)),
                                    status: StatusInfo(document: path))
            harness.editor.resize(width: 40, height: 12)
        }
        harness.editor.attach(file)
        return harness
    }

    private func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    private func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue }

    @Test(":w writes the file back with its permissions; :wq writes and quits")
    func write() throws {
        let path = try make("notes.md", "one\ntwo\n")
        var vim = try editor(path, keymap: "vim")
        vim.type("ddp:w<CR>")
        #expect(try contents(path) == "two\none\n")
        #expect(try mode(path) == 0o640)
        #expect(vim.editor.frame().lines[6...].joined(separator: " ").contains("wrote"))
        vim.type("x:wq<CR>")
        #expect(vim.editor.wantsQuit)
        #expect(try contents(path) == "two\nne\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")
    }

    @Test("a file changed on disk meanwhile is not written over without :w!")
    func changedOnDisk() throws {
        let path = try make("shared.txt", "mine\n")
        var vim = try editor(path, keymap: "vim")
        vim.type("x")
        try Data("theirs, longer\n".utf8).write(to: URL(fileURLWithPath: path))
        vim.type(":w<CR>")
        #expect(try contents(path) == "theirs, longer\n")
        #expect(vim.editor.frame().lines[6...].joined(separator: " ").contains("changed on disk"))
        vim.type(":w!<CR>")
        #expect(try contents(path) == "ine\n")
    }

    @Test(":w FILE writes elsewhere and keeps editing the same file; :saveas moves to the new one; neither writes over a file without !")
    func writeElsewhere() throws {
        let path = try make("a.txt", "abc")
        let copy = directory.appendingPathComponent("b.txt").path
        var vim = try editor(path, keymap: "vim")
        // As vim's 'fixeol', the vim keymap ends the last line with a line feed in the file.
        vim.type("x:w \(copy)<CR>")
        #expect(try contents(copy) == "bc\n")
        #expect(try contents(path) == "abc")
        vim.type("x:w \(copy)<CR>")
        #expect(try contents(copy) == "bc\n", "an existing file is not written over")
        #expect(vim.editor.message?.text.contains("exists, so not written") == true)
        vim.type(":w! \(copy)<CR>")
        #expect(try contents(copy) == "c\n")
        vim.type("u")
        let moved = directory.appendingPathComponent("c.txt").path
        _ = try make("c.txt", "kept")
        vim.type(":saveas \(moved)<CR>")
        #expect(try contents(moved) == "kept")
        vim.type(":saveas! \(moved)<CR>x:w<CR>")
        #expect(try contents(moved) == "c\n")
        #expect(try contents(path) == "abc")
        #expect(vim.editor.file?.path == moved)
    }

    @Test(":e PATH asks for another text unless changes would be dropped; :e! drops them; :e alone reads the file again")
    func editAnother() throws {
        let path = try make("e.txt", "one\n")
        var vim = try editor(path, keymap: "vim")
        vim.type(":e other.txt<CR>")
        #expect(vim.editor.wantsQuit && vim.editor.switchTarget == "other.txt", "nothing to lose: it goes")
        vim = try editor(path, keymap: "vim")
        vim.type("x:e other.txt<CR>")
        #expect(!vim.editor.wantsQuit && vim.editor.switchTarget == nil)
        #expect(vim.editor.frame().lines[6...].joined(separator: " ").contains("changes not written"))
        vim.type(":e! other.txt<CR>")
        #expect(vim.editor.wantsQuit && vim.editor.switchTarget == "other.txt")
        #expect(try contents(path) == "one\n", "dropped, not written")
        vim = try editor(path, keymap: "vim")
        vim.type(":e<CR>")
        #expect(vim.editor.switchTarget == path, ":e alone is the same file again")

        var shared = try VimHarness("‸text")
        shared.type(":e<CR>")
        #expect(!shared.editor.wantsQuit && shared.editor.frame().lines[6...].joined(separator: " ").contains("shared document"))
    }

    @Test("a symbolic link is written through and stays a link; a read-only file is written only with :w!")
    func linksAndReadOnlyFiles() throws {
        let target = try make("target.txt", "target\n", mode: 0o640)
        let link = directory.appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.txt")
        var vim = try editor(link, keymap: "vim")
        vim.type("x:w<CR>")
        #expect(try contents(target) == "arget\n")
        #expect((try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType) == .typeSymbolicLink)
        #expect(try mode(target) == 0o640)

        let locked = try make("locked.txt", "locked\n", mode: 0o444)
        var readOnly = try editor(locked, keymap: "vim")
        readOnly.type("x:w<CR>")
        #expect(try contents(locked) == "locked\n")
        #expect(readOnly.editor.frame().lines[6...].joined(separator: " ").contains("read-only"))
        readOnly.type(":w!<CR>")
        #expect(try contents(locked) == "ocked\n")
    }

    @Test("quitting with changes not written warns first: :q refuses, :q! leaves; the default keymap's Ctrl-S writes")
    func quitting() throws {
        let path = try make("q.txt", "x\n")
        var vim = try editor(path, keymap: "vim")
        vim.type("dd:q<CR>")
        #expect(!vim.editor.wantsQuit && vim.editor.frame().lines[6...].joined(separator: " ").contains("not written"))
        vim.type(":q!<CR>")
        #expect(vim.editor.wantsQuit)
        #expect(try contents(path) == "x\n")

        var plain = try editor(path, keymap: "default")
        plain.editor.handle(.character("y"), now: 0)
        plain.editor.handle(.ctrl("q"), now: 1)
        #expect(!plain.editor.wantsQuit, "the first Ctrl-Q warns")
        plain.editor.handle(.ctrl("s"), now: 2)
        #expect(try contents(path) == "yx\n")
        plain.editor.handle(.ctrl("q"), now: 3)
        #expect(plain.editor.wantsQuit)
    }

    @Test("a file whose line ends are mixed is written back unchanged, and its lines are counted right")
    func mixedLineEnds() throws {
        for (keymap, original) in [("vim", "one\r\ntwo\nthree\r\n"), ("vim", "a\nb\r\n"), ("default", "one\r\ntwo\nthree\r\n")] {
            let path = try make("mixed-\(keymap).txt", original)
            var harness = try editor(path, keymap: keymap)
            if keymap == "vim" { harness.type(":w!<CR>") } else { harness.editor.handle(.ctrl("s"), now: 0) }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(original.utf8), "\(keymap): \(original.debugDescription)")
            let lines = original.utf8.filter { $0 == 0x0A }.count
            #expect(harness.editor.message?.text.hasSuffix(": \(lines) lines") == true, "\(harness.editor.message?.text ?? "")")
        }
    }

    @Test("text from standard input: :w alone refuses (it has no file), :q warns, :w FILE writes it and edits that file from then on")
    func standardInput() throws {
        var vim = try VimHarness("‸a\nb\n")
        vim.editor.attachStandardInput()
        vim.type("oimportant<Esc>:w<CR>")
        #expect(vim.editor.message?.isError == true && vim.editor.message?.text.contains("no file name: :w FILE") == true)
        vim.type(":q<CR>")
        #expect(!vim.editor.wantsQuit, "the typed text is nowhere else: :q refuses")
        #expect(vim.editor.message?.text.contains("standard input has changes not written") == true)
        let path = directory.appendingPathComponent("from-stdin-\(UUID()).txt").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        vim.type(":w \(path)<CR>")
        #expect(try contents(path) == "a\nimportant\nb\n")
        vim.type("ox<Esc>:w<CR>")
        #expect(try contents(path) == "a\nimportant\nx\nb\n", ":w writes to the file :w FILE named")
        vim.type(":q<CR>")
        #expect(vim.editor.wantsQuit)

        var plain = try EditorHarness("a\n", width: 40, height: 10)
        plain.editor.attachStandardInput()
        plain.type("typed")
        plain.press("Ctrl-Q")
        #expect(!plain.editor.wantsQuit && plain.rows(from: 8).contains("Ctrl-S asks where to write them"))
        plain.press("Ctrl-S")
        let other = directory.appendingPathComponent("saved-\(UUID()).txt").path
        plain.type("\(other)\n")
        #expect(try contents(other) == "typeda\n", "the save key asks for a file name and writes there")
        plain.press("Ctrl-Q")
        #expect(plain.editor.wantsQuit)
    }

    @Test("what counts as a path: -, a slash, or a file that exists here")
    func paths() throws {
        #expect(LocalFile.isPath("-") && LocalFile.isPath("./notes") && LocalFile.isPath("/tmp/new-file"))
        #expect(!LocalFile.isPath("no-such-file-\(UUID())"), "a plain name that is no file here is a document")
        #expect(!LocalFile.isPath("team-\(UUID())/plan"), "so is a name with a slash in no directory here")
        #expect(!LocalFile.isPath("ws://127.0.0.1:7000/notes"))
    }

    @Test("what cannot be edited as a file is refused in plain words: a directory, a device, a pipe")
    func notFiles() throws {
        let pipe = TemporaryDirectory.path("fifo").path
        #expect(mkfifo(pipe, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: pipe) }
        for (path, says) in [("/tmp", "is a directory"), ("/dev/null", "is not a regular file"), (pipe, "is not a regular file")] {
            do {
                _ = try LocalFile.open(path)
                Issue.record("\(path) was opened")
            } catch {
                #expect(error.message.hasPrefix(path) && error.message.contains(says), "\(error.message)")
            }
        }
    }

    @Test("a file whose lines end in CR LF is edited without the CRs and written back with them")
    func crlf() throws {
        let path = try make("dos.txt", "one\r\ntwo\r\n")
        var vim = try editor(path, keymap: "vim")
        #expect(vim.editor.replica.text == "one\ntwo\n")
        #expect(!vim.editor.frame().lines.joined().contains("^M"))
        vim.type("Gothree<Esc>:w<CR>")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("one\r\ntwo\r\nthree\r\n".utf8))
        #expect(vim.editor.message?.text.hasSuffix("3 lines, ending in CR LF") == true)
        let copy = directory.appendingPathComponent("copy.txt").path
        vim.type(":w \(copy)<CR>")
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data("one\r\ntwo\r\nthree\r\n".utf8), ":w FILE keeps the line ends")
        // One line with a line feed alone: the file is taken as it is, CRs and all.
        let mixed = try make("mixed.txt", "one\r\ntwo\n")
        #expect(try LocalFile.open(mixed).text == "one\r\ntwo\n")
    }

    @Test("reading a file and writing it back unchanged gives the same bytes, whatever its line ends")
    func readWriteRoundTrip() throws {
        let rounds = max(50, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) * 4)
        let pieces = ["a", "é", " ", "\n", "\r", "\r\n", "\r\n", "\r\n", "\r\r\n", "\u{1F44D}"]
        for round in 0..<rounds {
            let seed = 0x0D0A_0000 + UInt64(round)
            var random = SeededGenerator(seed: seed)
            let original = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let path = try make("round.txt", original)
            var (file, text) = try LocalFile.open(path)
            if file.lineEnding == .crlf { #expect(text.utf8.count == original.utf8.count - text.utf8.filter { $0 == 0x0A }.count, "seed \(seed)") }
            try file.write(text, force: true)
            let back = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            #expect(Array(back.utf8) == Array(original.utf8), "seed \(seed): \(original.debugDescription) came back as \(back.debugDescription)")
        }
    }

    @Test(":e# opens the text :e left, and says so when there is none")
    func alternate() throws {
        let path = try make("here.txt", "here\n")
        var vim = try editor(path, keymap: "vim")
        vim.type(":e#<CR>")
        #expect(vim.editor.message?.text.contains("no alternate file") == true)
        #expect(!vim.editor.wantsQuit)
        vim.editor.alternate = "/tmp/there.txt"
        vim.type(":e#<CR>")
        #expect(vim.editor.switchTarget == "/tmp/there.txt" && vim.editor.wantsQuit)
    }

    @Test("the vim keymap writes the last line with its line feed, and says how many lines; the default keymap writes the text as it is")
    func finalLineFeed() throws {
        let path = try make("new.txt", "")
        var vim = try editor(path, keymap: "vim")
        vim.type("ihello<CR>world<Esc>:w<CR>")
        #expect(try contents(path) == "hello\nworld\n")
        #expect(vim.editor.message?.text.hasSuffix("2 lines") == true, "\(String(describing: vim.editor.message))")
        let plainPath = try make("plain.txt", "")
        var plain = try editor(plainPath, keymap: "default")
        plain.type("hello<C-s>")
        #expect(try contents(plainPath) == "hello")
    }
}
