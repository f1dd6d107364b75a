import Foundation
import WeftCRDT
import WeftEditor
import WeftSync
import WeftTerminal
import WeftWire

extension EditorApp {
    /// Does what keys asked of the terminal.
    func performTerminalRequests() {
        for request in editor.takeTerminalRequests() {
            switch request {
            case .suspend: suspend()
            case .redraw: terminal.redrawEverything()
            case .copyToClipboard(let text): terminal.copyToClipboard(text)
            case .readAuthors: readAuthors()
            case .readPastSessions: readPastSessions()
            }
        }
    }

    /// Gives the terminal to the shell and stops until `fg`. The stop signal it sends its process
    /// group reaches this process's own SIGTSTP watch too, just after: that one is not a new request.
    func suspend() {
        terminal.suspendProcess()
        ownStopUntil = clock.now + .seconds(10)
    }

    /// Queues the editor's new batches durably. On failure they are kept and retried every
    /// second, and the user is told: nothing typed is dropped.
    func saveLocalEdits() async {
        unsaved += editor.takeBatches()
        guard let session else { return unsaved = [] }  // a local file: nothing to queue
        guard !unsaved.isEmpty else { return }
        do {
            try await session.applyLocal(unsaved, generation: generation)
            unsaved = []
        } catch {
            editor.show("NOT SAVED: \(error) (\(unsaved.count) edits kept in memory, retrying; do not quit)", isError: true)
        }
    }

    func handle(_ event: SessionEvent) async {
        switch event {
        case .remote(let ops, let batchGeneration):
            guard batchGeneration == generation else { return }
            do {
                try editor.applyRemote(ops)
            } catch {
                editor.show("a change from the relay did not apply here: \(error)", isError: true)
            }
            pageIfTooLarge()
        case .replaced:
            guard let session else { return }
            let (replica, current) = await session.replicaCopy()
            generation = current
            editor.replaceReplica(replica)
            pageIfTooLarge()
        case .presence(let replica, let presence):
            editor.setPresence(presence, of: replica)
        case .notice(let message):
            editor.show(message, isError: true)
            // The connection problem itself goes once the relay answers again.
            if let session, await session.connectionProblem == message { troubleShown = message }
        case .trouble(let message):
            // Trouble the reconnect under way mends goes once the relay answers again, too.
            editor.show(message, isError: true)
            troubleShown = message
        }
    }

    /// Read-only while paging, or while a lost cache waits for the first sync.
    func refreshEditability() async {
        guard let session else { return }
        let canEdit = await session.canEdit
        editor.status.readOnly = editor.isPager || !canEdit
    }

    /// A document that grew past what weft edits comfortably, as one first synced here does
    /// (nothing cached told the launch how large it is), is paged from then on, as at launch.
    func pageIfTooLarge() {
        guard editor.replica.count > Self.comfortableScalars, let address else { return }
        let banner = Self.tooLargeBanner(address.name.rawValue, count: editor.replica.count)
        if pagedForSize {
            // Still arriving: the banner says the size as it is now, not as it was at the limit.
            editor.replaceBanner(banner)
        } else if !editor.isPager, let less = pagerKeymap() {
            pagedForSize = true
            editor.enterPager(keymap: less, banner: banner)
        }
    }

    static func tooLargeBanner(_ name: String, count: Int) -> String {
        "read-only: \(name) has \(count >> 20) Mi characters, more than weft edits comfortably (\(comfortableScalars >> 20) Mi)"
    }

    /// The relay refuses this connection's writes: page read-only, saying why, rather than let
    /// the user type what cannot be sent.
    func fallBackToPager(_ status: SyncStatus) {
        guard status.writesRefused, !editor.isPager, let less = pagerKeymap(), let address else { return }
        let queued = status.unsent > 0 ? "; \(status.unsent) \(status.unsent == 1 ? "edit" : "edits") made here stay queued" : ""
        editor.enterPager(keymap: less, banner: "read-only: the relay accepts no writes to \(address.name) from this connection (a read-only token?)\(queued)")
    }

