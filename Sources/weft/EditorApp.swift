import Foundation
import WeftCRDT
import WeftEditor
import WeftSync
import WeftTerminal
import WeftWire

/// Runs `weft edit`: connects the editor model, the terminal and the document's session, and
/// handles their events one at a time (so ncurses is only touched from this loop).
final class EditorApp {
    enum Event: Sendable {
        case input([InputEvent])
        case inputEnded
        case resized
        case signalled(Int32)
        case session(SessionEvent)
        case status(SyncStatus)
        case tick
    }

    private var editor: Editor
    private let session: DocumentSession
    private let terminal: Terminal
    private let address: DocumentAddress
    private var generation: Int
    private var unsaved: [[Op]] = []
    private var lastStatus: SyncStatus?
    /// When the session's next connection attempt is due, while it is offline.
    private var retryDue: ContinuousClock.Instant?
    private let readOnlyRequested: Bool
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    private init(editor: Editor, session: DocumentSession, terminal: Terminal, address: DocumentAddress, generation: Int, readOnly: Bool) {
        self.editor = editor
        self.session = session
        self.terminal = terminal
        self.address = address
        self.generation = generation
        self.readOnlyRequested = readOnly
        started = clock.now
    }

    /// Runs the editor for `options`; returns the exit code (problems before the screen opens
    /// are printed as `weft edit: …`).
    static func run(_ options: Edit) async -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("weft edit: \(message)\n".utf8))
            return 3
        }
        let home = ClientHome.fromEnvironment()
        let config: UserConfig
        let address: DocumentAddress
        let keymap: Keymap
        let theme: Theme
        do {
            config = try UserConfig.load(home: home)
            address = try DocumentAddress(parsing: options.document, defaultServer: DocumentAddress.defaultServer(configured: config.server))
        } catch {
            return fail("\(error)")
        }
        do {
            keymap = try Keymap.load(options.keymap ?? config.keymap ?? "default", from: .keymaps(config: home.config))
            theme = try Theme.load(options.theme ?? config.theme ?? "dark", from: .themes(config: home.config))
        } catch {
            return fail("\(error)")
        }
        var notices: [String] = []
        let session: DocumentSession
        do {
            if let directory = try EmbeddedRelay.ensureRunning(for: address, home: home) {
                notices.append("started a relay in the background (data \(directory.path)); `weft relay stop` stops it")
            }
            let token = try Credentials.token(for: address, explicit: options.token, home: home)
            session = try DocumentSession(address: address, home: home,
                                          options: SessionOptions(token: token, readOnly: options.readOnly, caFile: options.caFile.map { URL(fileURLWithPath: $0) }))
        } catch {
            return fail("\(error)")
        }
        let userName = options.name ?? config.name ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "someone"
        let settings = EditorSettings(tabWidth: config.tabWidth ?? 8, wrap: options.wrap ?? config.wrap ?? true, userName: userName,
                                      userColour: config.colour ?? theme.peerColours[Int(stableHash(userName) % UInt64(theme.peerColours.count))])
        let terminal: Terminal
        do {
            terminal = try Terminal(theme: theme)
        } catch {
            await session.close()
            return fail("\(error)")
        }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        await session.observe { sink.yield(.session($0)) }
        let (replica, generation) = await session.replicaCopy()
        var editor = Editor(replica: replica, keymap: keymap, settings: settings,
                            status: StatusInfo(document: address.name.rawValue, readOnly: options.readOnly), width: Terminal.columnWidth)
        editor.resize(width: terminal.width, height: terminal.height)
        for notice in await session.notices + notices { editor.show(notice) }
        let app = EditorApp(editor: editor, session: session, terminal: terminal, address: address, generation: generation, readOnly: options.readOnly)
        await session.start()
        return await app.loop(events: events, sink: sink)
    }

    private func loop(events: AsyncStream<Event>, sink: AsyncStream<Event>.Continuation) async -> Int32 {
        let reader = InputReader(deliver: { sink.yield(.input($0)) }, ended: { sink.yield(.inputEnded) })
        reader.start()
        var sources: [DispatchSourceSignal] = []
        for number in [SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { sink.yield(number == SIGWINCH ? .resized : .signalled(number)) }
            source.resume()
            sources.append(source)
        }
        let statusTask = Task { [session] in
            for await status in session.statusUpdates { sink.yield(.status(status)) }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                sink.yield(.tick)
            }
        }
        await refreshEditability()
        terminal.draw(editor.frame())
        var signalled: Int32?
        for await event in events {
            switch event {
            case .input(let inputs):
                let now = (clock.now - started).seconds
                for input in inputs {
                    switch input {
                    case .key(let key): editor.handle(key, now: now)
                    case .paste(let text): editor.paste(text, now: now)
                    }
                    if editor.wantsQuit { break }
                }
                await saveLocalEdits()
                await session.sendPresence(editor.presence)
            case .inputEnded:
                signalled = SIGHUP
            case .resized:
                terminal.updateSize()
                editor.resize(width: terminal.width, height: terminal.height)
            case .signalled(let number):
                signalled = number
            case .session(let sessionEvent):
                await handle(sessionEvent)
            case .status(let status):
                show(status)
                await refreshEditability()
            case .tick:
                describeConnection()
                if !unsaved.isEmpty { await saveLocalEdits() }
            }
            if editor.wantsQuit || signalled != nil { break }
            terminal.draw(editor.frame())
        }
        ticker.cancel()
        statusTask.cancel()
        sources.forEach { $0.cancel() }
        return await finish(interrupted: signalled != nil)
    }

    /// Queues the editor's new batches durably. On failure they are kept and retried every
    /// second, and the user is told: nothing typed is dropped.
    private func saveLocalEdits() async {
        unsaved += editor.takeBatches()
        guard !unsaved.isEmpty else { return }
        do {
            try await session.applyLocal(unsaved)
            unsaved = []
        } catch {
            editor.show("NOT SAVED: \(error) (\(unsaved.count) edits kept in memory, retrying; do not quit)", isError: true)
        }
    }

    private func handle(_ event: SessionEvent) async {
        switch event {
        case .remote(let ops, let batchGeneration):
            guard batchGeneration == generation else { return }
            do {
                try editor.applyRemote(ops)
            } catch {
                editor.show("a change from the relay did not apply here: \(error)", isError: true)
            }
        case .replaced:
            let (replica, current) = await session.replicaCopy()
            generation = current
            editor.replaceReplica(replica)
        case .presence(let replica, let presence):
            editor.setPresence(presence, of: replica)
        case .notice(let message):
            editor.show(message, isError: true)
        }
    }

    /// Read-only while the user asked for it, or while a lost cache waits for the first sync.
    private func refreshEditability() async {
        let canEdit = await session.canEdit
        editor.status.readOnly = readOnlyRequested || !canEdit
    }

    /// Takes a new status from the session: remembers when a retry is due, and reports a stop once.
    private func show(_ status: SyncStatus) {
        lastStatus = status
        if case .offline(let retryIn, _) = status.connection { retryDue = clock.now + retryIn } else { retryDue = nil }
        if case .failed(let reason) = status.connection { editor.show("sync stopped: \(reason)", isError: true) }
        describeConnection()
    }

    /// Puts the last status on the status line (every second too, so the retry countdown moves).
    private func describeConnection() {
        guard let status = lastStatus else { return }
        editor.status.unsent = status.unsent + unsaved.count
        switch status.connection {
        case .idle: editor.status.connection = "local"
        case .connecting: editor.status.connection = "connecting"
        case .online: editor.status.connection = "online"
        case .offline:
            let remaining = retryDue.map { max(.zero, $0 - clock.now) } ?? .zero
            editor.status.connection = "reconnecting in \(Int(remaining.seconds.rounded(.up)))s"
        case .failed: editor.status.connection = "offline"
        }
        switch status.connection {
        case .offline, .failed: editor.status.connectionTrouble = true
        default: editor.status.connectionTrouble = false
        }
    }

    /// Leaves the screen: tries briefly to get unsent edits acknowledged, restores the terminal,
    /// says what stays queued.
    private func finish(interrupted: Bool) async -> Int32 {
        await saveLocalEdits()
        var unsent = await session.unsentCount
        if unsent > 0, !interrupted, lastStatus?.connection == .online {
            editor.show("sending \(unsent) edits…")
            terminal.draw(editor.frame())
            try? await session.waitUntilSettled(timeout: .seconds(2))
            unsent = await session.unsentCount
        }
        terminal.close()
        await session.close()
        if !unsaved.isEmpty {
            FileHandle.standardError.write(Data("weft edit: \(unsaved.count) edits could not be written to disk and are lost: \(address)\n".utf8))
            return 3
        }
        if unsent > 0 {
            FileHandle.standardError.write(Data("weft edit: \(unsent) edits are not on the relay yet; they stay queued on this machine and go out the next time you open \(address.name) (or run `weft apply \(address.name) < /dev/null`)\n".utf8))
        }
        return 0
    }
}

private func stableHash(_ text: String) -> UInt64 {
    // FNV-1a: the same colour for the same name in every process (Swift's hashes are seeded).
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return hash
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
