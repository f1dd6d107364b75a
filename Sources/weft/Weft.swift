import ArgumentParser
import WeftCRDT

/// The `weft` command: one executable, one subcommand per job.
@main
struct Weft: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft",
        abstract: "A terminal collaborative text editor.",
        discussion: """
            Weft is being built issue by issue. This build holds the text CRDT core and the relay; the editor \
            (edit), pager (view) and sync commands arrive with their issues. See README.md.
            """,
        version: WeftVersion.current,
        subcommands: [Edit.self, View.self, Serve.self, RelayCommand.self, TokenCommand.self, Cat.self, Put.self, Apply.self, Status.self, SelfCheck.self]
    )
}
