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
        /// SIGTSTP from outside (`kill -TSTP`): suspend as the suspend key does.
        case stopRequested
        /// SIGCONT: the process was stopped and continued; the screen may hold anything.
        case continued
        case session(SessionEvent)
        case status(SyncStatus)
        case tick
        /// A piece of a file or pipe being paged, and its end (with a problem, if reading failed).
        case text(String)
        case textEnded(String?)
    }

    private var editor: Editor
    /// Nil when paging a file or a pipe.
    private let session: DocumentSession?
    private let terminal: Terminal
    private let address: DocumentAddress?
    private let textReader: TextStreamReader?
    /// The pager's keys, for when the editor has to fall back to read-only paging.
    private let pagerKeymap: () -> Keymap?
    private var generation: Int
    private var unsaved: [[Op]] = []
    private var lastStatus: SyncStatus?
    /// When the session's next connection attempt is due, while it is offline.
    private var retryDue: ContinuousClock.Instant?
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    /// When the editor may next look whether its background relay is gone.
    private var nextRelayCheck = ContinuousClock.now
    /// Until when a SIGTSTP is this process's own suspend coming back round (see `suspend`).
    private var ownStopUntil: ContinuousClock.Instant?
    /// Where the editor saves the cursor and view on leaving, to start there next time.
    private let placeFile: URL?
    /// The server bare names are on, to name the document in hints as the user would type it.
    private var defaultServer = DocumentAddress.defaultServer()

    private init(editor: Editor, session: DocumentSession?, terminal: Terminal, address: DocumentAddress?, generation: Int,
                 textReader: TextStreamReader? = nil, pagerKeymap: @escaping () -> Keymap? = { nil }, placeFile: URL? = nil) {
        self.editor = editor
        self.placeFile = placeFile
        self.session = session
        self.terminal = terminal
        self.address = address
        self.generation = generation
        self.textReader = textReader
        self.pagerKeymap = pagerKeymap
        started = clock.now
    }

    /// Documents larger than this open in the pager: keystrokes, search and undo stay quick
    /// below it (1 ms a key at 10 MB), and the CRDT's id space (`Replica.maxInsertedCharacters`)
    /// keeps room for editing.
    static let comfortableScalars = 32 << 20

    /// The login name of this process's user from the password database (for when `$USER` is
    /// not set, as under some service managers and `env -i`).
    private static func accountName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }

    /// Runs the editor or the pager for `launch`; returns the exit code (problems before the
    /// screen opens are printed as `weft edit: …` or `weft view: …`).
    static func run(_ launch: ScreenLaunch) async -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("weft \(launch.command): \(message)\n".utf8))
            return 3
        }
        let home = ClientHome.fromEnvironment()
        let config: UserConfig
        let keymap: Keymap
        let theme: Theme
        let keymaps = DataFileLibrary.keymaps(config: home.config)
        do {
            config = try UserConfig.load(home: home)
            keymap = try Keymap.load(launch.keymap ?? (launch.pager ? "less" : config.keymap ?? "default"), from: keymaps)
            theme = try Theme.load(launch.theme ?? config.theme ?? "dark", from: .themes(config: home.config))
        } catch {
            return fail("\(error)")
        }
        let pages = keymap.modes.contains { keymap.keys(for: .scrollDown, in: $0) != nil }
        if launch.pager != pages {
            return fail(launch.pager ? "the keymap \(keymap.name) is for editing; the pager needs one with its commands (less)"
                                     : "the keymap \(keymap.name) is the pager's; use it with `weft view`")
        }
        let userName = launch.name ?? config.name ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? accountName() ?? "someone"
        let settings = EditorSettings(tabWidth: config.tabWidth ?? 8, wrap: launch.wrap ?? config.wrap ?? true, userName: userName,
                                      userColour: config.colour ?? theme.peerColours[Int(stableHash(userName) % UInt64(theme.peerColours.count))],
                                      lineNumbers: launch.lineNumbers, searchCase: launch.pager ? launch.paging.searchCase : .smart)

        // A file or a pipe: paged as it is read, nothing to sync.
        let local: (descriptor: Int32, name: String)?
        do {
            local = launch.pager ? try LocalText.open(launch.document) : nil
        } catch {
            return fail("\(error)")
        }
        if let local {
            // As less does when piped on, or with no terminal to take keys from.
            if isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0 { return copy(local.descriptor) }
            let terminal: Terminal
            do {
                terminal = try Terminal(theme: theme, terminfo: home.data.appendingPathComponent("terminfo"),
                                        mouse: config.mouse ?? true, clipboard: config.clipboard ?? true)
            } catch where error.cannotMoveCursor {
                // As less does on such a terminal: the text, printed through.
                FileHandle.standardError.write(Data("weft \(launch.command): the terminal type \"\(ProcessInfo.processInfo.environment["TERM"] ?? "")\" cannot move the cursor; printing the text instead of paging it\n".utf8))
                return copy(local.descriptor)
            } catch {
                return fail("\(error)")
            }
            let (events, sink) = AsyncStream.makeStream(of: Event.self)
            let reader = TextStreamReader(descriptor: local.descriptor, deliver: { sink.yield(.text($0)) }, ended: { sink.yield(.textEnded($0)) })
            var random = SystemRandomNumberGenerator()
            var editor = Editor(replica: Replica(replicaID: ReplicaID(random.next() | 1)), keymap: keymap, settings: settings,
                                status: StatusInfo(document: local.name, connection: "reading", readOnly: true), width: terminal.textWidths)
            editor.resize(width: terminal.width, height: terminal.height)
            editor.enterPager(keymap: keymap)
            editor.beginLocalText(colours: launch.paging.colours)
            if launch.follow { editor.followEnd() }
            if let start = launch.paging.start { editor.begin(with: start) }
            editor.show(editor.welcome)
            let app = EditorApp(editor: editor, session: nil, terminal: terminal, address: nil, generation: 0, textReader: reader)
            reader.start()
            return await app.loop(events: events, sink: sink)
        }

        if !launch.pager, LocalFile.isPath(launch.document) {
            return await editLocalFile(launch, keymap: keymap, theme: theme, settings: settings, home: home, config: config)
        }
        let address: DocumentAddress
        do {
            address = try DocumentAddress(parsing: launch.document, defaultServer: DocumentAddress.defaultServer(configured: config.server))
        } catch {
            return fail("\(error)")
        }
        // The terminal first: one that cannot show the editor is refused before anything starts
        // (a background relay, a session).
        let terminal: Terminal
        do {
            terminal = try Terminal(theme: theme, terminfo: home.data.appendingPathComponent("terminfo"),
                                    mouse: config.mouse ?? true, clipboard: config.clipboard ?? true)
        } catch {
            return fail("\(error)")
        }
        var notices: [String] = []
        let session: DocumentSession
        // The pager reads a throwaway copy seeded from the cache: it takes no lock, so editing
        // and `weft apply` in the same home go on beside it.
        let pagerCopy = launch.pager ? PagerCopy(of: address, in: home) : nil
        defer { pagerCopy?.remove() }
        do {
            if let directory = try EmbeddedRelay.ensureRunning(for: address) {
                notices.append("started a relay in the background (data \(directory.path)); `weft relay stop` stops it")
            }
        } catch {
            // Editing goes on offline: every edit is queued and goes out once a relay answers.
            notices.append("\(error); editing offline, edits stay queued")
        }
        do {
            let token = try Credentials.token(for: address, explicit: launch.token, home: home)
            session = try DocumentSession(address: address, home: pagerCopy?.home ?? home,
                                          options: config.sessionOptions(token: token, readOnly: launch.pager, caFile: launch.caFile))
        } catch {
            terminal.close()
            return fail("\(error)")
        }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        await session.observe { sink.yield(.session($0)) }
        let (replica, generation) = await session.replicaCopy()
        var editor = Editor(replica: replica, keymap: keymap, settings: settings,
                            status: StatusInfo(document: address.name.rawValue, readOnly: launch.pager), width: terminal.textWidths)
        editor.resize(width: terminal.width, height: terminal.height)
        if launch.pager {
            editor.enterPager(keymap: keymap)
            if launch.follow { editor.followEnd() }
            if let start = launch.paging.start { editor.begin(with: start) }
        }
        let pagerKeymap: () -> Keymap? = { try? Keymap.load("less", from: keymaps) }
        if !launch.pager, replica.count > comfortableScalars, let less = pagerKeymap() {
            editor.enterPager(keymap: less, banner: tooLargeBanner(address.name.rawValue, count: replica.count))
        }
        let placeFile = home.directory(for: address).appendingPathComponent("place")
        if !editor.isPager, let place = EditorPlace.load(from: placeFile) { editor.restore(place) }
        editor.show(([editor.welcome] + (await session.notices) + notices).joined(separator: " · "))
        var app = EditorApp(editor: editor, session: session, terminal: terminal, address: address, generation: generation,
                            pagerKeymap: pagerKeymap, placeFile: launch.pager ? nil : placeFile)
        app.defaultServer = DocumentAddress.defaultServer(configured: config.server)
        // Say who is here from the first connection on, not only after the first key.
        await session.sendPresence(editor.presence)
        await session.start()
        return await app.loop(events: events, sink: sink)
    }

    /// `weft edit PATH`: the file alone, nothing shared; `:w` writes it back.
    private static func editLocalFile(_ launch: ScreenLaunch, keymap: Keymap, theme: Theme, settings: EditorSettings,
                                      home: ClientHome, config: UserConfig) async -> Int32 {
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("weft edit: \(message)\n".utf8))
            return 3
        }
        var file: LocalFile?
        var text = ""
        do {
            if launch.document == "-", let input = try LocalText.open("-") {
                text = String(decoding: FileHandle(fileDescriptor: input.descriptor, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
            } else {
                (file, text) = try LocalFile.open(launch.document)
            }
        } catch {
            return fail("\(error)")
        }
        var random = SystemRandomNumberGenerator()
        var replica = Replica(replicaID: ReplicaID(random.next() | 1))
        if !text.isEmpty, (try? replica.insert(text, at: 0)) == nil { return fail("\(launch.document) is too large to edit") }
        let terminal: Terminal
        do {
            terminal = try Terminal(theme: theme, terminfo: home.data.appendingPathComponent("terminfo"),
                                    mouse: config.mouse ?? true, clipboard: config.clipboard ?? true)
        } catch {
            return fail("\(error)")
        }
        var editor = Editor(replica: replica, keymap: keymap, settings: settings,
                            status: StatusInfo(document: launch.document == "-" ? "standard input" : launch.document), width: terminal.textWidths)
        if let file { editor.attach(file) }
        editor.resize(width: terminal.width, height: terminal.height)
        editor.show(editor.welcome)
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let app = EditorApp(editor: editor, session: nil, terminal: terminal, address: nil, generation: 0)
        return await app.loop(events: events, sink: sink)
    }

    /// Copies `descriptor` to standard output (the pager's output is not a terminal).
    private static func copy(_ descriptor: Int32) -> Int32 {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? 0 : 1 }
            StandardOutput.write(Data(buffer[..<count]))
        }
    }

    private func loop(events: AsyncStream<Event>, sink: AsyncStream<Event>.Continuation) async -> Int32 {
        let reader = InputReader(initial: terminal.pendingInput, deliver: { sink.yield(.input($0)) }, ended: { sink.yield(.inputEnded) })
        reader.start()
        var sources: [DispatchSourceSignal] = []
        for number in [SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGCONT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let event: Event = switch number {
            case SIGWINCH: .resized
            case SIGTSTP: .stopRequested
            case SIGCONT: .continued
            default: .signalled(number)
            }
            source.setEventHandler { sink.yield(event) }
            source.resume()
            sources.append(source)
        }
        let statusTask = Task { [session] in
            guard let session else { return }
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
                    case .pastePart(let text): editor.paste(text, now: now, moreFollows: true)
                    case .mouse(let event): editor.handle(event, now: now)
                    }
                    if editor.wantsQuit { break }
                }
                await saveLocalEdits()
                await session?.sendPresence(editor.presence)
                performTerminalRequests()
            case .stopRequested:
                // The SIGTSTPs this process sent itself to stop come round after it was continued,
                // on a busy machine seconds later: ignored for a while. (Ctrl-Z typed in the editor
                // is a key, not a signal; only `kill -TSTP` from elsewhere is ignored meanwhile.)
                if let until = ownStopUntil, clock.now < until { break }
                suspend()
            case .continued:
                terminal.redrawEverything()
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
            case .text(let text):
                editor.appendText(text)
                textReader?.pieceTaken()
            case .textEnded(let problem):
                editor.endText(problem: problem)
            }
            if editor.wantsQuit || signalled != nil { break }
            terminal.draw(editor.frame())
        }
        ticker.cancel()
        statusTask.cancel()
        sources.forEach { $0.cancel() }
        let code = await finish(interrupted: signalled != nil)
        // Killed by a signal, exit as the shell reports it (128 + the signal's number).
        return signalled.map { 128 + $0 } ?? code
    }

    /// Does what keys asked of the terminal.
    private func performTerminalRequests() {
        for request in editor.takeTerminalRequests() {
            switch request {
            case .suspend: suspend()
            case .redraw: terminal.redrawEverything()
            case .copyToClipboard(let text): terminal.copyToClipboard(text)
            }
        }
    }

    /// Gives the terminal to the shell and stops until `fg`. The stop signal it sends its process
    /// group reaches this process's own SIGTSTP watch too, just after: that one is not a new request.
    private func suspend() {
        terminal.suspendProcess()
        ownStopUntil = clock.now + .seconds(10)
    }

    /// Queues the editor's new batches durably. On failure they are kept and retried every
    /// second, and the user is told: nothing typed is dropped.
    private func saveLocalEdits() async {
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

    private func handle(_ event: SessionEvent) async {
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
        }
    }

    /// Read-only while paging, or while a lost cache waits for the first sync.
    private func refreshEditability() async {
        guard let session else { return }
        let canEdit = await session.canEdit
        editor.status.readOnly = editor.isPager || !canEdit
    }

    /// A document that grew past what weft edits comfortably, as one first synced here does
    /// (nothing cached told the launch how large it is), is paged from then on, as at launch.
    private func pageIfTooLarge() {
        guard !editor.isPager, editor.replica.count > Self.comfortableScalars, let less = pagerKeymap(), let address else { return }
        editor.enterPager(keymap: less, banner: Self.tooLargeBanner(address.name.rawValue, count: editor.replica.count))
    }

    static func tooLargeBanner(_ name: String, count: Int) -> String {
        "read-only: \(name) has \(count >> 20) Mi characters, more than weft edits comfortably (\(comfortableScalars >> 20) Mi)"
    }

    /// The relay refuses this connection's writes: page read-only, saying why, rather than let
    /// the user type what cannot be sent.
    private func fallBackToPager(_ status: SyncStatus) {
        guard status.writesRefused, !editor.isPager, let less = pagerKeymap(), let address else { return }
        let queued = status.unsent > 0 ? "; \(status.unsent) \(status.unsent == 1 ? "edit" : "edits") made here stay queued" : ""
        editor.enterPager(keymap: less, banner: "read-only: the relay accepts no writes to \(address.name) from this connection (a read-only token?)\(queued)")
    }

    /// The background relay this editor's document is on went away (`weft relay stop`, a crash):
    /// start it again, as at launch, and reconnect at once instead of after the backoff. Tried at
    /// most every few seconds while the connection stays down.
    private func restartRelayIfGone(_ status: SyncStatus) {
        // Only a relay weft started itself (it left its pid file): one the user runs with its own
        // --data is theirs to restart, and starting another in its place would serve other data.
        guard case .offline = status.connection, let address, let session, EmbeddedRelay.isLocal(address),
              clock.now >= nextRelayCheck,
              FileManager.default.fileExists(atPath: EmbeddedRelay.pidFile(in: EmbeddedRelay.directory(host: address.host, port: address.port)).path)
        else { return }
        nextRelayCheck = clock.now + .seconds(3)
        Task.detached {
            guard let directory = try? EmbeddedRelay.ensureRunning(for: address) else { return }
            await session.note("the background relay had stopped; started it again (data \(directory.path))")
            await session.reconnectNow()
        }
    }

    /// Takes a new status from the session: remembers when a retry is due, and reports a stop once.
    private func show(_ status: SyncStatus) {
        lastStatus = status
        restartRelayIfGone(status)
        fallBackToPager(status)
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
        guard let session, let address else {
            terminal.close()
            return 0
        }
        await saveLocalEdits()
        if let placeFile, !editor.isPager { try? editor.place.save(to: placeFile) }
        var unsent = await session.unsentCount
        if unsent > 0, !interrupted, lastStatus?.connection == .online, lastStatus?.writesRefused != true {
            editor.show("sending \(unsent) edits…")
            terminal.draw(editor.frame())
            try? await session.waitUntilSettled(timeout: .seconds(2))
            unsent = await session.unsentCount
        }
        terminal.close()
        await session.close()
        if !unsaved.isEmpty {
            FileHandle.standardError.write(Data("weft edit: \(unsaved.count) \(unsaved.count == 1 ? "edit" : "edits") could not be written to disk and \(unsaved.count == 1 ? "is" : "are") lost: \(address)\n".utf8))
            return 3
        }
        if unsent > 0 {
            FileHandle.standardError.write(Data("weft edit: \(unsent) \(unsent == 1 ? "edit is" : "edits are") not on the relay yet; they stay queued on this machine and go out the next time you open \(address.commandArgument(defaultServer: defaultServer)) (or run `weft apply \(address.commandArgument(defaultServer: defaultServer)) < /dev/null`)\n".utf8))
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
