import ArgumentParser
import Foundation

/// `weft edit`: the terminal editor.
struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a shared document in the terminal.",
        discussion: """
            A path (-, a file that exists, or a name with a / in a directory that exists) is a local \
            file edited alone: :w or the save key writes it back atomically. In a shared document, \
            every edit is on disk before it shows and reaches the relay when it can; quitting with \
            edits not yet acknowledged keeps them queued for next time. When the document's server \
            is on this machine and nothing listens there, a relay is started in the background \
            (see `weft relay status` and `weft relay stop`). Keys: F1 (`:help` in the vim keymap) \
            lists every key of the keymap in use; keymaps and themes are TOML files (Keymaps/, Themes/).
            """
    )

    @Argument(help: ArgumentHelp("The document: ws[s]://HOST:PORT/NAME, or NAME on the default server ($WEFT_SERVER, else the config file's server, else ws://127.0.0.1:7878).", valueName: "DOCUMENT"))
    var document: String

    @Option(help: ArgumentHelp("Keymap: default, emacs, vim, or one of yours in CONFIG/keymaps (else the config file's, else default).", valueName: "NAME"))
    var keymap: String?

    @Flag(help: "Open in the pager, read-only (as `weft view`; the relay refuses writes too).")
    var readOnly = false

    @OptionGroup var screen: ScreenOptions

    func run() async throws {
        try await screen.run("edit", document: document, keymap: keymap, pager: readOnly, lineNumbers: false, follow: false)
    }
}
