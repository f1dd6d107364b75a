/// Start commands and the end of local text: the pager as less opens a file or a pipe.
extension Editor {
    /// The pager's last search, to carry to the next text paged (`:n`, `:p`); nil when there is
    /// none or it is one less would not carry (vim's syntax, a whole-word search).
    public var searchToCarry: PagerSearch? {
        guard isPager, let query = lastSearch, query.regex, !query.vimSyntax, !query.wholeWord else { return nil }
        return PagerSearch(pattern: query.pattern, forward: query.forward)
    }

    /// Takes the search of the text paged before, as less: `n` repeats it, its matches are
    /// marked, nothing moves.
    public mutating func carrySearch(_ search: PagerSearch) {
        let query = SearchQuery(pattern: search.pattern, forward: search.forward, regex: true, caseRule: settings.searchCase)
        if query.linePattern != nil { lastSearch = query }
    }

    /// Runs `start` now, and again as text arrives until it is done (a pipe's end or match may
    /// come later); the first key the user presses ends that.
    public mutating func begin(with start: PagerStart) {
        pendingStart = start
        applyPendingStart()
    }

    /// Whether the text came from a file or a pipe (not a live document).
    public var isLocalText: Bool { localTextState != nil }

    /// Local text (a file or a pipe) begins: until `endText` it is growing. With `colours`
    /// (less's `-R`), ANSI colour sequences in it show as colours rather than as `^[`.
    public mutating func beginLocalText(colours: Bool = false) {
        localTextState = .reading
        if colours { ansi = AnsiColours() }
    }

    /// The file or pipe has been read to its end (`problem` says why not, if it failed).
    public mutating func endText(problem: String?) {
        localTextState = .complete
        status.connection = problem == nil ? "all read" : "read failed"
        if let problem { show(problem, isError: true) }
        applyPendingStart()
        if pendingStart == .end { pendingStart = nil }
    }

    /// Tries the waiting start command, and a search still waiting for text, against the text
    /// there is now.
    mutating func applyPendingStart() {
        guard isPager else { return }
        if pendingSearch != nil { applyPendingSearch() }
        guard let start = pendingStart else { return }
        switch start {
        case .follow:
            pendingStart = nil
            followEnd()
        case .end:
            showEnd()
        case .line(let number):
            guard number <= pagedLineCount || localTextState == .complete else { return }
            pendingStart = nil
            clearWaitingMessage()
            setTop(line: min(number, pagedLineCount) - 1, row: 0)
            settleView()
            moveCursor(to: replica.lineStart(topLine))
        case .percent(let percent):
            // A share of a text still growing would move as it grows: it waits for the end.
            guard localTextState != .reading else { return }
            pendingStart = nil
            clearWaitingMessage()
            goToPercent(percent)
        case .search(let pattern, let forward):
            let query = SearchQuery(pattern: pattern, forward: forward, regex: true, caseRule: settings.searchCase)
            guard query.linePattern != nil else {
                pendingStart = nil
                return show("not a valid regular expression: \(pattern)", isError: true)
            }
            lastSearch = query
            if forward {
                // Searched as the text comes, each piece once.
                pendingStart = nil
                pendingSearch = PendingSearch(query: query, from: 0, origin: 0)
                return applyPendingSearch()
            }
            // The last match is known only once all is read, as less's +?pattern waits for the end.
            guard localTextState != .reading else { return }
            pendingStart = nil
            if let (range, _) = find(query, from: replica.count) {
                moveCursor(to: range.lowerBound)
                putAtTop(range.lowerBound)
            } else {
                show("not found: \(pattern)", isError: true)
            }
        }
    }
}

/// Keys that depend on where the text ends, pressed while a file or a pipe is still being read,
/// wait for it as less does: G stays at the end until all is read, a line or a percentage beyond
/// what is read goes there once it is, and a forward search goes on through the text as it comes.
extension Editor {
    /// Whether the pager wants more of a pipe now: as less, it reads ahead of the screen only so
    /// far, unless something waits for what comes later (G, F, a search, a line or percentage).
    public var wantsMoreText: Bool {
        guard localTextState == .reading, isPager else { return true }
        if pendingStart != nil || pendingSearch != nil || followingEnd { return true }
        let shownEnd = replica.lineStart(min(bottomLine + 1, replica.lastLine))
        return replica.count - shownEnd < Self.readAhead
    }

    /// How far past the bottom of the screen a pipe is read, in characters.
    static let readAhead = 4 << 20

    /// Whether a key about the end of the text should wait for it.
    var textStillComing: Bool { isPager && localTextState == .reading }

    /// What the message line says while a key waits for text: `place` is where it goes.
    static func waitingFor(_ place: String) -> String { "going to \(place) once the text is read that far\(waitingEnd)" }

    /// How every message about waiting for text ends.
    private static let waitingEnd = " (any key stops)"

