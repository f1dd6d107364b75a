import WeftCRDT

extension Editor {
    /// Handles one key pressed at `now` (seconds on any steady clock; it groups typing for undo).
    public mutating func handle(_ key: Key, now: Double) {
        if vim.recording != nil, vim.macroDepth == 0 { vim.recording!.keys.append(key) }
        process(key, now: now)
    }

    /// Handles a key, typed or replayed (by `.`, a macro, or a counted insert).
    mutating func process(_ key: Key, now: Double) {
        let typesOnly = onlyTypes(key)
        if !typesOnly { followTypedCursor() }
        if prompt == nil { message = nil }
        pendingStart = nil  // the user's keys take over from a start command still waiting
        pendingSearch = nil
        if case .reading(.some) = travelAwaited { travelAwaited = .reading(step: nil) }  // and from a step waiting for sessions
        if helpPage != nil { return handleHelp(key) }
        if prompt != nil {
            handlePrompt(key, now: now)
            if isPager { bringCursorIntoPagerView() } else { ensureCursorVisible() }
            return
        }
        if followingEnd {
            // As in less, a key ends following and does nothing else, except the quit key.
            followingEnd = false
            guard pendingKeys.isEmpty, keymap.match([key], in: mode) == .command(.quit) else {
                show("stopped following the end")
                return
            }
        }
        if usesGrammar {
            handleVim(key, now: now)
            finishKey()
            return
        }
        if let command = pagerMarkPending {
            pagerMarkPending = nil
            pagerMark(command, named: key)
            finishKey()
            return
        }
        if keymap.types(in: mode) { noteTyped(key) }
        if pendingKeys.isEmpty, let digit = countDigit(key) {
            pendingCount = min((pendingCount ?? 0) * 10 + digit, Self.maxCount)
            return
        }
        pendingKeys.append(key)
        let keys = pendingKeys
        switch keymap.match(keys, in: mode) {
        case .prefix:
            return
        case .command(let command):
            pendingKeys = []
            let count = pendingCount
            pendingCount = nil
            run(command, count: count, now: now)
        case .unbound:
            pendingKeys = []
            pendingCount = nil
            if keys.count == 1, key.alt, keymap.isModal, keymap.match([.named(.escape)], in: mode) != .unbound {
                // Esc typed quickly before a key arrives as one Alt key: in a modal keymap, when
                // that Alt key means nothing here, it was Esc then the key (vim users type Esc :
                // fast). In a modeless one it is an Alt key that is not bound, and types nothing.
                var plain = key
                plain.alt = false
                forgetTyped()
                process(.named(.escape), now: now)
                process(plain, now: now)
                return
            }
            if keys.count == 1, let character = key.typedCharacter, keymap.types(in: mode) {
                type(String(character), now: now)
                lastCommand = nil
            } else {
                show("\(keys.keyNames) is not bound in \(keymap.name)'s \(mode) mode\(helpHint)", isError: true)
            }
        }
        finishKey(onlyTyped: typesOnly)
    }

    /// What every key ends with: the view follows the cursor, which stays on a character. After
    /// a key that only typed, in an input slice, it follows once the slice ends (`followTypedCursor`).
    mutating func finishKey(onlyTyped: Bool = false) {
        if mode != "visual" { vim.visualBlock = false }
        if following != nil, lastCommand != .followPeer { following = nil }
        if pendingKeys.isEmpty { settleAwayMarks() }
        if isPager {
            if !followingEnd { bringCursorIntoPagerView() }
        } else {
            clampToCharacter()
            viewPending = onlyTyped
            if !onlyTyped { ensureCursorVisible() }
        }
    }

    /// The keys handled until `endInputSlice` came from the terminal together and are drawn in
    /// one frame: a key that only types (a character, or Enter or Tab where they type, in a
    /// mode that types, with wrapped lines) leaves the view where it is, and the view follows the
    /// cursor once, before the next key that does something else or at the end of the slice.
    /// Keeping the view at every key read every line between the top of the screen and the cursor
    /// each time: a paste arriving as keys went at some 30,000 characters a second.
    public mutating func beginInputSlice() {
        defersView = true
    }

