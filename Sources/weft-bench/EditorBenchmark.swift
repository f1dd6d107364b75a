import ArgumentParser
import Foundation
import WeftCRDT
import WeftEditor
import WeftSync
import WeftTestSupport

/// `weft-bench editor`: opening a large document from the cache to the first screen, against
/// `less` on the same text in the same run (both in tmux), and the editor's time per keystroke.
struct EditorBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "editor",
        abstract: "Open a large cached document (weft edit, weft view) and its file (weft view) to the first screen against less, and time keystrokes in the editor model."
    )

    @Option(help: "Document size in megabytes.")
    var megabytes = 10

    @Option(help: "Timed opens of each program; medians are reported.")
    var runs = 5

    @Option(help: "Keystrokes timed in the editor model (handle the key, then build the frame).")
    var keystrokes = 2_000

    @Option(help: "Length in kilobytes of the one long line keystrokes are also timed on (a minified file, a log line).")
    var longLineKilobytes = 1_024

    @Option(help: "Lines of the document `:%s` substitutes on every line of, then undoes and redoes.")
    var substituteLines = 200_000

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-editor-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

        // A document of numbered lines, some with wide characters.
        var text = ""
        var line = 0
        while text.utf8.count < megabytes << 20 {
            line += 1
            text += "line \(line): the quick brown fox jumps over the lazy dog \(line % 7 == 0 ? "日本語のテキスト" : "and types on") \n"
        }
        let file = root.appendingPathComponent("big.txt")
        try Data(text.utf8).write(to: file)
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert(text, at: 0)

        // The cache `weft edit` opens: a wss address on a dead port is never started locally and
        // never connects, so the editor shows the cached copy.
        let home = ClientHome(data: root.appendingPathComponent("home"), config: root.appendingPathComponent("config"))
        let address = try DocumentAddress(parsing: "wss://127.0.0.1:\(unusedLoopbackPort())/big", defaultServer: DocumentAddress.builtInServer)
        let directory = home.directory(for: address)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try ReplicaCache(replica: ReplicaID(1), epoch: 1, lastServerSeq: 0, snapshot: replica.encodeSnapshot())
            .save(to: directory.appendingPathComponent(DocumentFiles.cacheName))

        let weft = BenchmarkWeft.url
        let environment = ["WEFT_HOME": home.data.path, "TERM": "tmux-256color", "LANG": "C.UTF-8", "USER": "bench"]
        /// The time to the first screen; the program's resident memory then goes to `resident`.
        func firstScreen(_ label: String, _ command: [String]) throws -> Double {
            let started = ContinuousClock.now
            let session = try TmuxSession(command, environment: environment)
            defer { session.kill() }
            // Twenty lines from line 1 on; a banner may stand above them (a document too large to
            // edit opens in the pager, saying so on its first row).
            try session.waitFor("the first line", timeout: .seconds(120)) { rows in
                guard let first = rows.prefix(2).firstIndex(where: { $0.hasPrefix("line 1: the quick") }) else { return false }
                return rows.count > first + 20 && rows[first + 20].hasPrefix("line 21:")
            }
            let elapsed = Measure.milliseconds(ContinuousClock.now - started)
            if let pid = try session.programPID(), let bytes = residentBytes(ofProcess: pid) { resident[label, default: []].append(bytes) }
            return elapsed
        }
        var resident: [String: [Int]] = [:]
        var weftTimes: [Double] = [], viewTimes: [Double] = [], fileTimes: [Double] = [], lessTimes: [Double] = []
        func waitForUnlock() async throws {
            // A killed editor or pager lets go of the document's lock as it exits.
            let deadline = ContinuousClock.now + .seconds(10)
            while DocumentFiles.isLocked(directory), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }
        for _ in 0..<runs {
            weftTimes.append(try firstScreen("edit", [weft.path, "edit", address.url]))
            try await waitForUnlock()
            viewTimes.append(try firstScreen("view document", [weft.path, "view", address.url]))
            try await waitForUnlock()
            fileTimes.append(try firstScreen("view file", [weft.path, "view", file.path]))
            lessTimes.append(try firstScreen("less", ["less", file.path]))
        }
        weftTimes.sort(); viewTimes.sort(); fileTimes.sort(); lessTimes.sort()

        // Keystrokes in the model: type in the middle of the document, each followed by a frame.
        var editor = Editor(replica: replica, keymap: try Keymap.load("default", from: .keymaps(config: nil)), status: StatusInfo(document: "big"))
        editor.resize(width: 100, height: 30)
        editor.handle(.ctrl("g"), now: 0)
        for character in "\(line / 2)" { editor.handle(.character(character), now: 0) }
        editor.handle(.named(.enter), now: 0)
        var times: [Double] = []
        for index in 0..<keystrokes {
            let key: Key = index % 50 == 49 ? .named(.enter) : .character("x")
            let started = ContinuousClock.now
            editor.handle(key, now: Double(index) * 0.1)
            _ = editor.frame()
            times.append(Measure.milliseconds(ContinuousClock.now - started))
            _ = editor.takeBatches()
        }
        times.sort()
        let longLine = try Self.longLineKeystrokes(kilobytes: longLineKilobytes, count: min(keystrokes, 200))
        let longLinePager = try Self.longLinePagerKeys(kilobytes: longLineKilobytes)
        let substitution = try Self.substituteEveryLine(lines: substituteLines)
        print("""
            {"benchmark":"editor","megabytes":\(megabytes),"lines":\(line),\
            "open_first_screen_ms":\(Measure.figure(weftTimes[weftTimes.count / 2])),\
            "view_document_first_screen_ms":\(Measure.figure(viewTimes[viewTimes.count / 2])),\
            "view_file_first_screen_ms":\(Measure.figure(fileTimes[fileTimes.count / 2])),\
            "less_first_screen_ms":\(Measure.figure(lessTimes[lessTimes.count / 2])),\
            "ratio_to_less":\(Measure.figure(weftTimes[weftTimes.count / 2] / lessTimes[lessTimes.count / 2])),\
            "view_document_ratio_to_less":\(Measure.figure(viewTimes[viewTimes.count / 2] / lessTimes[lessTimes.count / 2])),\
            "view_file_ratio_to_less":\(Measure.figure(fileTimes[fileTimes.count / 2] / lessTimes[lessTimes.count / 2])),\
            "keystroke_p50_ms":\(Measure.figure(Measure.percentile(times, 0.5))),\
            "keystroke_p99_ms":\(Measure.figure(Measure.percentile(times, 0.99))),\
            "keystroke_max_ms":\(Measure.figure(times.last ?? 0)),\
            "long_line_kb":\(longLineKilobytes),\
            "long_line_keystroke_p50_ms":\(Measure.figure(Measure.percentile(longLine, 0.5))),\
            "long_line_keystroke_p99_ms":\(Measure.figure(Measure.percentile(longLine, 0.99))),\
            "long_line_pager_G_ms":\(Measure.figure(longLinePager.end)),\
            "long_line_pager_g_ms":\(Measure.figure(longLinePager.start)),\
            "long_line_pager_search_ms":\(Measure.figure(longLinePager.search)),\
            "substitute_lines":\(substituteLines),\
            "substitute_ms":\(Measure.figure(substitution.substitute)),\
            "substitute_undo_ms":\(Measure.figure(substitution.undo)),\
            "substitute_redo_ms":\(Measure.figure(substitution.redo)),\
            "edit_rss_mb":\(Self.medianMegabytes(resident["edit"])),\
            "view_document_rss_mb":\(Self.medianMegabytes(resident["view document"])),\
            "less_rss_mb":\(Self.medianMegabytes(resident["less"]))}
            """)
    }

    /// Milliseconds per keystroke (typing, moving, paging, each followed by a frame) in the
    /// middle of one line of `kilobytes`, wrapped as the editor shows it, sorted.
    static func longLineKeystrokes(kilobytes: Int, count: Int) throws -> [Double] {
        let words = "minified(code){return a+b;} 日本語 "
        var line = ""
        while line.utf8.count < kilobytes << 10 { line += words }
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert("before\n" + line + "\nafter\n", at: 0)
        var editor = Editor(replica: replica, keymap: try Keymap.load("default", from: .keymaps(config: nil)), status: StatusInfo(document: "long"))
        editor.resize(width: 100, height: 30)
        editor.handle(.named(.down), now: 0)
        for _ in 0..<40 { editor.handle(.named(.pageDown), now: 0) }
        let keys: [Key] = [.character("x"), .named(.right), .named(.right), .named(.backspace), .named(.down), .named(.up), .named(.pageDown), .named(.pageUp)]
        var times: [Double] = []
        for index in 0..<count {
            let started = ContinuousClock.now
            editor.handle(keys[index % keys.count], now: Double(index) * 0.1)
            _ = editor.frame()
            times.append(Measure.milliseconds(ContinuousClock.now - started))
            _ = editor.takeBatches()
        }
        return times.sorted()
    }

    /// Milliseconds for the pager's G, g and a search to the line's end on one line of
    /// `kilobytes` of ASCII (a minified file), each with its frame.
    static func longLinePagerKeys(kilobytes: Int) throws -> (end: Double, start: Double, search: Double) {
        var line = ""
        while line.utf8.count < kilobytes << 10 { line += "function(a,b){return a+b;};" }
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert(line + "END\n", at: 0)
        var pager = Editor(replica: replica, keymap: try Keymap.load("default", from: .keymaps(config: nil)), status: StatusInfo(document: "long"))
        pager.resize(width: 100, height: 30)
        pager.enterPager(keymap: try Keymap.load("less", from: .keymaps(config: nil)))
        _ = pager.frame()
        func timed(_ keys: [Key]) -> Double {
            let started = ContinuousClock.now
            for key in keys { pager.handle(key, now: 0) }
            _ = pager.frame()
            return Measure.milliseconds(ContinuousClock.now - started)
        }
        let end = timed([.character("G")])
        let start = timed([.character("g")])
        let search = timed([.character("/")] + "END".map(Key.character) + [.named(.enter)])
        return (end, start, search)
    }

    /// Milliseconds for vim's `:%s/1/X/g` on the lines `1` to `lines` (a change on most lines),
    /// then `u`, then Ctrl-R, each with its frame and its batches taken.
    static func substituteEveryLine(lines: Int) throws -> (substitute: Double, undo: Double, redo: Double) {
        // Written by someone else, as `weft put` of `seq` would be.
        var writer = Replica(replicaID: ReplicaID(2))
        let written = try writer.insert((1...max(1, lines)).map(String.init).joined(separator: "\n") + "\n", at: 0)
        var editor = Editor(replica: Replica(replicaID: ReplicaID(1)), keymap: try Keymap.load("vim", from: .keymaps(config: nil)), status: StatusInfo(document: "seq"))
        try editor.applyRemote(written.map { [$0] } ?? [])
        editor.resize(width: 100, height: 30)
        func timed(_ keys: [Key]) -> Double {
            let started = ContinuousClock.now
            for key in keys { editor.handle(key, now: 0) }
            _ = editor.frame()
            _ = editor.takeBatches()
            return Measure.milliseconds(ContinuousClock.now - started)
        }
        let substitute = timed(":%s/1/X/g".map(Key.character) + [.named(.enter)])
        let undo = timed([.character("u")])
        let redo = timed([.ctrl("r")])
        return (substitute, undo, redo)
    }

    static func medianMegabytes(_ samples: [Int]?) -> String {
        guard let samples, !samples.isEmpty else { return "null" }
        return Measure.figure(Double(samples.sorted()[samples.count / 2]) / 1_048_576)
    }
}
