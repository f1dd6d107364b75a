import Foundation

/// A question on the message line: a search, a line number, or a `:` command.
struct Prompt: Sendable {
    enum Kind: Sendable, Equatable {
        case find(forward: Bool)
        case gotoLine
        case command
        case filter
    }

    var kind: Kind
    var text = ""
    /// Searches are regular expressions (the pager's, as less), with this case rule.
    var regex = false
    var caseRule = SearchCase.smart
    var vimSyntax = false
    /// less's Ctrl-R: the pattern is plain text, not a regular expression.
    var literal = false
    /// less's Ctrl-K: matches are highlighted, the view stays where it is.
    var keep = false
    /// Where the cursor was, to go back to when an incremental search is cancelled or finds nothing.
    var origin: Int
    /// What the screen showed then, to go back to as well (the matches typed so far may have scrolled).
    var originView: ViewPosition

    var label: String {
        // As less shows its modifiers, before the prompt.
        let modifiers = (keep ? "Keep-pos " : "") + (literal ? "Regex-off " : "")
        switch kind {
        case .find(let forward): return modifiers + (forward ? "/" : "?")
        case .gotoLine: return "go to line: "
        case .command: return ":"
        case .filter: return modifiers + "&"
        }
    }

    /// Whether less's search modifiers (Ctrl-N, Ctrl-R, Ctrl-K) apply: the pager's searches and filter.
    var takesModifiers: Bool {
        guard regex, !vimSyntax else { return false }
        if case .find = kind { return true }
        return kind == .filter
    }

    /// The text as a pattern: with Ctrl-R, each character stands for itself (a leading `!`
    /// still finds the lines without it).
    var pattern: String {
        guard literal else { return text }
        let negated = text.hasPrefix("!")
        return (negated ? "!" : "") + NSRegularExpression.escapedPattern(for: String(text.dropFirst(negated ? 1 : 0)))
    }

    var searchQuery: SearchQuery? {
        guard case .find(let forward) = kind, !text.isEmpty else { return nil }
        return SearchQuery(pattern: pattern, forward: forward, regex: regex, caseRule: caseRule, vimSyntax: vimSyntax)
    }
}

extension Editor {
    mutating func open(_ kind: Prompt.Kind) {
        // As less: a backward search starts at the bottom of the screen.
        let origin = isPager && kind == .find(forward: false) ? replica.lineRange(bottomLine).upperBound : cursorPosition
        // Vim's `/` takes vim's regular expressions; the pager's, less's; other keymaps find plain text.
        let vimSearch = !isPager && keymap.bindings.values.contains { $0.values.contains { $0.isVimOperator } }
        prompt = Prompt(kind: kind, regex: isPager || vimSearch, caseRule: settings.searchCase, vimSyntax: vimSearch, origin: origin, originView: viewPosition)
    }

    /// Puts the cursor and the view back where they were when `prompt` opened.
    private mutating func returnToOrigin(of prompt: Prompt) {
        moveCursor(to: prompt.origin)
        viewPosition = prompt.originView
    }

    mutating func handlePrompt(_ key: Key, now: Double) {
        guard var prompt else { return }
        if let character = key.typedCharacter {
            prompt.text.append(character)
        } else if key == .named(.backspace) {
            if prompt.text.isEmpty { return cancelPrompt() }
            prompt.text.removeLast()
        } else if key == .ctrl("u") {
            prompt.text = ""
        } else if key == .ctrl("w") || key == Key(.named(.backspace), alt: true) {
            // The word before the end, and the spaces after it (vim's and readline's Ctrl-W).
            while prompt.text.last == " " { prompt.text.removeLast() }
            let isWord = { (character: Character) in character.isLetter || character.isNumber || character == "_" }
            if let last = prompt.text.last {
                let kind = isWord(last)
                while let character = prompt.text.last, character != " ", isWord(character) == kind { prompt.text.removeLast() }
            }
        } else if prompt.takesModifiers, key == .ctrl("n") {
            // less's Ctrl-N: the lines that do not match, as `!` first.
            prompt.text = prompt.text.hasPrefix("!") ? String(prompt.text.dropFirst()) : "!" + prompt.text
        } else if prompt.takesModifiers, key == .ctrl("r") {
            prompt.literal.toggle()
        } else if prompt.takesModifiers, key == .ctrl("k"), case .find = prompt.kind {
            prompt.keep.toggle()
        } else if key == .named(.enter) {
            self.prompt = nil
            return accept(prompt, now: now)
        } else if key == .named(.escape) || key == .ctrl("g") || key == .ctrl("c") {
            return cancelPrompt()
        } else if key.alt {
            // Esc typed quickly before a key arrives as one Alt key (tmux waits for the key after
            // an Esc, then sends both): the prompt takes no Alt key, so it closes, and the key
            // runs as it would have without the prompt: in a modal keymap an Alt key bound to
            // nothing is Esc then the key, in a modeless one it runs or says it is not bound.
            cancelPrompt()
            var plain = key
            plain.alt = false
            return process(keymap.isModal && keymap.match([key], in: mode) == .unbound ? plain : key, now: now)
        } else {
            return
        }
        self.prompt = prompt
        if prompt.keep {
            returnToOrigin(of: prompt)
        } else if let query = prompt.searchQuery {
            // Incremental: jump to the first match from where the search began.
            if let (range, _) = find(query, from: searchStart(of: prompt, forward: query.forward)) {
                moveCursor(to: range.lowerBound)
                message = nil
            } else {
                returnToOrigin(of: prompt)
                show("not found: \(query.pattern)", isError: true)
            }
        } else if case .find = prompt.kind {
            returnToOrigin(of: prompt)
        }
    }

