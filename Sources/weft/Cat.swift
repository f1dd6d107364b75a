import ArgumentParser
import Foundation
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
        try await runClient("cat") {
            // Another weft may have the document open (and locked): then read through a
            // throwaway replica instead of this machine's copy.
            let session = try client.openSession(readOnly: true, throwawayIfLocked: !offline)
            if !offline {
                await session.start()
                do {
                    try await session.waitUntilSettled(timeout: client.timeoutDuration, flushingQueue: false)
                } catch {
                    _ = await session.reportNotices()
                    await session.close()
                    throw error
                }
            }
            FileHandle.standardOutput.write(Data(await session.text.utf8))
            _ = await session.reportNotices()
            await session.close()
        }
    }
}
