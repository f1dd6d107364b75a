import ArgumentParser
import Foundation
import WeftCRDT

/// The `weft` command: one executable, one subcommand per job.
@main
struct Weft: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft",
        abstract: "A terminal collaborative text editor.",
        discussion: """
            Several people edit one shared document from their shells: `weft edit NAME` opens it (and \
            starts a relay on this machine when none runs), `weft view` pages it or any file with \
            less's keys, and `cat`, `put`, `apply` and `status` work on documents from scripts; `ls`, `rm` and \
            `mv` list, delete and rename the documents on a relay. Edits \
            are on disk before they show and reach the relay when it can be reached. `weft serve` runs \
            a relay for others. README.md says more; `weft help COMMAND` tells about each command.
            """,
        version: WeftVersion.current,
        subcommands: [Edit.self, View.self, Serve.self, RelayCommand.self, TokenCommand.self, Cat.self, Put.self, Apply.self, Status.self,
                      ListCommand.self, RemoveCommand.self, MoveCommand.self,
                      BlameCommand.self, LogCommand.self, DiffCommand.self, RestoreCommand.self, ShareCommand.self,
                      SelfCheck.self, Completion.self]
    )

    /// Catches a misspelt command and `weft help` of one that does not exist before parsing
    /// (`CommandNames`), then runs as the argument parser does.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let mistake = CommandNames(root: Weft.self).mistake(in: arguments) {
            FileHandle.standardError.write(Data("weft: \(mistake)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        await main(arguments)
    }
}
