import Foundation
import Synchronization
import WeftCRDT
import WeftEditor
import WeftSync
import WeftTerminal
import WeftWire

/// Runs `weft edit`: connects the editor model, the terminal and the document's session, and
/// handles their events one at a time (so ncurses is only touched from this loop).
public final class EditorApp {
    enum Event: Sendable {
        /// Input is waiting in `inbox`.
        case input
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
        /// The document's history was read for the authors gutter, or why it could not be.
        case authors(Authorship?, problem: String?)
        /// A paged past version's sessions were read, or why they could not be.
        case travel(TimeTravel?, problem: String?)
    }

    var editor: Editor
    /// The pipe being paged has handed a piece the pager kept without asking for the next.
    var readerWaits = false
    /// Nil when paging a file or a pipe.
    let session: DocumentSession?
    let terminal: Terminal
    let address: DocumentAddress?
    let textReader: TextStreamReader?
    /// The pager's keys, for when the editor has to fall back to read-only paging.
    let pagerKeymap: () -> Keymap?
    var generation: Int
    var unsaved: [[Op]] = []
    var lastStatus: SyncStatus?
    /// A message saying why the relay cannot be reached, while it is on the message line: it
    /// goes once the relay answers, so "nothing answers" never stands beside "online".
    var troubleShown: String?
    /// When the session's next connection attempt is due, while it is offline.
    var retryDue: ContinuousClock.Instant?
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    /// When the editor may next look whether its background relay is gone.
    var nextRelayCheck = ContinuousClock.now
    /// Since when edits sent on a live connection have waited for the relay's answer with none
    /// coming (see `noteAnswers`), and how many were unanswered at the last status.
    var unansweredSince: ContinuousClock.Instant?
    var lastUnsent = 0
    /// The place last written to `placeFile` (see `savePlaceIfMoved`).
    var savedPlace: String?
    /// Set when SIGTERM, SIGHUP, SIGINT or SIGQUIT arrives: the keys still queued are not worked
    /// through before leaving.
    let ending = EndingSignal()

    /// A flag a signal handler sets and the loop reads.
    final class EndingSignal: Sendable {
        private let state = Mutex(false)
        func set() { state.withLock { $0 = true } }
        var isSet: Bool { state.withLock { $0 } }
    }
    /// What the terminal sent and the editor has not taken yet (see `InputInbox`).
    let inbox = InputInbox()
    /// Input taken from `inbox` that the editor has not had yet, oldest first.
    var untaken: ArraySlice<InputEvent> = []
    /// How long the loop hands queued input to the editor before it draws and looks at other
    /// events: a long paste arriving as keys shows as it goes, and a signal or a resize waits
    /// for at most this.
    static let inputSlice: Duration = .milliseconds(50)
    /// When the loop last found more input waiting than anyone types between two frames
    /// (`keysTogether`): a paste arriving as keys, whose edits undo as one step.
    var lastKeysTogether: ContinuousClock.Instant?
    /// More events than this waiting at once are keys arriving together.
    static let keysTogether = 16
    /// Keys that wait in fewer numbers this long after the last that came together are typed.
    static let keysTogetherGap: Duration = .milliseconds(200)
    /// When a key may next bring a connection attempt forward (see `retrySoonerForKeys`).
    var nextRetryForKeys = ContinuousClock.now
    /// Whether the relay was the background one when the editor opened (started by it or by
    /// another weft), so it is started again when it goes, whatever happened to its pid file.
    var usesBackgroundRelay = false
    /// Until when a SIGTSTP is this process's own suspend coming back round (see `suspend`).
    var ownStopUntil: ContinuousClock.Instant?
    /// Where the editor saves the cursor and view on leaving, to start there next time.
    let placeFile: URL?
    /// The server bare names are on, to name the document in hints as the user would type it.
    var defaultServer = DocumentAddress.defaultServer()
    /// How this screen was started, to start the next one the same way after `:e`.
    var launch: ScreenLaunch?
    /// What leaving has to tell the user (edits still queued), printed on exit or shown by the
    /// screen `:e` opens next.
    var leavingNotice: String?
    /// Texts `:n`, `:p` or `:x` passed over because they cannot be paged, and why: said by the
    /// next pager.
    var skippedTexts: String?
    /// Where events for the loop go (set by `loop`): for work done beside it, such as reading
    /// the history.
    var sink: AsyncStream<Event>.Continuation?
    /// Keys pressed while a document this machine had no copy of arrives for the first time:
    /// they wait, in order, for the document (else they would act on an empty text, typing at
    /// its start or moving nowhere), and go to it once the relay caught this copy up, or turned
    /// out unreachable (a new document is then edited offline), or `firstSyncPatience` after
    /// they began to wait (`since`). Nil when nothing waits.
    var heldInput: (since: ContinuousClock.Instant, inputs: [InputEvent])?
    /// The editor became the pager because the document grew too large to edit.
    var pagedForSize = false
    static let firstSyncPatience: Duration = .seconds(20)

