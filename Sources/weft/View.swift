import ArgumentParser
import Foundation
import WeftSync

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
            g G, / ? n N, &pattern, -N, F to follow the end (any key stops), h to list every key, q to quit.
            """
    )

    @Argument(help: ArgumentHelp("A document, a file, or - for standard input.", valueName: "DOCUMENT|FILE|-"))
    var document: String

    @Option(help: ArgumentHelp("Keymap (else less): one with the pager's commands, such as yours in CONFIG/keymaps.", valueName: "NAME"))
    var keymap: String?

    @Flag(name: [.customShort("N"), .long], help: "Show line numbers (toggle with -N while paging).")
    var lineNumbers = false

    @Flag(name: [.customShort("F"), .long], help: "Start by following the end, as less +F.")
    var follow = false

    @Option(help: ArgumentHelp("Page the document as it was: a sequence, a while ago (2h), or a UTC time (2026-12-02T14:03).", valueName: "POINT"))
    var at: HistoryPoint?

    @OptionGroup var screen: ScreenOptions

    func run() async throws {
        var shown = document
        if let at { shown = try await PastVersion.file(of: document, at: at, screen: screen) }
        try await screen.run("view", document: shown, keymap: keymap, pager: true, lineNumbers: lineNumbers, follow: follow)
    }
}
