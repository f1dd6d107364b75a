import WeftCRDT

extension Editor {
    /// Whether keys in this mode go through vim's grammar: a keymap that binds operators, in a
    /// mode that does not type (vim's normal and visual modes).
    var usesGrammar: Bool {
        !isPager && !keymap.types(in: mode) && keymap.bindings.values.contains { $0.values.contains { $0.isVimOperator } }
    }

    /// The keymap mode whose bindings come first while an operator waits for its motion.
    static let operatorPendingMode = "operator-pending"

    /// One key in a grammar mode: a count digit, a key of a binding, or the character a command
    /// waits for; when the command is complete, it runs.
    mutating func handleVim(_ key: Key, now: Double) {
        vim.grammar.visual = mode == "visual"
        if mode == "visual", let start = selectionAnchor {
            // What is selected before this key, which may end visual mode: `gv` selects it again.
            vim.lastVisual = (start, replica.anchor(at: cursorPosition, stickToPrevious: false), vim.visualLinewise, vim.visualBlock)
        }
        vim.keys.append(key)
        let input: VimGrammar.Input
        if vim.grammar.wantsCharacter {
            guard let character = argumentCharacter(key) else {
                vim.grammar.reset()
                vim.keys = []
                if key != .named(.escape) { show("\(key) is not a character: the command was dropped", isError: true) }
                return
            }
            input = .character(character)
        } else if pendingKeys.isEmpty, let digit = vimCountDigit(key) {
            input = .digit(digit)
        } else if pendingKeys.isEmpty, let pending = vim.grammar.pendingOperator, vim.grammar.operatorKeys.count > 1,
                  key == vim.grammar.operatorKeys.last {
            // `gUU`: the last key of a two-key operator, whatever it is bound to alone.
            input = .command(pending, keys: [key])
        } else {
            pendingKeys.append(key)
            let keys = pendingKeys
            switch vimMatch(keys) {
            case .prefix:
                return
            case .command(let command):
                pendingKeys = []
                if command == .cancel, !vim.grammar.isIdle {
                    vim.grammar.reset()
                    vim.keys = []
                    return
                }
                if command == .recordMacro, vim.grammar.isIdle, vim.recording != nil {
                    stopRecording()
                    vim.keys = []
                    return
                }
                input = .command(command, keys: keys)
            case .unbound:
                pendingKeys = []
                let wasIdle = vim.grammar.isIdle
                vim.grammar.reset()
                vim.keys = []
                if keys.count == 1, key.alt, wasIdle, keymap.match([.named(.escape)], in: mode) != .unbound {
                    // Esc typed quickly before a key arrives as one Alt key (see `process`).
                    var plain = key
                    plain.alt = false
                    process(.named(.escape), now: now)
                    process(plain, now: now)
                    return
                }
                show("\(keys.keyNames) is not bound in \(keymap.name)'s \(mode) mode\(helpHint)", isError: true)
                return
            }
        }
        switch vim.grammar.feed(input) {
        case .pending:
            return
        case .invalid(let reason):
            vim.keys = []
            show(reason, isError: true)
        case .action(let action):
            let keys = vim.keys
            vim.keys = []
            // A change whose motion failed is dropped, and `.` keeps the one before it.
            if perform(action, now: now), action.isChange, !vim.replayingChange { remember(change: keys, count: action.count) }
        }
    }

    /// The character a key gives a command that waits for one: what it types; Enter and Tab too.
    private func argumentCharacter(_ key: Key) -> Character? {
        if let character = key.typedCharacter { return character }
        if key == .named(.enter) { return "\n" }
        if key == .named(.tab) { return "\t" }
        return nil
    }

    /// The digit `key` adds to a count: 1–9 when not bound, 0 once a count has begun.
    private func vimCountDigit(_ key: Key) -> Int? {
        guard let character = key.typedCharacter, character.isASCII, let digit = character.wholeNumberValue,
              vimMatch([key]) == .unbound || (digit == 0 && vim.grammar.countStarted)
        else { return nil }
        return digit == 0 && !vim.grammar.countStarted ? nil : digit
    }

    /// What keys mean now: while an operator waits, the keymap's operator-pending bindings
    /// (`i`, `a` for text objects) come before the mode's own.
    private func vimMatch(_ keys: [Key]) -> Keymap.Match {
        if vim.grammar.pendingOperator != nil, keymap.modes.contains(Self.operatorPendingMode) {
            let pending = keymap.match(keys, in: Self.operatorPendingMode)
            if pending != .unbound { return pending }
        }
        return keymap.match(keys, in: mode)
    }

    // MARK: Repeating

