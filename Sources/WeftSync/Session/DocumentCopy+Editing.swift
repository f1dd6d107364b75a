import Foundation
import WeftCRDT

extension DocumentCopy {
    /// Applies `edits` in order, each against the text the previous left, as one batch per edit,
    /// and queues them durably (one fsync for all) before returning.
    /// - Returns: the batches queued (an edit over the batch limit is several).
    /// - Throws: `SyncError` when an edit is out of range (nothing of it or after it is applied)
    ///   or the queue cannot be written.
    @discardableResult
    public func apply(_ edits: [TextEdit]) throws(SyncError) -> [OfflineQueue.Batch] {
        guard !edits.isEmpty else { return [] }
        try requireEditable()
        // Every edit is checked against the text the ones before it leave, before any applies:
        // a script whose line 2 does not fit changes nothing.
        var length = replica.count
        for (index, edit) in edits.enumerated() {
            guard edit.position >= 0, edit.deleting >= 0, edit.position + edit.deleting <= length else {
                throw SyncError(.configuration, "edit \(index + 1) (pos \(edit.position), del \(edit.deleting)) does not fit the \(length)-character text the edits before it leave; nothing was applied")
            }
            length += edit.inserting.unicodeScalars.count - edit.deleting
        }
        var batches: [[Op]] = []
        var failure: SyncError?
        for (index, edit) in edits.enumerated() {
            do {
                var ops: [Op] = []
                if edit.deleting > 0 {
                    if let op = try replica.delete(edit.position..<(edit.position + edit.deleting)) { ops.append(op) }
                }
                if !edit.inserting.isEmpty, let op = try replica.insert(edit.inserting, at: edit.position) { ops.append(op) }
                batches.append(ops)
            } catch {
                // Each edit fits (checked above): what fails is the document's own limit, said as it is.
                failure = SyncError(.configuration, error.code == .documentTooLarge
                    ? "\(error.message); the text before this change is kept"
                    : "edit \(index + 1) (pos \(edit.position), del \(edit.deleting)) could not be applied: \(error.message)")
                break
            }
        }
        // What applied is queued even when a later edit failed: nothing typed is dropped.
        let queued = try enqueue(batches)
        if let failure { throw failure }
        return queued
    }

    /// Queues batches a mirroring view made on its copy of generation `generation`, durably (one
    /// fsync for all) before returning, and applies them here.
    ///
    /// Batches made on a copy older than a change of replica (the view had not taken the new copy
    /// yet) carry the old replica's ids: after a give-back they are given back too (as restore
    /// batches, which may carry any id); after a start-over, whose old copy was set aside, their
    /// text is added to that copy's recovery file, and the user is told.
    /// - Throws: `SyncError` when the queue cannot be written (the batches are applied here but
    ///   not queued: call again with them; applying twice changes nothing).
    public func applyLocal(_ batches: [[Op]], generation: Int) throws(SyncError) {
        guard !batches.isEmpty else { return }
        try requireEditable()
        let switches = replicaSwitches.filter { $0.generation > generation }
        if let startOver = switches.first(where: { $0.recovery != nil }), let recovery = startOver.recovery {
            return keepStale(batches, in: recovery)
        }
        for ops in batches {
            do {
                try replica.apply(ops)
            } catch {
                throw SyncError(.io, "a local edit did not apply to the session's copy (\(error)); it was not queued")
            }
        }
        try enqueue(batches, restoring: !switches.isEmpty)
    }

    /// Adds the text `batches` inserted to `recovery`, the file that holds the copy they were
    /// made on: they were typed on a copy already set aside.
    private func keepStale(_ batches: [[Op]], in recovery: URL) {
        let typed = batches.joined().compactMap { op -> String? in
            if case .insert(let insertion) = op { insertion.text } else { nil }
        }.joined()
        guard !typed.isEmpty else { return }
        do {
            let handle = try FileHandle(forWritingTo: recovery)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\n\n--- typed after this copy was set aside ---\n\(typed)".utf8))
            note("what you typed just as this copy was set aside is at the end of \(recovery.path)")
        } catch {
            note("what you typed just as this copy was set aside could not be saved (\(error)): \(typed.prefix(200))")
        }
    }

    private func requireEditable() throws(SyncError) {
        guard canEdit else {
            if replica.pendingCount > 0 {
                throw SyncError(.io, "this copy's queued edits build on others' edits its cache does not hold yet (it was saved before them); connect once before editing offline")
            }
            throw SyncError(.io, "this document's cache was lost while it had edits on the relay; connect once before editing offline")
        }
    }

    /// Appends `batches` to the offline queue (one fsync) and lets the sync machine send them.
    @discardableResult
    private func enqueue(_ batches: [[Op]], restoring: Bool = false) throws(SyncError) -> [OfflineQueue.Batch] {
        // Durable before the edits: they may build on what it holds.
        try received?.syncIfWritten()
        let queued = try queue.append(batches, restoring: restoring, at: now())
        if let last = queued.last { perform(machine.handle(.queued(through: last.clientSeq, restoring: restoring))) }
        return queued
    }
}
