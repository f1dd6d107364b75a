import ArgumentParser
import Foundation
import WeftSync

/// `weft put DOCUMENT < FILE`: make the document's text equal to standard input.
struct Put: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace a document's text with standard input (UTF-8).",
        discussion: """
            Syncs first, then changes only the span that differs (common beginning and end are kept, \
            so other people's cursors there stay put), and exits 0 once the relay has acknowledged it.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    func run() async throws {
        // Read in a scope of its own, so the bytes are gone once they are text (a 100 MB file).
        // String(validating:) keeps a byte-order mark, which Foundation's decoding drops: the
        // document must hold exactly the bytes given.
        guard let wanted = { String(validating: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }() else {
            FileHandle.standardError.write(Data("weft put: standard input is not UTF-8 text; nothing changed\n".utf8))
            throw ExitCode(3)
        }
        try await client.withSession("put") { session in
            await session.start()
            do {
                try await session.waitUntilSettled(timeout: client.timeoutDuration)
            } catch let error as SyncError where error.kind == .timeout {
                // The change is made against the relay's text, not a copy that may be stale.
                throw SyncError(.timeout, "\(error.description); nothing was changed or queued: weft put needs the relay's current text, so run it again once the relay answers")
            }
            if let edit = DocumentSession.Edit.replacing(await session.text, with: wanted) { try await session.apply([edit]) }
            try await session.waitUntilSettled(timeout: client.timeoutDuration)
        }
    }
}