    /// Keeps `keys` as the last change for `.`; one that opened an insert is kept when the insert ends.
    private mutating func remember(change keys: [Key], count: Int?) {
        var keys = keys
        while let first = keys.first?.typedCharacter, first.isASCII, first.isNumber { keys.removeFirst() }
        if keymap.types(in: mode) {
            vim.changeBeingTyped = (keys, count)
        } else {
            vim.lastChange = (keys, count)
        }
    }

    /// Records a key typed in a typing mode, for `.` and for a counted insert.
    mutating func noteTyped(_ key: Key) {
        if !vim.replayingChange, vim.changeBeingTyped != nil { vim.changeBeingTyped!.keys.append(key) }
        if vim.insertRepeat != nil { vim.insertRepeat!.keys.append(key) }
    }

    /// Takes back the last key `noteTyped` recorded (an Alt key that turned out to be Esc and a key).
    mutating func forgetTyped() {
        if !vim.replayingChange, vim.changeBeingTyped != nil { _ = vim.changeBeingTyped!.keys.popLast() }
        if vim.insertRepeat != nil { _ = vim.insertRepeat!.keys.popLast() }
    }

    /// An insert ends: a counted one types its text again (`3ia<Esc>` is `aaa`), and a change
    /// that opened it becomes the one `.` repeats.
    mutating func endVimInsert(now: Double) {
        if let block = vim.blockInsert {
            vim.blockInsert = nil
            finishBlockInsert(block, now: now)
        }
        if let repeating = vim.insertRepeat {
            vim.insertRepeat = nil
            var keys = repeating.keys
            _ = keys.popLast()  // the key that ends the insert
            if repeating.openingLines { keys.insert(.named(.enter), at: 0) }
            // The copies are not typed keys: `.` keeps only the first.
            let typing = vim.changeBeingTyped
            vim.changeBeingTyped = nil
            for _ in 0..<repeating.times {
                for key in keys { process(key, now: now) }
            }
            vim.changeBeingTyped = typing
        }
        if let change = vim.changeBeingTyped, !vim.replayingChange {
            vim.lastChange = change
        }
        vim.changeBeingTyped = nil
    }

    /// `.`: the last change again, with `count` in place of its own when one is given.
    mutating func repeatChange(count: Int?, now: Double) {
        guard let change = vim.lastChange else { return show("no change to repeat yet", isError: true) }
        guard !vim.replayingChange else { return }
        let digits = (count ?? change.count).map { String($0).map { Key.character($0) } } ?? []
        vim.replayingChange = true
        undoHistory.beginGroup()
        for key in digits + change.keys { process(key, now: now) }
        if keymap.types(in: mode) { process(.named(.escape), now: now) }
        undoHistory.endGroup()
        vim.replayingChange = false
    }

    // MARK: Macros

    mutating func startRecording(_ register: Character) {
        guard register.isASCII, register.isLetter || register.isNumber else {
            return show("q\(register): macros go in registers a–z", isError: true)
        }
        vim.recording = (register, [])
        show("recording @\(register)")
    }

    private mutating func stopRecording() {
        guard var recording = vim.recording else { return }
        _ = recording.keys.popLast()  // the q that stopped it
        vim.macros[Character(recording.register.lowercased())] = recording.keys
        vim.recording = nil
        show("recorded @\(recording.register): \(recording.keys.count) keys")
    }

    /// `@a`: plays the keys recorded in `a` (`@@`: the last played), `count` times.
    mutating func playMacro(_ register: Character, count: Int, now: Double) {
        let name = register == "@" ? vim.lastMacro : Character(register.lowercased())
        guard let name, let keys = vim.macros[name] else {
            return show("@\(register): nothing recorded there (q\(register == "@" ? "a" : String(register)) records)", isError: true)
        }
        guard vim.macroDepth < VimState.maxMacroDepth else { return show("macros call each other too deeply: stopped", isError: true) }
        vim.lastMacro = name
        vim.macroDepth += 1
        defer { vim.macroDepth -= 1 }
        for _ in 0..<count {
            for key in keys {
                process(key, now: now)
                if message?.isError == true || wantsQuit { return }
            }
        }
    }
}

extension VimAction {
    /// Whether `.` repeats this: it changes the text (a yank, a motion, a visual operator do not).
    var isChange: Bool {
        switch kind {
        case .move: return false
        case .operate(let command, let target): return command != .operatorYank && target != .selection
        case .command(let command, _):
            switch command {
            case .deleteForward, .deleteBackward, .deleteToLineEnd, .deleteWordForward, .cutLine, .paste, .pasteAfter, .pasteBefore,
                 .replaceChar, .joinLines, .toggleCase, .substituteChar, .substituteLine, .changeToLineEnd,
                 .insertMode, .append, .insertLineStart, .appendLineEnd, .openLineBelow, .openLineAbove, .replaceMode:
                return true
            default:
                return false
            }
        }
    }
}