    /// The waiting is over: its message goes.
    mutating func clearWaitingMessage() {
        if message?.text.hasSuffix(Self.waitingEnd) == true { message = nil }
    }

    /// Whether a forward search that found `found` (or nothing) waits for more text instead: the
    /// next match may be in what is not read yet, and one in the last line read may not be one
    /// once that line has grown (`c$`).
    func awaitsMoreText(_ found: (range: Range<Int>, wrapped: Bool)?) -> Bool {
        guard textStillComing else { return false }
        guard let found, !found.wrapped else { return true }
        return found.range.lowerBound >= replica.lineStart(replica.lastLine)
    }

    /// Waits for a match of `query` after `position` in the text still to come.
    mutating func awaitMatch(_ query: SearchQuery, from position: Int) {
        pendingSearch = PendingSearch(query: query, from: position, origin: position)
        show("searching the text as it is read: \(query.pattern)\(Self.waitingEnd)")
    }

    /// Moves to the waiting search's match once there is one after where it started, or (all
    /// read) one found by wrapping around, or says it is not found. Each piece of text is
    /// searched once: the search goes on from the last line it looked at, which may still grow.
    mutating func applyPendingSearch() {
        guard let search = pendingSearch else { return }
        let reading = localTextState == .reading
        // While the text is read its last line may still grow: a match there (of `c$`, say) may
        // not be one once it has.
        let complete = reading ? replica.lineStart(replica.lastLine) : replica.count + 1
        if let range = findAhead(search.query, from: search.from), range.lowerBound < complete {
            pendingSearch = nil
            moveCursor(to: range.lowerBound)
            putAtTop(range.lowerBound)
            clearWaitingMessage()
            return
        }
        guard !reading else {
            pendingSearch?.from = max(search.from, replica.lineStart(replica.lastLine))
            return
        }
        pendingSearch = nil
        if search.origin > 0, let (range, _) = find(search.query, from: search.origin) {
            moveCursor(to: range.lowerBound)
            putAtTop(range.lowerBound)
            show("search hit the end, continuing at the top")
        } else {
            show("not found: \(search.query.pattern)", isError: true)
        }
    }

    /// The first match of forward `query` starting at `position` or after, without wrapping
    /// around, found in the text from `position`'s line on only (a text being read is searched a
    /// piece at a time, so the whole of it is never gone over again).
    func findAhead(_ query: SearchQuery, from position: Int) -> Range<Int>? {
        let position = min(max(0, position), replica.count)
        let start = replica.lineStart(replica.line(containing: position))
        let tail = replica.text(in: start..<replica.count)
        let offset = position - start
        guard query.regex else { return Self.plainMatch(of: query.folded, caseSensitive: query.caseSensitive, in: tail, from: offset).map { start + $0.lowerBound..<start + $0.upperBound } }
        guard let pattern = query.linePattern else { return nil }
        if !pattern.negated, let literal = LinePattern.literal(query.pattern) {
            let needle = literal.unicodeScalars.map { SearchIndex.fold($0, caseSensitive: query.caseSensitive) }
            return Self.plainMatch(of: needle, caseSensitive: query.caseSensitive, in: tail, from: offset).map { start + $0.lowerBound..<start + $0.upperBound }
        }
        if !pattern.negated {
            switch pattern.firstMatch(inWhole: tail, from: offset, startingBefore: tail.unicodeScalars.count) {
            case .found(let range): return start + range.lowerBound..<start + range.upperBound
            case .none: return nil
            case .undecided: break
            }
        }
        // Line by line: a `!` pattern, or a match the whole-text pass cannot place.
        var lineStart = 0
        for line in tail.linesByLineFeed() {
            let text = String(line)
            let length = text.unicodeScalars.count
            defer { lineStart += length + 1 }
            if pattern.negated {
                if lineStart >= offset, start + lineStart < replica.count || lineStart == 0, pattern.selects(text) { return start + lineStart..<start + lineStart }
                continue
            }
            if let match = pattern.matches(in: text).first(where: { lineStart + $0.lowerBound >= offset }) {
                return start + lineStart + match.lowerBound..<start + lineStart + match.upperBound
            }
        }
        return nil
    }

    /// The first occurrence of `needle` (folded) in `text` at scalar `from` or after.
    private static func plainMatch(of needle: [UInt32], caseSensitive: Bool, in text: String, from: Int) -> Range<Int>? {
        let haystack = text.unicodeScalars.map { SearchIndex.fold($0, caseSensitive: caseSensitive) }
        return SearchIndex.firstMatch(of: needle, in: haystack, from: from, forward: true).map { $0..<$0 + needle.count }
    }
}

/// A forward search waiting for text to arrive.
struct PendingSearch: Sendable {
    var query: SearchQuery
    /// Where the search goes on from: the start of the last line it looked at.
    var from: Int
    /// Where it began, for wrapping around once all is read.
    var origin: Int
}

/// Where the reading of a file or a pipe is.
enum LocalTextState: Sendable, Equatable {
    case reading
    case complete
}