    /// Where a search typed at the prompt starts: at the cursor, or (vim's `/`) just after it.
    private func searchStart(of prompt: Prompt, forward: Bool) -> Int {
        forward ? prompt.origin + (prompt.vimSyntax ? 1 : 0) : prompt.origin - 1
    }

    mutating func cancelPrompt() {
        if let prompt, case .find = prompt.kind { returnToOrigin(of: prompt) }
        prompt = nil
        message = nil
    }

    private mutating func accept(_ prompt: Prompt, now: Double) {
        switch prompt.kind {
        case .find:
            guard let query = prompt.searchQuery else {
                // An empty search repeats the last one, as in vim and less.
                if lastSearch != nil { repeatSearch(reversed: false) }
                return
            }
            lastSearch = query
            if query.regex, query.linePattern == nil { return show("not a valid regular expression: \(query.pattern)", isError: true) }
            if prompt.keep {
                // Matches are highlighted where they are; n and N move from here.
                return returnToOrigin(of: prompt)
            }
            let start = searchStart(of: prompt, forward: query.forward)
            let found = find(query, from: start)
            if query.forward, awaitsMoreText(found) {
                // The next match may be in what has not been read yet.
                returnToOrigin(of: prompt)
                awaitMatch(query, from: start)
            } else if let (range, _) = found {
                // The view moves from where it was before the search, as in vim: how far the
                // match is decides whether it scrolls or comes to the middle.
                if isPager { putAtTop(range.lowerBound) } else { viewPosition = prompt.originView }
            } else {
                returnToOrigin(of: prompt)
                show("not found: \(query.pattern)", isError: true)
            }
            clampToCharacter()
        case .gotoLine:
            goToLine(prompt.text)
        case .command:
            run(command: prompt.text.trimmingCharacters(in: .whitespaces), now: now)
        case .filter:
            setFilter(prompt.pattern)
        }
    }

    mutating func goToLine(_ text: String) {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), number > 0 else {
            show("\"\(text)\" is not a line number", isError: true)
            return
        }
        let lines = replica.lastLine + 1
        if number > lines, textStillComing {
            pendingStart = .line(number)
            return show(Self.waitingFor("line \(number)"))
        }
        moveCursor(to: firstNonBlank(ofLine: min(number, lines) - 1))
        if number > lines { show("the document has \(lines) lines") }
    }

    /// Vim-style `:` commands.
    mutating func run(command: String, now: Double) {
        if runFileCommand(command) != nil { return }
        switch command {
        case "":
            return
        case "q", "q!", "quit", "qa", "qa!", "wq", "wq!", "x", "x!", "wqa", "xa":
            wantsQuit = true
        case "w", "write", "up", "update":
            show(savedMessage)
        case "set nu", "set number":
            settings.lineNumbers = true
        case "set nonu", "set nonumber":
            settings.lineNumbers = false
        case "$":
            goToLine(String(replica.lastLine + 1))
        case "set wrap":
            settings.wrap = true
        case "set nowrap":
            settings.wrap = false
        case "noh", "nohlsearch":
            lastSearch = nil
        case "follow":
            followNextPeer()
        case "help", "h":
            openHelp()
        case "suspend", "sus", "stop", "st":
            terminalRequests.append(.suspend)
        case "redraw", "redr":
            terminalRequests.append(.redraw)
        default:
            if command.hasPrefix("set ts=") || command.hasPrefix("set tabstop="), let value = Int(command.split(separator: "=").last ?? ""), (1...32).contains(value) {
                settings.tabWidth = value
            } else if Int(command) != nil {
                goToLine(command)
            } else if let lineCommand = Self.lineCommand(command) {
                switch lineCommand {
                case .success(let lineCommand): run(lineCommand, now: now)
                case .failure(let error): show(error.message, isError: true)
                }
            } else if let substitution = parseSubstitution(command) {
                substitute(substitution, now: now)
            } else if message?.isError != true {
                show("not an editor command: \(command) (try :q, :w, :NUMBER, :s/a/b/g, :set nu, :set wrap, :follow, :help)", isError: true)
            }
        }
    }

    /// The `:g` or `:normal` command `command` is, or why it is written wrong; nil for another command.
    private static func lineCommand(_ command: String) -> Result<LineCommand, SubstitutionError>? {
        do {
            return try LineCommand(parsing: command).map { .success($0) }
        } catch {
            return .failure(error)
        }
    }

    /// The `:s` command `command` is, if it is one; a mistake in it is shown.
    private mutating func parseSubstitution(_ command: String) -> Substitution? {
        do {
            return try Substitution(parsing: command)
        } catch {
            show(error.message, isError: true)
            return nil
        }
    }

    var savedMessage: String {
        status.unsent == 0
            ? "nothing to save: Weft saves every edit as you type"
            : "nothing to save: every edit is on disk as you type (\(status.unsent) still to reach the relay)"
    }
}