    /// Ends what `beginInputSlice` began: the view follows the cursor.
    public mutating func endInputSlice() {
        defersView = false
        followTypedCursor()
    }

    /// The view follows the cursor after keys that only typed: scrolled so its row is the last
    /// on screen when typing took it below, as it is when the view follows every key (each moves
    /// the cursor one row at most, so the view scrolls, never jumps).
    mutating func followTypedCursor() {
        guard viewPending else { return }
        viewPending = false
        ensureVisible(cursorPosition, scrolling: true)
    }

    /// Whether `key`, now, only types (see `beginInputSlice`).
    private func onlyTypes(_ key: Key) -> Bool {
        guard defersView, settings.wrap, prompt == nil, helpPage == nil, !isPager, pendingKeys.isEmpty, pendingCount == nil,
              following == nil, selectionAnchor == nil, !vim.overwriting, keymap.types(in: mode) else { return false }
        switch keymap.match([key], in: mode) {
        case .unbound: return key.typedCharacter != nil
        case .command(let command): return command == .insertNewline || command == .insertTab
        case .prefix: return false
        }
    }

    /// Handles text pasted in one go (bracketed paste): one edit, one undo step, even in a
    /// mode where keys would be commands.
    /// - Parameter moreFollows: this is a part of a long paste and the next part follows; all
    ///   parts make one undo step.
    public mutating func paste(_ pasted: String, now: Double, moreFollows: Bool = false) {
        followTypedCursor()
        guard helpPage == nil else { return show("close the help (q) to paste") }
        let text = pasted.replacingLineEndings()
        if var prompt {
            prompt.text += text.prefix { $0 != "\n" }
            self.prompt = prompt
            return
        }
        pendingKeys = []
        message = nil
        let range = selection ?? cursorPosition..<cursorPosition
        selectionAnchor = nil
        markActive = false
        if !pasteInParts { undoHistory.beginGroup() }
        replace(range, with: text, kind: .other, now: now)
        pasteInParts = moreFollows
        if !moreFollows { undoHistory.endGroup() }
        ensureCursorVisible()
    }

    /// Keys arrive faster than anyone types (a paste in a terminal without bracketed paste, a
    /// character a key): until `endKeysTogether`, what they do in a modeless keymap undoes as
    /// one step, as the paste would have; else each line would be a step of its own, and a long
    /// paste more steps than undo keeps. In a modal keymap an insert is one step already, and
    /// commands typed ahead stay steps of their own, as in vim.
    public mutating func beginKeysTogether() {
        guard !keymap.isModal, !keysTogether else { return }
        keysTogether = true
        undoHistory.beginGroup()
    }

    /// Keys arrive as typed again: the next edit is a step of its own.
    public mutating func endKeysTogether() {
        guard keysTogether else { return }
        keysTogether = false
        undoHistory.endGroup()
    }

    /// The largest count typed: a line number (`150000G`) of any document fits.
    static let maxCount = 999_999_999
    /// The most times a command runs for a count (`99999` Ctrl-K): more is surely a slip, and
    /// each repeat is a full command.
    static let maxRepeats = 9_999

    /// The digit `key` adds to a count: in a mode that does not type, 1–9 when no command is
    /// bound to them, and 0 once a count has begun (alone, vim's 0 goes to the line start).
    private func countDigit(_ key: Key) -> Int? {
        guard !keymap.types(in: mode), let character = key.typedCharacter, let digit = character.wholeNumberValue,
              character.isASCII, keymap.match([key], in: mode) == .unbound || (digit == 0 && pendingCount != nil)
        else { return nil }
        return digit == 0 && pendingCount == nil ? nil : digit
    }