    /// The background relay this editor's document is on went away (`weft relay stop`, a crash):
    /// start it again, as at launch, and reconnect at once instead of after the backoff. Tried at
    /// most every few seconds while the connection stays down.
    func restartRelayIfGone(_ status: SyncStatus) {
        // Only a relay weft starts itself (the one the editor opened on, or one that left its pid
        // file since): one the user runs with its own --data is theirs to restart, and starting
        // another in its place would serve other data.
        guard case .offline = status.connection, let address, let session, EmbeddedRelay.isLocal(address),
              clock.now >= nextRelayCheck,
              usesBackgroundRelay
                || FileManager.default.fileExists(atPath: EmbeddedRelay.pidFile(in: EmbeddedRelay.directory(host: address.host, port: address.port)).path)
        else { return }
        nextRelayCheck = clock.now + .seconds(3)
        Task.detached {
            guard let directory = try? EmbeddedRelay.ensureRunning(for: address) else { return }
            await session.note("the background relay had stopped; started it again (data \(directory.path))")
            await session.reconnectNow()
        }
    }

    /// Keys pressed while the session waits out a long backoff (the laptop woke, the network came
    /// back) bring the next attempt forward, as mosh does on a keystroke: nobody waits half a
    /// minute at a screen saying "reconnecting in 27s". At most one such attempt every two
    /// seconds, and only when the next one is further away than that.
    func retrySoonerForKeys() async {
        guard case .offline = lastStatus?.connection, let session, let retryDue,
              retryDue - clock.now > Self.keyRetryGap, clock.now >= nextRetryForKeys else { return }
        nextRetryForKeys = clock.now + Self.keyRetryGap
        await session.reconnectNow()
    }

    /// The least time between two attempts brought forward by keys.
    static let keyRetryGap: Duration = .seconds(2)

    /// A relay that stopped answering (frozen, a network that drops everything) keeps the
    /// connection open until the pings give up on it, 10 to 20 seconds: meanwhile the status line
    /// says how long edits have waited for an answer instead of a plain `online`.
    func noteAnswers(_ status: SyncStatus) {
        if status.connection != .online || status.unsent == 0 || status.unsent < lastUnsent {
            unansweredSince = nil
        } else if unansweredSince == nil {
            unansweredSince = clock.now
        }
        lastUnsent = status.unsent
    }

    /// How long edits wait for the relay's answer before the status line says so.
    static let answerPatience: Duration = .seconds(3)

    /// Takes a new status from the session: remembers when a retry is due, and reports a stop once.
    func show(_ status: SyncStatus) {
        lastStatus = status
        noteAnswers(status)
        restartRelayIfGone(status)
        fallBackToPager(status)
        if case .offline(let retryIn, _) = status.connection { retryDue = clock.now + retryIn } else { retryDue = nil }
        if case .failed(let reason) = status.connection { editor.show("sync stopped: \(reason)", isError: true) }
        if status.connection == .online {
            if let trouble = troubleShown, editor.clearMessage(ifItSays: trouble) { editor.show("the relay answers again") }
            troubleShown = nil
            editor.endAwayCatchUp()
        }
        describeConnection()
    }

    /// Puts the last status on the status line (every second too, so the retry countdown moves).
    func describeConnection() {
        guard let status = lastStatus else { return }
        editor.status.unsent = status.unsent + unsaved.count
        switch status.connection {
        case .idle: editor.status.connection = "local"
        case .connecting: editor.status.connection = heldInput == nil ? "connecting" : "opening"
        case .online:
            let waited = unansweredSince.map { clock.now - $0 } ?? .zero
            editor.status.connection = waited < Self.answerPatience ? "online" : "online, no answer for \(Int(waited.seconds))s"
        case .offline:
            let remaining = retryDue.map { max(.zero, $0 - clock.now) } ?? .zero
            editor.status.connection = "reconnecting in \(Int(remaining.seconds.rounded(.up)))s"
        case .failed: editor.status.connection = "stopped"
        }
        if case .failed = status.connection { editor.status.syncStopped = true } else { editor.status.syncStopped = false }
        switch status.connection {
        case .offline, .failed: editor.status.connectionTrouble = true
        case .online: editor.status.connectionTrouble = unansweredSince.map { clock.now - $0 >= Self.answerPatience } ?? false
        default: editor.status.connectionTrouble = false
        }
    }

}