    init(editor: Editor, session: DocumentSession?, terminal: Terminal, address: DocumentAddress?, generation: Int,
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


    func loop(events: AsyncStream<Event>, sink: AsyncStream<Event>.Continuation) async -> Int32 {
        self.sink = sink
        let reader = InputReader(initial: terminal.pendingInput, deliver: { [inbox] in if inbox.put($0) { sink.yield(.input) } }, ended: { sink.yield(.inputEnded) })
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
            let ending = self.ending
            source.setEventHandler {
                // Seen by `take` at once: keys typed ahead (a paste without bracketed paste is a
                // key a character) wait behind nothing when the terminal closes or a kill comes.
                if case .signalled = event { ending.set() }
                sink.yield(event)
            }
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
        if let descriptor = launch?.typedAheadDescriptor {
            untaken = ArraySlice(TypedAhead.take(from: descriptor))
            if !untaken.isEmpty { sink.yield(.input) }
        }
        var signalled: Int32?
        for await event in events {
            switch event {
            case .input:
                untaken.append(contentsOf: inbox.takeAll())
                if heldInput != nil {
                    heldInput?.inputs.append(contentsOf: untaken)
                    untaken = []
                } else if !untaken.isEmpty {
                    untaken = await take(untaken, for: Self.inputSlice)
                    // The rest after a draw and whatever else happened meanwhile.
                    if !untaken.isEmpty { sink.yield(.input) }
                }
                if readerWaits, editor.wantsMoreText {
                    readerWaits = false
                    textReader?.pieceTaken()
                }
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
                performTerminalRequests()
            case .status(let status):
                show(status)
                await refreshEditability()
                if status.connection != .connecting { await releaseHeldInput() }
            case .tick:
                if let since = heldInput?.since, clock.now - since > Self.firstSyncPatience { await releaseHeldInput() }
                describeConnection()
                if !unsaved.isEmpty { await saveLocalEdits() }
                savePlaceIfMoved()
            case .text(let text):
                editor.appendText(text)
                // A pipe is read ahead of the screen only so far, as less reads it (`yes | weft
                // view -` must not fill memory): the next piece is asked for once a key needs it.
                if textReader?.readsFile == true || editor.wantsMoreText { textReader?.pieceTaken() } else { readerWaits = true }
            case .textEnded(let problem):
                editor.endText(problem: problem)
            case .authors(let authorship, let problem):
                if let authorship { editor.showAuthors(authorship) } else { editor.authorsUnavailable(problem ?? "the history could not be read") }
            case .travel(let travel, let problem):
                if let travel { editor.beginTimeTravel(travel) } else { editor.timeTravelUnavailable(problem ?? "the history could not be read") }
            }
            if editor.wantsQuit, let target = editor.switchTarget, let problem = cannotOpen(target) { editor.refuseSwitch(problem) }
            if editor.wantsQuit, let index = editor.switchFileIndex, let launch { await choosePageable(from: index, launch: launch) }
            if editor.wantsQuit || signalled != nil { break }
            terminal.draw(editor.frame())
        }
        ticker.cancel()
        statusTask.cancel()
        sources.forEach { $0.cancel() }
        let code = await finish(interrupted: signalled != nil)
        // Keys typed after the command that switches were read here; the next screen has them.
        let typedAhead = Array(untaken) + inbox.takeAll()
        if code == 0, signalled == nil, let target = editor.switchTarget, let launch {
            return switchScreen(to: target, from: launch, typedAhead: typedAhead)
        }
        if code == 0, signalled == nil, let index = editor.switchFileIndex, let launch {
            return switchPager(to: index, from: launch, typedAhead: typedAhead)
        }
        if let leavingNotice { FileHandle.standardError.write(Data("weft edit: \(leavingNotice)\n".utf8)) }
        // Killed by a signal, exit as the shell reports it (128 + the signal's number).
        return signalled.map { 128 + $0 } ?? code
    }

    /// Writes the cursor and view to `placeFile` when they moved since last written: every second
    /// as well as on leaving, so an editor killed (SIGKILL, a crash, the machine off) opens again
    /// where it was, as one that quit does.
    func savePlaceIfMoved() {
        // While the document is being built behind its first screen, the place is the preview's.
        guard let placeFile, !editor.isPager, heldInput == nil else { return }
        let place = editor.place
        guard place.text != savedPlace else { return }
        if (try? place.save(to: placeFile)) != nil { savedPlace = place.text }
    }

    /// Hands keys, pastes and mouse events to the editor for at most `slice`, then saves and
    /// sends what they did; returns those there was no time for.
    func take(_ inputs: ArraySlice<InputEvent>, for slice: Duration) async -> ArraySlice<InputEvent> {
        let now = (clock.now - started).seconds
        let deadline = clock.now + slice
        if inputs.count > Self.keysTogether {
            editor.beginKeysTogether()
            lastKeysTogether = clock.now
        } else if let last = lastKeysTogether, clock.now - last > Self.keysTogetherGap {
            editor.endKeysTogether()
            lastKeysTogether = nil
        }
        var next = inputs.startIndex
        editor.beginInputSlice()
        for input in inputs {
            if ending.isSet || clock.now >= deadline { break }
            next += 1
            switch input {
            case .key(let key): editor.handle(key, now: now)
            case .paste(let text): editor.paste(text, now: now)
            case .pastePart(let text): editor.paste(text, now: now, moreFollows: true)
            case .mouse(let event): editor.handle(event, now: now)
            }
            if editor.wantsQuit { break }
        }
        editor.endInputSlice()
        await saveLocalEdits()
        await session?.sendPresence(editor.presence)
        await retrySoonerForKeys()
        performTerminalRequests()
        // Keys after a quit or a signal are for nobody; after `:e`, `:n` or `:p`, for the next screen.
        if ending.isSet || editor.wantsQuit && editor.switchTarget == nil && editor.switchFileIndex == nil { return [] }
        return inputs[next...]
    }

    /// The document arrived (or will not soon): the keys that waited for it go to it, in order.
    func releaseHeldInput() async {
        guard let held = heldInput?.inputs else { return }
        heldInput = nil
        describeConnection()
        untaken = held + untaken
        if !untaken.isEmpty { sink?.yield(.input) }
    }

    /// Leaves the screen: tries briefly to get unsent edits acknowledged, restores the terminal,
    /// says what stays queued.
    func finish(interrupted: Bool) async -> Int32 {
        guard let session, let address else {
            terminal.close()
            return 0
        }
        await saveLocalEdits()
        savePlaceIfMoved()
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
        if unsent > 0, case .failed(let reason) = lastStatus?.connection {
            // Nothing goes out by itself now: say what became of them.
            let name = address.commandArgument(defaultServer: defaultServer)
            leavingNotice = "\(unsent) \(unsent == 1 ? "edit" : "edits") did not reach the relay before syncing stopped (\(reason)); they are kept in this machine's copy (`weft status` lists it), and when the relay's \(name) is another document now, opening it again saves this copy's text, with them, as a recovered-TIME.txt file beside it"
        } else if unsent > 0 {
            leavingNotice = "\(unsent) \(unsent == 1 ? "edit is" : "edits are") not on the relay yet; \(unsent == 1 ? "it stays" : "they stay") queued on this machine and go out the next time you open \(address.commandArgument(defaultServer: defaultServer)) (or run `weft apply \(address.commandArgument(defaultServer: defaultServer)) < /dev/null`)"
        }
        return 0
    }
}
