import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// The real `weft view` (and `weft edit` falling back to it) in tmux, against a real relay.
@Suite("weft view in tmux", .serialized, .ownThread)
struct PagerTmuxTests {
    private func screen(_ command: [String], home: URL, environment extra: [String: String] = [:], width: Int = 100, height: Int = 30) throws -> TmuxSession {
        let environment = ["WEFT_HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("xdg-data").path,
                           "USER": "vi", "TERM": "tmux-256color", "LANG": "C.UTF-8"].merging(extra) { $1 }
        return try TmuxSession(command, environment: environment, width: width, height: height)
    }

    private var weftPath: String { get throws { try BuiltProduct.url("weft").path } }

    /// `weft apply` input that appends `text` to a document of `count` scalars.
    private func append(_ text: String, at count: Int) -> String {
        let escaped = text.replacingOccurrences(of: "\n", with: "\\n")
        return "{\"pos\": \(count), \"ins\": \"\(escaped)\"}\n"
    }

    static let lines = (1...200).map { "line \($0)" }

    /// A machine with no copy of the document yet: keys pressed at once wait for it, in order,
    /// instead of acting on an empty text (G went nowhere; typed text went wherever an empty
    /// document put it).
    @Test("keys pressed before a first copy arrives wait for it: G pages to its end, typing lands at its start")
    func keysWaitForAFirstCopy() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/arriving"
        let writer = WeftRun(home: TemporaryDirectory.path("writer"))
        let text = (1...60_000).map { "line \($0) of a document long enough to take a moment" }.joined(separator: "\n")
        #expect(try writer(["put", "--timeout", "60", document], input: text).status == 0)

        let pager = try screen([try weftPath, "view", document], home: TemporaryDirectory.path("reader"))
        defer { pager.kill() }
        try pager.press("G")
        try pager.waitFor("the document's end", timeout: .seconds(30)) { $0.contains("line 60000 of a document long enough to take a moment") }

