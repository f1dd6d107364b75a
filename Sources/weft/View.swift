import ArgumentParser
import WeftClient
import Foundation
import WeftEditor
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
            g G p, / ? n N (regular expressions, !pattern for lines without a match), &pattern, -i -I -N -S, F to \
            follow the end (any key stops), h to list every key, q to quit. With --at, } and { step through the \
            document's editing sessions, each shown with what it inserted and deleted marked, and ]c [c go to \
            each change. -R shows ANSI colours; +F +G +/pattern \
            start as in less. When standard output is not a terminal, or there is no terminal to take keys \
            from, the text is copied through.
            """
    )

    @Argument(help: ArgumentHelp("A start command as less's (+F follow, +G end, +/pattern, +?pattern, +LINE), then documents or files (:n and :p go between them), or - for standard input.", valueName: "[+CMD] DOCUMENT|FILE|-..."))
    var arguments: [String]

    /// Which of several texts to page (set when `:n` or `:p` opens another).
    @Option(help: .hidden)
    var fileIndex = 0

    /// Where each text named was when the pager last left it (set when `:n` or `:p` opens another).
    @Option(help: .hidden, transform: FileTopLines.parse)
    var fileTopLines: [Int: Int] = [:]

    /// The last search of the text paged before (set when `:n` or `:p` opens another).
    @Option(help: .hidden, transform: { argument in
        guard let search = PagerSearch(argument: argument) else { throw ValidationError("--previous-search takes /PATTERN or ?PATTERN") }
        return search
    })
    var previousSearch: PagerSearch?

    @Option(help: ArgumentHelp("Keymap (else less): one with the pager's commands, such as yours in CONFIG/keymaps.", valueName: "NAME"))
    var keymap: String?

    @Flag(name: [.customShort("N"), .long], help: "Show line numbers (toggle with -N while paging).")
    var lineNumbers = false

    @Flag(name: [.customShort("F"), .long], help: "Start by following the end, as less +F.")
    var follow = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Page the document as it was: a sequence, a while ago (2h), or a UTC time (2026-12-02T14:03).", valueName: "POINT"), transform: HistoryPoint.argument)
    var at: HistoryPoint?

    @Flag(name: [.customShort("i"), .customLong("ignore-case")], help: "Searches ignore case unless the pattern has a capital (toggle with -i while paging).")
    var smartCase = false

    @Flag(name: [.customShort("I"), .customLong("IGNORE-CASE")], help: "Searches always ignore case (toggle with -I while paging).")
    var ignoreCase = false

    @Flag(name: [.customShort("S"), .customLong("chop-long-lines")], help: "Cut long lines off rather than wrap them (toggle with -S while paging).")
    var chop = false

    @Flag(name: [.customShort("R"), .customLong("RAW-CONTROL-CHARS")], help: "Show the colours of ANSI colour sequences (SGR) in a file or a pipe; other control characters still show as ^X.")
    var colours = false

    /// The start commands before the first text, and the texts.
    private var parts: (starts: [String], texts: [String]) {
        let starts = Array(arguments.prefix { $0.hasPrefix("+") })
        return (starts, Array(arguments.dropFirst(starts.count)))
    }

    func validate() throws {
        let (starts, texts) = parts
        guard !texts.isEmpty else { throw ValidationError("name a document, a file, or - for standard input") }
        for argument in starts {
            do {
                guard try PagerStart(argument: argument) != nil else { throw ValidationError("\(argument) is not a start command") }
            } catch let error as PagerStartError {
                throw ValidationError(error.message)
            }
        }
        if texts.count > 1 {
            if texts.contains("-") { throw ValidationError("standard input (-) is paged alone, not among other texts") }
            if at != nil { throw ValidationError("--at pages one document at a time") }
            if let misplaced = texts.first(where: { $0.hasPrefix("+") }) { throw ValidationError("\(misplaced): start commands come before the first text") }
        }
        if at != nil, let text = texts.first, LocalText.namesFileOrInput(text) {
            throw ValidationError("--at pages a shared document as it was; \(text == "-" ? "standard input is not one" : "\(text) is a file"), and weft keeps no history of files")
        }
        guard texts.indices.contains(fileIndex) else { throw ValidationError("--file-index \(fileIndex) is not one of the \(texts.count) texts") }
    }

    @OptionGroup var screen: ScreenOptions

    func run() async throws {
        let (starts, texts) = parts
        // A start command applies to the first text opened, not to those :n and :p open; a text
        // paged before opens where it was left, as in less.
        let given = fileIndex == 0 ? try starts.compactMap { try PagerStart(argument: $0) }.last : nil
        let start = fileTopLines[fileIndex].map(PagerStart.line) ?? given
        var screen = screen
        if chop { screen.wrap = false }
        var shown = texts[fileIndex]
        var pastSessions: PastSessions?
        if let at {
            do {
                let past = try await ClientConnection(document: shown, token: screen.access.token, caFile: screen.access.caFile).pastVersionFile(at: at)
                shown = past.path
                pastSessions = past.sessions
            } catch let failure as CommandFailure {
                throw ExitCode(failure.exitCode)
            }
        }
        try await screen.run("view", document: shown, keymap: keymap, pager: true, lineNumbers: lineNumbers, follow: follow,
                             paging: PagerOptions(searchCase: ignoreCase ? .ignore : smartCase ? .smart : .sensitive, colours: colours, start: start,
                                                  previousSearch: previousSearch),
                             files: texts.count > 1 ? texts : [], fileIndex: fileIndex, fileTopLines: fileTopLines, pastSessions: pastSessions)
    }
}
