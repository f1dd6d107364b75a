import ArgumentParser
import WeftCRDT

/// The `weft` command: one executable, one subcommand per job.
@main
struct Weft: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft",
        abstract: "A terminal collaborative text editor.",
        discussion: """
            Weft is being built issue by issue. This build holds the text CRDT core; the editor \
            (edit), pager (view), relay (serve) and sync commands arrive with their issues. See README.md.
            """,
        version: WeftVersion.current,
        subcommands: [SelfCheck.self, TokenCommand.self]
    )
}