    /// Runs `command`, `count` times when a count was typed: as one undo step, with the
    /// document ends going to line `count` and a line copy taking `count` lines, as in vim.
    mutating func run(_ command: EditorCommand, count: Int?, now: Double) {
        guard let count, count > 1 || [.documentStart, .documentEnd, .gotoPercent, .firstFile].contains(command) else {
            run(command, now: now)
            lastCommand = command
            return
        }
        switch command {
        case .gotoPercent:
            goToPercent(count)
        case .nextFile, .previousFile, .firstFile:
            if isPager { switchFile(command, count: count) } else { run(command, now: now) }
        case .documentStart, .documentEnd:
            goToLine(String(count))
        case .copyLine:
            copyLines(count)
        default:
            undoHistory.beginGroup()
            for _ in 0..<min(count, Self.maxRepeats) {
                run(command, now: now)
                lastCommand = command
                if wantsQuit || prompt != nil || message?.isError == true { break }
            }
            undoHistory.endGroup()
        }
        lastCommand = command
    }

    mutating func run(_ command: EditorCommand, now: Double) {
        if command == .toggleAuthors { return toggleAuthors() }
        if isPager, runPager(command) { return }
        switch command {
        case .deleteBackward, .deleteForward: break
        default: undoHistory.close()
        }
        if command.isMotion {
            if undoHistory.insertOpen {
                // As in vim, moving the cursor during an insert starts a new undo step.
                undoHistory.endInsert()
                undoHistory.beginInsert()
            }
            perform(motion: command, extending: false)
            return
        }
        switch command {
        case .selectLeft: perform(motion: .cursorLeft, extending: true)
        case .selectRight: perform(motion: .cursorRight, extending: true)
        case .selectUp: perform(motion: .cursorUp, extending: true)
        case .selectDown: perform(motion: .cursorDown, extending: true)
        case .selectLineStart: perform(motion: .lineStart, extending: true)
        case .selectLineEnd: perform(motion: .lineEnd, extending: true)
        case .selectAll:
            selectionAnchor = .start
            markActive = true
            moveCursor(to: replica.count)
            markActive = false
        case .toggleMark:
            if markActive {
                markActive = false
                selectionAnchor = nil
                show("mark cleared")
            } else {
                markActive = true
                selectionAnchor = replica.anchor(at: cursorPosition, stickToPrevious: false)
                show("mark set")
            }
        case .cancel:
            selectionAnchor = nil
            markActive = false
            following = nil
            message = nil
        case .insertNewline, .insertTab, .deleteBackward, .deleteForward, .deleteWordBackward, .deleteWordForward,
             .deleteToLineEnd, .cutLine, .copyLine, .cutSelection, .copySelection, .paste, .pasteAfter, .pasteBefore:
            perform(edit: command, now: now)
        case .undo: undo(redoing: false, now: now)
        case .redo: undo(redoing: true, now: now)
        case .find: open(.find(forward: true))
        case .findBackward: open(.find(forward: false))
        case .findNext: repeatSearch(reversed: false)
        case .findPrevious: repeatSearch(reversed: true)
        case .gotoLine: open(.gotoLine)
        case .commandLine: open(.command)
        case .normalMode:
            let leavingTyping = keymap.types(in: mode)
            if leavingTyping { endVimInsert(now: now) }
            undoHistory.endInsert()
            vim.visualLinewise = false
            vim.overwriting = false
            mode = normalModeName
            selectionAnchor = nil
            markActive = false
            if leavingTyping, keymap.blockCursorModes.contains(mode) {
                let position = cursorPosition
                if position > replica.lineStart(replica.line(containing: position)) { moveCursor(to: previousBoundary(before: position)) }
            }
        case .insertMode: enterTyping()
        case .append:
            let position = cursorPosition
            if position < replica.lineRange(replica.line(containing: position)).upperBound { moveCursor(to: nextBoundary(after: position)) }
            enterTyping()
        case .insertLineStart:
            moveCursor(to: firstNonBlank(ofLine: replica.line(containing: cursorPosition)))
            enterTyping()
        case .appendLineEnd:
            moveCursor(to: replica.lineRange(replica.line(containing: cursorPosition)).upperBound)
            enterTyping()
        case .openLineBelow:
            guard canEdit() else { return }
            enterTyping()
            let end = replica.lineRange(replica.line(containing: cursorPosition)).upperBound
            replace(end..<end, with: "\n", kind: .other, now: now)
        case .openLineAbove:
            guard canEdit() else { return }
            enterTyping()
            let start = replica.lineStart(replica.line(containing: cursorPosition))
            replace(start..<start, with: "\n", kind: .other, now: now)
            moveCursor(to: start)
        case .visualMode:
            if mode == "visual" {
                mode = normalModeName
                selectionAnchor = nil
                markActive = false
            } else if keymap.modes.contains("visual") {
                mode = "visual"
                selectionAnchor = replica.anchor(at: cursorPosition, stickToPrevious: false)
                markActive = true
            } else {
                run(.toggleMark, now: now)
            }
        case .toggleWrap:
            settings.wrap.toggle()
            leftColumn = 0
            topRow = 0
            show(settings.wrap ? "long lines wrap" : "long lines are cut off (they scroll sideways)")
        case .followPeer: followNextPeer()
        case .nextChange: jumpToNextAwayChange()
        case .save:
            if localFile == nil, editsStandardInput {
                // Nowhere to write yet: the file name is asked for, as nano asks.
                open(.command)
                prompt?.text = "w "
                show("write the text to which file? type its name, Enter writes it, Esc cancels")
            } else if localFile != nil {
                writeFile(to: nil, force: false)
            } else {
                show(savedMessage)
            }
        case .quit where isModified && lastCommand != .quit:
            // A file's changes live only here until written: the first quit key warns.
            let keymap = self.keymap
            let saveKeys = keymap.modes.compactMap { keymap.keys(for: .save, in: $0) }.first
            let save = localFile == nil ? saveKeys.map { " (\($0.keyNames) asks where to write them)" } ?? " (:w FILE writes them)"
                                        : saveKeys.map { " (\($0.keyNames) writes them)" } ?? " (:w writes them)"
            show("\(unwrittenTextName) has changes not written\(save); quit again to leave without them", isError: true)
        case .quit, .forceQuit: wantsQuit = true
        case .help: openHelp()
        case .suspend: terminalRequests.append(.suspend)
        case .redraw: terminalRequests.append(.redraw)
        default: break
        }
    }

    /// The mode typing commands switch to: the first that types, else the current one. Leaving
    /// a mode that does not type opens an insert: what is typed until it ends undoes as one step.
    mutating func enterTyping() {
        if !keymap.types(in: mode) { undoHistory.beginInsert() }
        if let typing = keymap.modes.first(where: { keymap.types(in: $0) }) { mode = typing }
        selectionAnchor = nil
        markActive = false
    }

    /// The mode `normal-mode` returns to: the first mode that does not type, else the first.
    var normalModeName: String { keymap.modes.first { !keymap.types(in: $0) } ?? keymap.modes[0] }

    var helpHint: String {
        keymap.modes.lazy.compactMap { keymap.keys(for: .help, in: $0) }.first.map { " (\($0.keyNames) for help)" } ?? ""
    }
}

extension String {
    /// Line feeds for CR LF and lone CR (terminals paste with CR).
    func replacingLineEndings() -> String {
        var result = String.UnicodeScalarView()
        var previousWasReturn = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                result.append("\n")
                previousWasReturn = true
                continue
            }
            if scalar == "\n", previousWasReturn { previousWasReturn = false; continue }
            previousWasReturn = false
            result.append(scalar)
        }
        return String(result)
    }
}
