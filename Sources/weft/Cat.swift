import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft cat DOCUMENT`: print the document as the relay has it.
struct Cat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a document (after syncing with the relay).",
        discussion: "With --offline, prints this machine's cached copy (with its unsent edits) without connecting."
    )

    @OptionGroup var client: ClientCommandOptions

    @Flag(help: "Print the cached copy without connecting.")
    var offline = false

    func run() async throws {
        do {
            try await client.connection.printText("cat", offline: offline)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
    }
}
