import ArgumentParser
import WeftClient
import WeftEditor

/// The options `weft edit` and `weft view` share: looks, identity and connection.
struct ScreenOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Theme: dark, light, high-contrast, or one of yours in CONFIG/themes (else the config file's, else dark).", valueName: "NAME"))
    var theme: String?

    @Option(help: ArgumentHelp("The name others see (else the config file's, else $USER).", valueName: "NAME"))
    var name: String?

    @Flag(inversion: .prefixedNo, help: "Wrap long lines (else they are cut off and scroll sideways; -S in the pager toggles).")
    var wrap: Bool?

    @OptionGroup var access: AccessOptions

    /// Set by the editor when `:e` opens another text: what it had to say about the one it left.
    @Option(help: .hidden)
    var notice: String?

    /// Set by the editor when `:e` opens another text: the one it left, for `:e#`.
    @Option(help: .hidden)
    var alternate: String?

    /// Set by the screen that `:e`, `:n` or `:p` left: an open file with the keys typed after
    /// the command, for this screen to handle first.
    @Option(help: .hidden)
    var typedAheadFd: Int32?

    /// Runs the screen (`EditorApp`) on `document` with these options; a non-zero exit code is thrown.
    func run(_ command: String, document: String, keymap: String?, pager: Bool, lineNumbers: Bool, follow: Bool, paging: PagerOptions = PagerOptions(),
             files: [String] = [], fileIndex: Int = 0, fileTopLines: [Int: Int] = [:], pastSessions: PastSessions? = nil) async throws {
        var launch = ScreenLaunch(command: command, document: document, keymap: keymap, theme: theme, name: name, pager: pager,
                                  wrap: wrap, lineNumbers: lineNumbers, follow: follow, token: access.token, caFile: access.caFile, paging: paging, notice: notice, alternate: alternate,
                                  files: files, fileIndex: fileIndex)
        launch.fileTopLines = fileTopLines
        launch.typedAheadDescriptor = typedAheadFd
        launch.pastSessions = pastSessions
        let code = await EditorApp.run(launch)
        if code != 0 { throw ExitCode(code) }
    }
}
