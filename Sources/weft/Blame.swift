import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft blame DOCUMENT`: who last changed each line, and when.
struct BlameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blame",
        abstract: "Print a document with, per line, who last changed it and when.",
        discussion: """
            Per line: the sequence of the newest batch that inserted any of its characters, its \
            author (`?` after a name the relay could not verify: given by a client without a \
            token), the relay's commit time (UTC), the line number and the text. Deleting text \
            leaves nothing to show, so deletions never appear here (weft log counts them). Read \
            from the relay's history, which it keeps through compaction.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Flag(help: "Print for scripts: per line `SEQ NUMBER`, then `author`, `verified` and `time` lines, then a tab and the text.")
    var porcelain = false

    @Flag(help: "Print ranges of characters of one author instead of lines (positions in Unicode scalars).")
    var chars = false

    func run() async throws {
        let (_, replay) = try await client.replay("blame")
        let blame = Blame(replay)
        let output = chars ? HistoryFormat.chars(blame, porcelain: porcelain)
                           : porcelain ? HistoryFormat.blamePorcelain(blame) : HistoryFormat.blame(blame)
        // Straight from the bytes into a pipe (a blame of megabytes is fast that way); to a
        // terminal, with others' control characters made visible.
        if isatty(STDOUT_FILENO) == 1 { StandardOutput.writeForPeople(String(decoding: output, as: UTF8.self)) } else { StandardOutput.write(output) }
    }
}
