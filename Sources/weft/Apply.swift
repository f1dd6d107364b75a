import ArgumentParser
import Foundation
import WeftSync

/// `weft apply DOCUMENT < edits.jsonl`: scripted typing through the offline queue.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply edits from standard input as if typed, and wait until the relay has them.",
        discussion: """
            Each input line is a JSON object {"pos": N, "del": N, "ins": "text"} (positions in Unicode \
            scalars, against the text left by the previous edit, starting from this machine's copy \
            as `weft cat` last printed it, or from the relay's text where this machine has none; \
            del and ins default to 0 and ""). \
            Every line is checked before any is applied; a key other than pos, del and ins is refused. \
            The edits are queued durably, then sent; \
            the command exits 0 once the relay has acknowledged them and everything queued before \
            for this document. Empty input only sends what is queued.
            """
    )

    @OptionGroup var client: ClientCommandOptions

    @Flag(help: "Only queue the edits, against this machine's copy; do not connect.")
    var offline = false

    func run() async throws {
        let edits: [TextEdit]
        do {
            edits = try TextEdit.parseLines(FileHandle.standardInput.readDataToEndOfFile())
        } catch {
            FileHandle.standardError.write(Data("weft apply: \(error)\n".utf8))
            throw ExitCode(3)
        }
        try await client.withSession("apply") { session in
            // Positions are for this machine's copy, as `weft cat` last printed it here, so a
            // script that read the text places its edits exactly there however others type
            // meanwhile. A machine that never had the document has no copy to mean: there they
            // are for the document as the relay has it, once caught up.
            let hasCopy = await session.hasLocalCopy
            if offline || hasCopy { try await session.apply(edits) }
            if offline {
                let unsent = await session.unsentCount
                FileHandle.standardError.write(Data("weft apply: queued; \(unsent) \(unsent == 1 ? "batch waits" : "batches wait") for the relay\n".utf8))
                return
            }
            await session.start()
            if !hasCopy {
                do {
                    try await session.waitUntilSettled(timeout: client.timeoutDuration, flushingQueue: false, refusalGrace: client.refusalGrace)
                } catch let error as SyncError where error.kind == .timeout {
                    throw SyncError(.timeout, "\(error.description); nothing was applied: this machine has no copy of the document for the positions to refer to (`weft apply --offline` applies them to an empty one)")
                }
                try await session.apply(edits)
            }
            try await session.waitUntilSettled(timeout: client.timeoutDuration, refusalGrace: client.refusalGrace)
        }
    }
}
