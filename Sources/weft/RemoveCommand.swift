import ArgumentParser
import Foundation
import WeftClient

/// `weft rm DOCUMENT`: deletes a document on its relay.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete a document on its relay.",
        discussion: """
            The relay drops its text and history and closes the connections open to it (they are \
            told it was deleted). A document made again under the name is a new one: a copy of the \
            old one on any machine is not merged into it but set aside, with its unsent edits, in \
            recovered-*.txt beside that machine's cache, and its user is told. Needs a read-write \
            token for the document where the relay needs tokens. Exit status: 0 deleted, 1 relay not \
            reached, 2 refused, 3 bad name or setup, 4 not allowed with this token, 5 no such document.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    func run() async throws {
        do {
            try await client.connection.deleteDocument("rm")
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
