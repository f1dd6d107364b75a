import Foundation
import WeftEditor
import WeftSync
import WeftTerminal

extension EditorApp {
    /// `:e TARGET`: this screen has been left (its edits on disk, the terminal given back); the
    /// same program starts again on `target` with the same keymap, theme, name and wrapping, in
    /// this process, so the shell never sees it go. A token given on the command line was for
    /// the document left and is not passed on (the environment and credentials file still
    /// apply). Returns only when the program could not be started again: then says so, exit 3.
    func switchScreen(to target: String, from launch: ScreenLaunch, typedAhead: [InputEvent]) -> Int32 {
        var arguments = ["weft", "edit", target] + lookArguments(launch)
        if launch.pager { arguments.append("--read-only") }
        if let wrap = launch.wrap { arguments.append(wrap ? "--wrap" : "--no-wrap") }
        if let caFile = launch.caFile { arguments += ["--ca-file", caFile] }
        if let leavingNotice { arguments += ["--notice", leavingNotice] }
        // The local file by its path as opened, a document by the name it was opened with.
        arguments += ["--alternate", editor.file?.path ?? launch.document]
        if let descriptor = TypedAhead.handOver(typedAhead) { arguments += ["--typed-ahead-fd", "\(descriptor)"] }
        return execute(arguments, opening: target)
    }

    /// `:n`, `:p`, `:x` in the pager: the same program again on another of the texts named on the
    /// command line, with the same options. Returns only when it could not be started again.
    func switchPager(to index: Int, from launch: ScreenLaunch, typedAhead: [InputEvent]) -> Int32 {
        var arguments = ["weft", "view", "--file-index", "\(index)"] + lookArguments(launch)
        // Options toggled while paging (-S, -N, -i, -I) carry over to the next text, as in less.
        arguments.append(editor.settings.wrap ? "--wrap" : "--no-wrap")
        if editor.settings.lineNumbers { arguments.append("-N") }
        if launch.paging.colours { arguments.append("-R") }
        switch editor.settings.searchCase {
        case .sensitive: break
        case .smart: arguments.append("-i")
        case .ignore: arguments.append("-I")
        }
        if let token = launch.token { arguments += ["--token", token] }
        if let caFile = launch.caFile { arguments += ["--ca-file", caFile] }
        if let skippedTexts { arguments += ["--notice", "skipped: \(skippedTexts)"] }
        if let search = editor.searchToCarry { arguments += ["--previous-search", search.argument] }
        var topLines = launch.fileTopLines
        topLines[launch.fileIndex] = editor.topLine + 1
        arguments += ["--file-top-lines", FileTopLines.argument(topLines)]
        if let descriptor = TypedAhead.handOver(typedAhead) { arguments += ["--typed-ahead-fd", "\(descriptor)"] }
        return execute(arguments + ["--"] + launch.files, opening: launch.files[index])
    }

    /// The keymap, theme and name the screen was started with, as options for the next one.
    private func lookArguments(_ launch: ScreenLaunch) -> [String] {
        var arguments: [String] = []
        if let keymap = launch.keymap { arguments += ["--keymap", keymap] }
        if let theme = launch.theme { arguments += ["--theme", theme] }
        if let name = launch.name { arguments += ["--name", name] }
        return arguments
    }

    /// Replaces this process with `weft ARGUMENTS`, every signal at its default; returns only
    /// when that failed, having said so.
    private func execute(_ arguments: [String], opening target: String) -> Int32 {
        let program = "/proc/self/exe"
        // The loop ignored these signals to watch them, and ignoring survives exec: the next
        // screen starts with every signal at its default, unblocked, as from a shell.
        for number in [SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT] { signal(number, SIG_DFL) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        let argv = arguments.map { strdup($0) } + [nil]
        execv(program, argv)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        if let leavingNotice { FileHandle.standardError.write(Data("weft: \(leavingNotice)\n".utf8)) }
        FileHandle.standardError.write(Data("weft: could not open \(target) (\(reason))\n".utf8))
        return 3
    }

    /// The first of several texts cannot be paged: as less does, the pager starts on the next
    /// that can, and says what it skipped. Unchanged when none can (the first then says why).
    static func skippingUnpageable(_ launch: ScreenLaunch) async -> ScreenLaunch {
        let (found, problems) = await firstPageable(from: launch.fileIndex, step: 1, launch: launch)
        guard let found, !problems.isEmpty else { return launch }
        var next = launch
        next.fileIndex = found
        next.document = launch.files[found]
        next.notice = "skipped: \(problems.joined(separator: "; "))"
        return next
    }

    /// `:n`, `:p`, `:x` asked for text `index`: as less does, one that cannot be paged is
    /// skipped for the next that way, and the next pager says so; when none can be, this text
    /// stays and the message says why.
    func choosePageable(from index: Int, launch: ScreenLaunch) async {
        let step = index < launch.fileIndex && index != 0 ? -1 : 1
        let (found, problems) = await Self.firstPageable(from: index, step: step, stoppingAt: launch.fileIndex, launch: launch)
        guard let found else { return editor.refuseSwitch(problems.joined(separator: "; ")) }
        editor.redirectFileSwitch(to: found)
        skippedTexts = problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// The first text from `index` on, `step` by `step`, that can be paged (before reaching
    /// `stoppingAt`), and why each one before it cannot.
    private static func firstPageable(from index: Int, step: Int, stoppingAt stop: Int? = nil,
                                      launch: ScreenLaunch) async -> (index: Int?, problems: [String]) {
        var candidate = index
        var problems: [String] = []
        while launch.files.indices.contains(candidate), candidate != stop {
            guard let problem = await cannotPage(launch.files[candidate], launch: launch) else { return (candidate, problems) }
            problems.append(problem)
            candidate += step
        }
        return (nil, problems)
    }

    /// Why `:n`, `:p` or `:x` cannot page `target`, asked before this text is left (as less stays
    /// on its file when the next cannot be opened): a file that is not there or not readable, a
    /// document the relay says nobody made. Nil when it can, or when the relay cannot be asked
    /// (the next pager then says what it finds).
    static func cannotPage(_ target: String, launch: ScreenLaunch) async -> String? {
        guard target != "-" else { return nil }  // paged alone, never among others
        do {
            if let local = try LocalText.open(target) {
                close(local.descriptor)
                return nil
            }
            let home = ClientHome.fromEnvironment()
            let (_, address, token) = try ClientConnection(document: target, token: launch.token, caFile: launch.caFile).resolve(in: home)
            try await RelayDocuments.requireDocument(address, home: home, token: token, caFile: launch.caFile.map { URL(fileURLWithPath: $0) },
                                                     timeout: .seconds(5))
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Why `:e TARGET` cannot open `target`, asked before this text is left (as vim stays on its
    /// buffer when `:e` fails): nil when it can.
    func cannotOpen(_ target: String) -> String? {
        if LocalFile.isPath(target) {
            guard target != "-" else { return "standard input cannot be opened with :e" }
            do {
                _ = try LocalFile.open(target)
                return nil
            } catch {
                return error.description
            }
        }
        do {
            let address = try DocumentAddress(parsing: target, defaultServer: defaultServer)
            if address == self.address { return "\(target) is open here already" }
            let home = ClientHome.fromEnvironment()
            if DocumentFiles.isLocked(home.directory(for: address)) {
                return "another weft process has \(target) open; :e \(target) there, or close it first"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
