import ArgumentParser
import Foundation
import WeftClient

/// `weft mv DOCUMENT NEWNAME`: renames a document on its relay.
struct MoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mv",
        abstract: "Rename a document on its relay, keeping its text and history.",
        discussion: """
            Refused when a document named NEWNAME exists. The document keeps its text, history \
            (weft log, blame, diff, view --at) and people's copies under the new name; connections \
            open to the old name are closed and told the new one. The old name becomes free: opening \
            it makes a new, empty document (a copy of the old one is set aside, never merged). Needs \
            a read-write token for the document where the relay needs tokens. Exit status: 0 renamed, \
            1 relay not reached, 2 refused, 3 bad name or setup, 4 not allowed with this token, 5 no \
            such document, 6 NEWNAME exists.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Argument(help: ArgumentHelp("The new name, on the same relay.", valueName: "NEWNAME"))
    var newName: String

    func run() async throws {
        do {
            try await client.connection.renameDocument("mv", to: newName)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
