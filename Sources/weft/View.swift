import ArgumentParser
import Foundation

/// `weft view`: the pager.
struct View: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Page through a shared document (live), a file or standard input, with less's keys.",
        discussion: """
            DOCUMENT is a document (ws[s]://HOST:PORT/NAME, or NAME on the default server), a file \
            (a path that exists, or one starting with /, ./ or ../), or - for standard input. Documents are read-only \
            here and at the relay (the hello says so) and show others' edits as they happen; files and \
            pipes are shown as they are read, before the end arrives. Keys as in less: space b d u j k \
            g G, / ? n N, &pattern, -N, F to follow the end (any key stops), q to quit.
            """
    )

    @Argument(help: ArgumentHelp("A document, a file, or - for standard input.", valueName: "DOCUMENT|FILE|-"))
    var document: String

    @Option(help: ArgumentHelp("Keymap (else less): one with the pager's commands, such as yours in CONFIG/keymaps.", valueName: "NAME"))
    var keymap: String?

    @Option(help: ArgumentHelp("Theme: dark, light, high-contrast, or one of yours (else the config file's, else dark).", valueName: "NAME"))
    var theme: String?

    @Option(help: ArgumentHelp("The name others see (else the config file's, else $USER).", valueName: "NAME"))
    var name: String?

    @Flag(name: [.customShort("N"), .long], help: "Show line numbers (toggle with -N while paging).")
    var lineNumbers = false

    @Flag(name: [.customShort("F"), .long], help: "Start by following the end, as less +F.")
    var follow = false

    @Flag(inversion: .prefixedNo, help: "Wrap long lines (else they are cut off; -S while paging toggles).")
    var wrap: Bool?

    @Option(help: ArgumentHelp("Access token (else $WEFT_TOKEN, else the credentials file in the config directory).", valueName: "TOKEN"))
    var token: String?

    @Option(help: ArgumentHelp("PEM certificates to trust for wss:// (a private CA).", valueName: "FILE"))
    var caFile: String?

    func run() async throws {
        let launch = ScreenLaunch(command: "view", document: document, keymap: keymap, theme: theme, name: name, pager: true,
                                  wrap: wrap, lineNumbers: lineNumbers, follow: follow, token: token, caFile: caFile)
        let code = await EditorApp.run(launch)
        if code != 0 { throw ExitCode(code) }
    }
}
