import ArgumentParser
import Foundation

/// `weft edit`: the terminal editor.
struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a shared document in the terminal.",
        discussion: """
            Every edit is on disk before it shows and reaches the relay when it can; quitting with \
            edits not yet acknowledged keeps them queued for next time. When the document's server \
            is on this machine and nothing listens there, a relay is started in the background \
            (see `weft relay status` and `weft relay stop`). Keys: F1 (default keymap) shows the \
            main ones; README.md lists them all; keymaps and themes are TOML files (Keymaps/, Themes/).
            """
    )

    @Argument(help: ArgumentHelp("The document: ws[s]://HOST:PORT/NAME, or NAME on the default server ($WEFT_SERVER, else the config file's server, else ws://127.0.0.1:7878).", valueName: "DOCUMENT"))
    var document: String

    @Option(help: ArgumentHelp("Keymap: default, emacs, vim, or one of yours in CONFIG/keymaps (else the config file's, else default).", valueName: "NAME"))
    var keymap: String?

    @Option(help: ArgumentHelp("Theme: dark, light, high-contrast, or one of yours in CONFIG/themes (else the config file's, else dark).", valueName: "NAME"))
    var theme: String?

    @Option(help: ArgumentHelp("The name others see (else the config file's, else $USER).", valueName: "NAME"))
    var name: String?

    @Flag(help: "Open in the pager, read-only (as `weft view`; the relay refuses writes too).")
    var readOnly = false

    @Flag(inversion: .prefixedNo, help: "Wrap long lines (else they are cut off and scroll sideways).")
    var wrap: Bool?

    @Option(help: ArgumentHelp("Access token (else $WEFT_TOKEN, else the credentials file in the config directory).", valueName: "TOKEN"))
    var token: String?

    @Option(help: ArgumentHelp("PEM certificates to trust for wss:// (a private CA).", valueName: "FILE"))
    var caFile: String?

    func run() async throws {
        let launch = ScreenLaunch(command: "edit", document: document, keymap: keymap, theme: theme, name: name, pager: readOnly,
                                  wrap: wrap, lineNumbers: false, follow: false, token: token, caFile: caFile)
        let code = await EditorApp.run(launch)
        if code != 0 { throw ExitCode(code) }
    }
}
