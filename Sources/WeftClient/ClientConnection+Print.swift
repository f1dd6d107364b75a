import Foundation
import WeftSync

extension ClientConnection {
    /// Prints the document on standard output, as `weft cat` does: once this copy has caught up
    /// with the relay (a name nobody made is refused, exit status 5), or this machine's copy
    /// without connecting (`offline`). When another weft has the document open, a throwaway copy
    /// is read instead. Edits made here that the relay does not have are printed too, and said on
    /// stderr.
    /// - Throws: ``CommandFailure`` with the documented exit status, already reported.
    public func printText(_ command: String, offline: Bool = false) async throws {
        let started = ContinuousClock.now
        // A name nobody made prints nothing and succeeds otherwise: say so instead.
        if !offline { try await requireDocument(command) }
        try await withSession(command, readOnly: true, throwawayIfLocked: !offline) { session in
            if offline, !(await session.hasLocalCopy) {
                throw SyncError(.configuration, "this machine has no copy of \(session.address.name) (it was never opened here); `weft cat \(document)` reads the relay's copy")
            }
            if !offline {
                await session.start()
                do {
                    try await session.waitUntilSettled(timeout: timeout, flushingQueue: false, spent: ContinuousClock.now - started, refusalGrace: refusalGrace)
                } catch let error as SyncError where error.kind == .timeout {
                    guard await session.hasLocalCopy else { throw error }
                    throw SyncError(.timeout, "\(error.description); `weft cat --offline` prints this machine's copy")
                } catch let error as SyncError where error.kind == .missing {
                    // Not made on the relay yet, but edited here offline: the text is what was
                    // typed here (said below), as it will be once those edits are sent.
                    guard await session.unsentCount > 0 else { throw error }
                }
            }
            StandardOutput.write(Data(await session.text.utf8))
            // The copy printed holds this machine's queued edits too (a read-only session does
            // not send them): say so, rather than pass them off as the relay's text.
            let unsent = await session.unsentCount
            if !offline, unsent > 0 {
                FileHandle.standardError.write(Data("weft \(command): this includes \(unsent) \(unsent == 1 ? "edit" : "edits") made on this machine that the relay does not have (`weft status` lists them)\n".utf8))
            }
        }
    }
}
