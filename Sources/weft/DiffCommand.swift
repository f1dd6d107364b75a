import ArgumentParser
import Foundation
import WeftClient
import WeftSync

/// `weft diff DOCUMENT --since POINT`: what changed in a document since a point of its history.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print what changed in a document since a point of its history, as a unified diff.",
        discussion: """
            POINT is a sequence (120: the document as batch 120 left it), a while ago (90s, 30m, 2h, \
            7d) or a UTC time (2026-12-02T14:03, 2026-12-02 14:03:10Z, 2026-12-02): the document as \
            the newest batch committed by then left it. Read from the relay's history.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("Compare with the document as it was here: a sequence, a while ago, or a UTC time.", valueName: "POINT"), transform: HistoryPoint.argument)
    var since: HistoryPoint

    func run() async throws {
        let (address, past, now) = try await client.replay("diff", at: since, option: "--since")
        let diff = LineDiff.unified(old: past.replica.text, new: now.replica.text,
                                    oldName: "\(address.name)@\(past.serverSeq)", newName: "\(address.name)@\(now.serverSeq)")
        StandardOutput.writeForPeople(diff)
    }
}
