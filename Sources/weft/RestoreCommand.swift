import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft restore DOCUMENT --at POINT`: the document's text as it was, made again with new edits.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a document's text what it was at a point of its history, with new edits.",
        discussion: """
            POINT is as for `weft view --at`: a sequence, a while ago (90s, 30m, 2h, 7d) or a UTC \
            time. Nothing is rewritten: the change from today's text to the old one is new batches, \
            yours, that everyone receives and that history, blame and log show; only the lines that \
            differ change. To take a restore back, restore the sequence it prints.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The point of the document's history to bring back: a sequence, a while ago, or a UTC time.", valueName: "POINT"), transform: HistoryPoint.argument)
    var at: HistoryPoint

    func run() async throws {
        let (address, past, now) = try await client.replay("restore", at: at)
        let name = client.connection.commandArgument(for: address)
        let changed: Bool
        do {
            changed = try await client.connection.replaceText("restore", with: past.replica.text, byLines: true)
        } catch let failure as CommandFailure {
            throw ExitCode(failure.exitCode)
        }
        if changed {
            print("\(name) is as batch \(past.serverSeq) left it; to go back: weft restore \(name) --at \(now.serverSeq)")
        } else {
            print("\(name) already is as batch \(past.serverSeq) left it; nothing changed")
        }
    }
}