        let editorHome = TemporaryDirectory.path("typist")
        let editor = try screen([try weftPath, "edit", document], home: editorHome)
        defer { editor.kill() }
        try editor.type("early ")
        try editor.waitFor("the typing at the document's start, online", timeout: .seconds(30)) {
            $0.first == "early line 1 of a document long enough to take a moment" && $0[28].contains("online")
        }
        try editor.press("C-q")
        try editor.waitFor(text: "[exit 0]")
        let saved = try WeftRun(home: editorHome, environment: ["USER": "vi"])(["cat", document])
        #expect(saved.stdout.hasPrefix("early line 1 of"), "\(saved.stdout.prefix(80)) \(saved.stderr)")
    }

    @Test("weft view - and weft edit - refuse a terminal as standard input, as less does, instead of reading the keys as text")
    func standardInputThatIsTheTerminal() throws {
        for command in ["view", "edit"] {
            let pager = try screen([try weftPath, command, "-"], home: TemporaryDirectory.path("tty-input"))
            defer { pager.kill() }
            let shown = try pager.waitFor(text: "[exit")
            let said = shown.joined(separator: " ")
            #expect(said.contains("standard input is the terminal, so `-` has no text to read") && !said.contains("[exit 0]"), "\(command): \(said)")
        }
    }

    @Test("paging, G, search, F showing what weft apply appends, letters changing nothing, q")
    func pagingALiveDocument() throws {
        let relay = try RelayProcess(dataDirectory: TemporaryDirectory.path("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/paged"
        let writer = WeftRun(home: TemporaryDirectory.path("writer"))
        let text = Self.lines.joined(separator: "\n")
        #expect(try writer(["apply", document], input: append(text, at: 0)).status == 0)

        let viewerHome = TemporaryDirectory.path("viewer")
        let viewer = try screen([try weftPath, "view", document], home: viewerHome)
        defer { viewer.kill() }
        var rows = try viewer.waitFor("the first screen, online") { $0.first == "line 1" && $0[28].contains("online") }
        // A second pager on the same data directory (the document is locked) reads a throwaway copy.
        let second = try screen([try weftPath, "view", document], home: viewerHome, width: 40, height: 6)
        defer { second.kill() }
        // The first pager's place shows as a cursor with its reader's name at the row's end.
        _ = try second.waitFor("the second pager's first screen") { $0.first?.hasPrefix("line 1") == true && $0[4].contains("online") }
        try second.press("q")
        try second.waitFor(text: "[exit 0]")
        #expect(rows[27] == "line 28" && rows[28].contains("LIVE") && rows[28].contains("[read-only]"))
        try viewer.press("Space")
        rows = try viewer.waitFor("the second screen") { $0.first == "line 29" }
        try viewer.press("G")
        rows = try viewer.waitFor("the end") { $0[27] == "line 200" }
        #expect(rows[28].hasSuffix("END"))
        try viewer.press("g")
        try viewer.type("/line 150")
        try viewer.press("Enter")
        rows = try viewer.waitFor("the match at the top") { $0.first == "line 150" }

        // Letters are not less's keys here; none of them may change the document.
        try viewer.type("ixa")
        rows = try viewer.waitFor(text: "a is not bound")
        try viewer.press("BSpace", "DC")
        rows = try viewer.waitFor(text: "Delete is not bound")

        try viewer.press("F")
        rows = try viewer.waitFor("following") { $0[28].contains("FOLLOW") }
        #expect(try writer(["apply", document], input: append("\nappended by bo", at: text.unicodeScalars.count)).status == 0)
        rows = try viewer.waitFor("the appended line at the bottom") { $0[27] == "appended by bo" && $0[26] == "line 200" }
        try viewer.press("q")
        try viewer.waitFor(text: "[exit 0]")
        let cat = try writer(["cat", document])
        #expect(cat.stdout == text + "\nappended by bo")
    }

    @Test("a read-only token: weft apply fails and says why; weft edit opens the pager with a banner")
    func readOnlyToken() throws {
        let data = TemporaryDirectory.path("relay")
        let relay = try RelayProcess(dataDirectory: data, extraArguments: ["--require-auth"])
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/guarded"
        func token(_ extra: [String]) throws -> String {
            let made = try BuiltProduct.run("weft", ["token", "create", "--data", data.path, "--doc", "guarded"] + extra)
            return try #require(made.stdout.split(separator: "\n").last.map(String.init))
        }
        let (readWrite, readOnly) = (try token([]), try token(["--read-only"]))
        let owner = WeftRun(home: TemporaryDirectory.path("owner"))
        #expect(try owner(["apply", document, "--token", readWrite], input: append("guarded text", at: 0)).status == 0)

        let reader = WeftRun(home: TemporaryDirectory.path("reader"))
        let refused = try reader(["apply", document, "--token", readOnly, "--timeout", "10"], input: append("!", at: 0))
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("read-only"), "\(refused.stderr)")
        #expect(try owner(["cat", document, "--token", readWrite]).stdout == "guarded text")

        let editor = try screen([try weftPath, "edit", document, "--token", readOnly], home: TemporaryDirectory.path("editor"))
        defer { editor.kill() }
        // The banner can come before the first sync has brought the text: both are waited for.
        let rows = try editor.waitFor("the banner and the text") {
            $0.first?.contains("read-only: the relay accepts no writes to guarded") == true && $0.count > 1 && $0[1] == "guarded text"
        }
        #expect(rows[1] == "guarded text")
        try editor.type("typed")
        try editor.press("q")
        try editor.waitFor(text: "[exit 0]")
        #expect(try owner(["cat", document, "--token", readWrite]).stdout == "guarded text")
    }

    @Test("a pipe is shown before it ends; a file with -N shows line numbers; & filters")
    func pipesAndFiles() throws {
        let directory = TemporaryDirectory.path("files")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let gate = directory.appendingPathComponent("go")
        // The pipe's second half waits for the test: the first screen must come before it.
        let pipeline = "(seq 1 40; while [ ! -e \(gate.path) ]; do sleep 0.05; done; seq 41 100) | \(try weftPath) view -"
        let pager = try screen(["sh", "-c", pipeline], home: TemporaryDirectory.path("pipe"), width: 60, height: 12)
        defer { pager.kill() }
        var rows = try pager.waitFor("the first screen while the pipe is open") { $0.first == "1" && $0[9] == "10" && $0[10].contains("reading") }
        #expect(FileManager.default.createFile(atPath: gate.path, contents: nil), "the gate file opens the pipe")
        rows = try pager.waitFor("the whole pipe read") { $0[10].contains("all read") }
        #expect(rows.first == "1", "the view stays where it was while text arrives")
        try pager.press("G")
        rows = try pager.waitFor("the end of the pipe") { $0[9] == "100" && $0[10].contains("all read") }
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")

        let file = directory.appendingPathComponent("notes.txt")
        try (1...50).map { $0 % 5 == 0 ? "fifth \($0)" : "row \($0)" }.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let viewer = try screen([try weftPath, "view", "-N", file.path], home: TemporaryDirectory.path("file"), width: 60, height: 12)
        defer { viewer.kill() }
        rows = try viewer.waitFor("numbered lines") { $0.first == "   1 row 1" }
        try viewer.type("&fifth")
        try viewer.press("Enter")
        // The status line is part of the same frame, but tmux may capture the rows before it.
        rows = try viewer.waitFor("only the matching lines, and the filter in the status line") {
            $0.first == "   5 fifth 5" && $0[1] == "  10 fifth 10" && $0.count > 10 && $0[10].contains("&fifth")
        }
        try viewer.press("q")
        try viewer.waitFor(text: "[exit 0]")
    }

    /// Several texts, as `less a b`: `:n`, `:p` and `:x` go between them, options toggled on the
    /// way (-N) carry over, and there is no next file past the last.
    /// `first.txt` and `second.txt` holding these texts, in a directory of their own.
    private func twoFiles(_ name: String, _ firstText: String, _ secondText: String) throws -> (first: URL, second: URL) {
        let directory = TemporaryDirectory.path(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let first = directory.appendingPathComponent("first.txt"), second = directory.appendingPathComponent("second.txt")
        try Data(firstText.utf8).write(to: first)
        try Data(secondText.utf8).write(to: second)
        return (first, second)
    }

    @Test("weft view a b: :n and :p go between the files, toggled options carry over, q quits from any")
    func severalFiles() throws {
        let (first, second) = try twoFiles("several", "alpha\n", "beta\n")
        let pager = try screen([try weftPath, "view", first.path, second.path], home: TemporaryDirectory.path("several-home"), width: 80, height: 10)
        defer { pager.kill() }
        // The message names the file by its path, which may take more than one row.
        try pager.waitFor("the first file, said to be 1 of 2") { $0.first == "alpha" && $0[5...].joined(separator: " ").contains("(file 1 of 2)") }
        try pager.press("-")
        try pager.type("N")
        try pager.waitFor("line numbers") { $0.first?.hasSuffix("1 alpha") == true }
        try pager.type(":n")
        try pager.waitFor("the second file, with line numbers still") { $0.first?.hasSuffix("1 beta") == true && $0[5...].joined(separator: " ").contains("(file 2 of 2)") }
        try pager.type(":n")
        try pager.waitFor("no next file") { $0[9].contains("no next file") }
        try pager.type(":p")
        try pager.waitFor("the first again") { $0.first?.hasSuffix("1 alpha") == true }
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")
    }

    /// As less: going back to a file shows it where it was left, not from its start; a start
    /// command (+G) applies to the first opening only.
    @Test("weft view +G a b: :n then :p shows the first file where it was left")
    func severalFilesKeepTheirPlace() throws {
        let (first, second) = try twoFiles("several-place", (1...100).map { "alpha \($0)\n" }.joined(), (1...100).map { "beta \($0)\n" }.joined())
        let pager = try screen([try weftPath, "view", "+G", first.path, second.path], home: TemporaryDirectory.path("several-place-home"), width: 80, height: 10)
        defer { pager.kill() }
        // The banner naming the file takes two rows, over the text's last until a key.
        try pager.waitFor("the first file's end (+G)") { $0.contains("alpha 99") && $0.contains { $0.hasSuffix("END") } }
        try pager.type("/^alpha 42$")
        try pager.press("Enter")
        try pager.waitFor("line 42 at the top") { $0.first == "alpha 42" }
        try pager.type(":n")
        try pager.waitFor("the second file from its start") { $0.first == "beta 1" }
        try pager.type("/^beta 7$")
        try pager.press("Enter")
        try pager.waitFor("line 7 at the top") { $0.first == "beta 7" }
        try pager.type(":p")
        try pager.waitFor("the first where it was left, not its start or end") { $0.first == "alpha 42" }
        try pager.type(":n")
        try pager.waitFor("the second where it was left") { $0.first == "beta 7" }
        try pager.type(":x")
        try pager.waitFor("the first again, where it was left") { $0.first == "alpha 42" }
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")
    }

    /// As less: a count before `:n`, `:p` or `:x` goes that many texts on or back, or to that
    /// text; keys typed in the same go as the command (`:p/beta 42` and Enter) act on the text it
    /// opens.
    @Test("weft view a b c: 2:n, 2:p, 3:x, and keys typed in one go after :p")
    func countsAndKeysAfterSwitching() throws {
        let directory = TemporaryDirectory.path("several-count")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = ["alpha", "beta", "gamma"].map { name in
            let file = directory.appendingPathComponent("\(name).txt")
            try? Data((1...100).map { "\(name) \($0)\n" }.joined().utf8).write(to: file)
            return file.path
        }
        let pager = try screen([try weftPath, "view"] + files, home: TemporaryDirectory.path("several-count-home"), width: 80, height: 10)
        defer { pager.kill() }
        try pager.waitFor("the first file") { $0.first == "alpha 1" }
        try pager.type("2:n")
        try pager.waitFor("the third file") { $0.first == "gamma 1" }
        try pager.type(":p/^beta 42$\r")
        try pager.waitFor("the second file at the match typed after :p") { $0.first == "beta 42" }
        try pager.type("3:x")
        try pager.waitFor("the third file again") { $0.first == "gamma 1" }
        try pager.type("2:p")
        try pager.waitFor("the first file again") { $0.first == "alpha 1" }
        try pager.type("5:n")
        try pager.waitFor("no file five on") { $0[5...].joined(separator: " ").contains("no file 5 on (this is file 1 of 3)") }
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")
    }

    /// As less: the search made in one text goes on in the next, `n` finding its next match
    /// there (and `N` the other way) without typing it again.
    @Test("weft view a b: /pattern in a, then :n and n finds it in b")
    func aSearchCarriesToTheNextText() throws {
        let (first, second) = try twoFiles("several-search", (1...100).map { "alpha \($0)\($0 == 30 ? " needle" : "")\n" }.joined(), (1...100).map { "beta \($0)\($0 % 25 == 0 ? " needle" : "")\n" }.joined())
        let pager = try screen([try weftPath, "view", first.path, second.path], home: TemporaryDirectory.path("several-search-home"), width: 80, height: 10)
        defer { pager.kill() }
        try pager.waitFor("the first file") { $0.first == "alpha 1" }
        try pager.type("/needle")
        try pager.press("Enter")
        try pager.waitFor("the match in the first file at the top") { $0.first == "alpha 30 needle" }
        try pager.type(":n")
        try pager.waitFor("the second file from its start") { $0.first == "beta 1" }
        try pager.type("n")
        try pager.waitFor("the first match in the second file") { $0.first == "beta 25 needle" }
        try pager.type("n")
        try pager.waitFor("its next match") { $0.first == "beta 50 needle" }
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")
    }

    /// As less: a text named on the command line that cannot be paged (a file removed meanwhile,
    /// a document nobody made) is skipped by `:n` and `:p`, and said; with nothing else that way,
    /// the pager stays on its text.
    @Test("weft view a missing b: :n skips what cannot be paged and says why, the pager stays when nothing is left")
    func severalTextsSomeMissing() throws {
        let directory = TemporaryDirectory.path("several-missing")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let first = directory.appendingPathComponent("first.txt"), gone = directory.appendingPathComponent("gone.txt")
        let last = directory.appendingPathComponent("last.txt")
        try Data("alpha\n".utf8).write(to: first)
        try Data("omega\n".utf8).write(to: last)
        let relay = try RelayProcess(dataDirectory: directory.appendingPathComponent("relay"))
        let pager = try screen([try weftPath, "view", first.path, gone.path, "nobody-made-this", last.path], home: TemporaryDirectory.path("several-missing-home"),
                               environment: ["WEFT_SERVER": "ws://127.0.0.1:\(relay.port)"], width: 80, height: 10)
        defer { pager.kill() }
        try pager.waitFor("the first file") { $0.first == "alpha" && $0[5...].joined(separator: " ").contains("(file 1 of 4)") }
        try pager.type(":n")
        try pager.waitFor("the last, the two between skipped and said") { rows in
            let message = rows[4...].joined(separator: " ")
            return rows.first == "omega" && message.contains("gone.txt: no such file") && message.contains("no document named \"nobody-made-this\"")
                && message.contains("(file 4 of 4)")
        }
        try pager.type(":p")
        try pager.waitFor("back over both to the first") { $0.first == "alpha" }
        try FileManager.default.removeItem(at: last)
        try pager.type(":n")
        try pager.waitFor("nothing that way: the first stays, and the message says why") { rows in
            rows.first == "alpha" && rows[4...].joined(separator: " ").contains("last.txt: no such file")
        }
        try pager.press("q")
        try pager.waitFor(text: "[exit 0]")

        // The first text missing: the pager starts on the next.
        let starting = try screen([try weftPath, "view", gone.path, first.path], home: TemporaryDirectory.path("several-missing-home-2"), width: 80, height: 10)
        defer { starting.kill() }
        try starting.waitFor("the second, the first skipped and said") { rows in
            rows.first == "alpha" && rows[4...].joined(separator: " ").contains("gone.txt: no such file")
                && rows[4...].joined(separator: " ").contains("(file 2 of 2)")
        }
    }
}
