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
        let started = ContinuousClock.now
        if !offline {
            // A name nobody made prints nothing and succeeds otherwise: say so instead.
            do {
                try await client.connection.requireDocument("cat")
            } catch let failure as CommandFailure {
                throw ExitCode(failure.exitCode)
            }
        }
        // Another weft may have the document open (and locked): then read through a throwaway
        // replica instead of this machine's copy.
        try await client.withSession("cat", readOnly: true, throwawayIfLocked: !offline) { session in
            if offline, !(await session.hasLocalCopy) {
                throw SyncError(.configuration, "this machine has no copy of \(session.address.name) (it was never opened here); `weft cat \(client.document)` reads the relay's")
            }
            if !offline {
                await session.start()
                do {
                    try await session.waitUntilSettled(timeout: client.timeoutDuration, flushingQueue: false, spent: ContinuousClock.now - started)
                } catch let error as SyncError where error.kind == .timeout {
                    guard await session.hasLocalCopy else { throw error }
                    throw SyncError(.timeout, "\(error.description); `weft cat --offline` prints this machine's copy")
                }
            }
            StandardOutput.write(Data(await session.text.utf8))
            // The copy printed holds this machine's queued edits too (a read-only cat does not
            // send them): say so, rather than pass them off as the relay's text.
            let unsent = await session.unsentCount
            if !offline, unsent > 0 {
                FileHandle.standardError.write(Data("weft cat: this includes \(unsent) \(unsent == 1 ? "edit" : "edits") made on this machine that the relay does not have (`weft status` lists them)\n".utf8))
            }
        }
    }
}
