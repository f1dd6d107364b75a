import Foundation
import WeftSync

extension ClientConnection {
    /// Makes the document's text equal to `wanted`: syncs first, then changes only the span that
    /// differs (the common beginning and end are kept, so other people's cursors there stay put),
    /// or with `byLines` only the lines that differ (`Edit.replacingLines`: text both share keeps
    /// its authors), and returns once the relay has acknowledged it. Whether anything had to change.
    /// A failure is printed as `weft COMMAND: reason` and thrown as a ``CommandFailure``.
    @discardableResult
    public func replaceText(_ command: String, with wanted: String, byLines: Bool = false) async throws -> Bool {
        var changed = false
        try await withSession(command) { session in
            await session.start()
            do {
                try await session.waitUntilSettled(timeout: timeout, refusalGrace: refusalGrace)
            } catch let error as SyncError where error.kind == .timeout {
                // The change is made against the relay's text, not a copy that may be stale.
                throw SyncError(.timeout, "\(error.description); nothing was changed or queued: weft \(command) needs the relay's current text, so run it again once the relay answers")
            }
            if await session.status.writesRefused {
                throw SyncError(.refused, "this token may only read \(document); nothing was changed or queued")
            }
            let current = await session.text
            let edits = byLines ? TextEdit.replacingLines(current, with: wanted)
                                : TextEdit.replacing(current, with: wanted).map { [$0] } ?? []
            if !edits.isEmpty {
                try await session.apply(edits)
                changed = true
            }
            try await session.waitUntilSettled(timeout: timeout, refusalGrace: refusalGrace)
        }
        return changed
    }
}
