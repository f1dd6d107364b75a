import Foundation
import WeftCRDT
import WeftEditor
import WeftSync
import WeftTerminal
import WeftWire

extension EditorApp {
    /// Runs the editor or the pager for `launch`; returns the exit code (problems before the
    /// screen opens are printed as `weft edit: …` or `weft view: …`).
    public static func run(_ launch: ScreenLaunch) async -> Int32 {
        var launch = launch
        if launch.pager, launch.files.count > 1, launch.fileIndex == 0, launch.notice == nil, isatty(STDOUT_FILENO) != 0 {
            launch = await skippingUnpageable(launch)
        }
        // Several texts piped on: each copied through in turn, as less does; one that cannot be
        // read is said and passed over, and the exit status is the first failure's.
        if launch.files.count > 1, isatty(STDOUT_FILENO) == 0 {
            var status: Int32 = 0
            for file in launch.files {
                var one = launch
                one.files = []
                one.document = file
                let code = await run(one)
                if status == 0 { status = code }
            }
            return status
        }
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data("weft \(launch.command): \(message)\n".utf8))
            return 3
        }
        let home = ClientHome.fromEnvironment()
        let config: UserConfig
        let keymap: Keymap
        let theme: Theme
        let keymaps = DataFileLibrary.keymaps(config: home.config)
        let themes = DataFileLibrary.themes(config: home.config)
        do {
            config = try UserConfig.load(home: home)
        } catch {
            return fail("\(error)")
        }
        // A name the config file gives that names no file is the config file's mistake: said so.
        let keymapName = launch.keymap ?? (launch.pager ? "less" : config.keymap ?? "default")
        let themeName = launch.theme ?? config.theme ?? "dark"
        for (setting, name, library, fromConfig) in [("keymap", keymapName, keymaps, launch.keymap == nil && config.keymap != nil),
                                                       ("theme", themeName, themes, launch.theme == nil && config.theme != nil)]
        where fromConfig && library.url(for: name) == nil {
            return fail("\(UserConfig.url(in: home).path): \(setting) = \"\(name)\": \(library.missing(name))")
        }
        do {
            keymap = try Keymap.load(keymapName, from: keymaps)
            theme = try Theme.load(themeName, from: themes)
        } catch {
            return fail("\(error)")
        }
        let pages = keymap.modes.contains { keymap.keys(for: .scrollDown, in: $0) != nil }
        if launch.pager != pages {
            return fail(launch.pager ? "the keymap \(keymap.name) is for editing; the pager needs one with its commands (less)"
                                     : "the keymap \(keymap.name) is the pager's; use it with `weft view`")
        }
        let userName = config.personName(explicit: launch.name) ?? "someone"
        let settings = EditorSettings(tabWidth: config.tabWidth ?? 8, wrap: launch.wrap ?? config.wrap ?? true, userName: userName,
                                      userColour: config.colour ?? theme.peerColours[Int(stableHash(userName) % UInt64(theme.peerColours.count))],
                                      lineNumbers: launch.lineNumbers, searchCase: launch.pager ? launch.paging.searchCase : .smart)

        // A file or a pipe: paged as it is read, nothing to sync.
        let local: (descriptor: Int32, name: String)?
        do {
            local = launch.pager ? try LocalText.open(launch.document) : nil
        } catch {
            return fail("\(error)" + documentHint(launch.document, config: config))
        }
        if let local {
            // As less does when piped on, or with no terminal to take keys from.
            if isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0 { return copy(local.descriptor) }
            let terminal: Terminal
            do {
                terminal = try openTerminal(theme: theme, home: home, config: config)
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
            if launch.pastSessions != nil { editor.awaitTimeTravel() }
            if launch.follow { editor.followEnd() }
            if let search = launch.paging.previousSearch { editor.carrySearch(search) }
            if let start = launch.paging.start { editor.begin(with: start) }
            editor.fileList = launch.fileList
            editor.show(launch.banner(welcome: editor.welcome))
            let app = EditorApp(editor: editor, session: nil, terminal: terminal, address: nil, generation: 0, textReader: reader)
            app.launch = launch
            app.sink = sink
            app.readPastSessions()
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
            // vim makes a new file of any name; a path says it is one (`./odd name`).
            let newFile = launch.pager || launch.document.contains("://") ? "" : "; to make a new file of that name, write ./\(launch.document)"
            return fail("\(error)\(newFile)")
        }
        if launch.pager, isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0 {
            // As less does when piped on, or with no terminal to take keys from: the text copied
            // through, the document as `weft cat` prints it.
            do {
                try await ClientConnection(document: launch.document, token: launch.token, caFile: launch.caFile).printText(launch.command)
                return 0
            } catch let failure as CommandFailure {
                return failure.exitCode
            } catch {
                return fail("\(error)")
            }
        }
        var startedRelay: Result<URL?, SyncError>?
        if launch.pager {
            // Paging a name nobody made would show an empty live document: say so instead (an
            // editor makes the document, so only the pager asks; the background relay, when this
            // machine runs it, is started first so that it can answer).
            startedRelay = Self.startRelay(for: address, home: home)
            if let status = await Self.refuseMissing(address, launch: launch, home: home) { return status }
        }
        // The terminal first: one that cannot show the editor is refused before anything starts
        // (a background relay, a session).
        let terminal: Terminal
        do {
            terminal = try openTerminal(theme: theme, home: home, config: config)
        } catch {
            return fail("\(error)")
        }
        drawPreview(of: address, launch: launch, home: home, terminal: terminal, keymap: keymap, keymaps: keymaps, settings: settings)
        var notices: [String] = []
        // Opened here before: what others added since is marked once this copy has caught up.
        let seenBefore = FileManager.default.fileExists(atPath: home.directory(for: address).appendingPathComponent(DocumentFiles.cacheName).path)
        let session: DocumentSession
        // The pager reads a throwaway copy seeded from the cache: it takes no lock, so editing
        // and `weft apply` in the same home go on beside it.
        let pagerCopy = launch.pager ? PagerCopy(of: address, in: home) : nil
        defer { pagerCopy?.remove() }
        do {
            if let directory = try (startedRelay ?? Self.startRelay(for: address, home: home)).get() {
                notices.append("started a relay in the background (data \(directory.path)); `weft relay stop` stops it")
            }
        } catch {
            // Editing goes on offline: every edit is queued and goes out once a relay answers.
            notices.append("\(error); editing offline, edits stay queued")
        }
        do {
            let token = try Credentials.token(for: address, explicit: launch.token, home: home)
            session = try DocumentSession(address: address, home: pagerCopy?.home ?? home,
                                          options: config.sessionOptions(token: token, readOnly: launch.pager, caFile: launch.caFile, name: launch.name,
                                                                         keepsWatching: launch.pager),
                                          seed: pagerCopy?.seed())
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
        editor.alternate = launch.alternate
        editor.hasDocumentHistory = true
        if seenBefore { editor.beginAwayCatchUp() }
        if launch.pager {
            editor.enterPager(keymap: keymap)
            if launch.follow { editor.followEnd() }
            if let search = launch.paging.previousSearch { editor.carrySearch(search) }
            if let start = launch.paging.start { editor.begin(with: start) }
        }
        let pagerKeymap: () -> Keymap? = { try? Keymap.load("less", from: keymaps) }
        let tooLargeToEdit = !launch.pager && replica.count > comfortableScalars
        if tooLargeToEdit, let less = pagerKeymap() {
            editor.enterPager(keymap: less, banner: tooLargeBanner(address.name.rawValue, count: replica.count))
        }
        let placeFile = home.directory(for: address).appendingPathComponent("place")
        if !editor.isPager, let place = EditorPlace.load(from: placeFile) { editor.restore(place) }
        editor.fileList = launch.fileList
        editor.show(([launch.banner(welcome: editor.welcome)] + (await session.notices) + notices).joined(separator: " · "))
        let app = EditorApp(editor: editor, session: session, terminal: terminal, address: address, generation: generation,
                            pagerKeymap: pagerKeymap, placeFile: launch.pager ? nil : placeFile)
        app.defaultServer = DocumentAddress.defaultServer(configured: config.server)
        app.launch = launch
        app.pagedForSize = tooLargeToEdit
        app.usesBackgroundRelay = EmbeddedRelay.isLocal(address)
            && FileManager.default.fileExists(atPath: EmbeddedRelay.pidFile(in: EmbeddedRelay.directory(host: address.host, port: address.port)).path)
        if await !session.hasLocalCopy {
            // A first copy: keys wait for the document rather than act on an empty text.
            app.heldInput = (app.clock.now, [])
        }
        // Say who is here from the first connection on, not only after the first key.
        await session.sendPresence(editor.presence)
        await session.start()
        return await app.loop(events: events, sink: sink)
    }

    /// The terminal, as the user's config asks for it (mouse, clipboard); its terminfo entries
    /// compiled for 24-bit colour are kept in the data directory.
    private static func openTerminal(theme: Theme, home: ClientHome, config: UserConfig) throws(TerminalError) -> Terminal {
        try Terminal(theme: theme, terminfo: home.data.appendingPathComponent("terminfo"),
                     mouse: config.mouse ?? true, clipboard: config.clipboard ?? true)
    }

    /// For a name that is a directory here, and so is taken as a path: how to name the shared
    /// document instead ("" for anything else). `directory`: where a relative name is looked up.
    static func documentHint(_ argument: String, config: UserConfig,
                             directory: String = FileManager.default.currentDirectoryPath) -> String {
        var isDirectory: ObjCBool = false
        let path = (directory as NSString).appendingPathComponent(argument)
        guard !argument.hasPrefix("/"), !argument.hasPrefix("."), FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
              isDirectory.boolValue,
              let address = try? DocumentAddress(parsing: argument, defaultServer: DocumentAddress.defaultServer(configured: config.server))
        else { return "" }
        return "; a name that exists here means the file, so the shared document of that name needs its address: \(address.url)"
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
            return fail("\(error)" + documentHint(launch.document, config: config))
        }
        var random = SystemRandomNumberGenerator()
        var replica = Replica(replicaID: ReplicaID(random.next() | 1))
        if !text.isEmpty, (try? replica.insert(text, at: 0)) == nil { return fail("\(launch.document) is too large to edit") }
        let terminal: Terminal
        do {
            terminal = try openTerminal(theme: theme, home: home, config: config)
        } catch {
            return fail("\(error)")
        }
        var editor = Editor(replica: replica, keymap: keymap, settings: settings,
                            status: StatusInfo(document: launch.document == "-" ? "standard input" : launch.document), width: terminal.textWidths)
        if let file { editor.attach(file) } else { editor.attachStandardInput() }
        editor.resize(width: terminal.width, height: terminal.height)
        editor.alternate = launch.alternate
        if launch.notice == nil, file?.lineEnding == .crlf {
            editor.show("\(launch.document): every line ends in CR LF; they are shown without the CR and written back with it")
        } else {
            editor.show(launch.notice ?? editor.welcome)
        }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let app = EditorApp(editor: editor, session: nil, terminal: terminal, address: nil, generation: 0)
        app.launch = launch
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
