import Foundation

extension EditorApp {
    /// `:e TARGET`: this screen has been left (its edits on disk, the terminal given back); the
    /// same program starts again on `target` with the same keymap, theme, name and wrapping, in
    /// this process, so the shell never sees it go. A token given on the command line was for
    /// the document left and is not passed on (the environment and credentials file still
    /// apply). Returns only when the program could not be started again: then says so, exit 3.
    func switchScreen(to target: String, from launch: ScreenLaunch) -> Int32 {
        var arguments = ["weft", "edit", target]
        if launch.pager { arguments.append("--read-only") }
        if let keymap = launch.keymap { arguments += ["--keymap", keymap] }
        if let theme = launch.theme { arguments += ["--theme", theme] }
        if let name = launch.name { arguments += ["--name", name] }
        if let wrap = launch.wrap { arguments.append(wrap ? "--wrap" : "--no-wrap") }
        if let caFile = launch.caFile { arguments += ["--ca-file", caFile] }
        if let leavingNotice { arguments += ["--notice", leavingNotice] }
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
        if let leavingNotice { FileHandle.standardError.write(Data("weft edit: \(leavingNotice)\n".utf8)) }
        FileHandle.standardError.write(Data("weft edit: could not open \(target) (\(reason)); run weft edit \(target)\n".utf8))
        return 3
    }
}
