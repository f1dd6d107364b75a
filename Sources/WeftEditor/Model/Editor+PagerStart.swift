/// Start commands and the end of local text: the pager as less opens a file or a pipe.
extension Editor {
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
            setTop(line: min(number, pagedLineCount) - 1, row: 0)
            settleView()
            moveCursor(to: replica.lineStart(topLine))
        case .percent(let percent):
            // A share of a text still growing would move as it grows: it waits for the end.
            guard localTextState != .reading else { return }
            pendingStart = nil
            goToPercent(percent)
        case .search(let pattern, let forward):
            let query = SearchQuery(pattern: pattern, forward: forward, regex: true, caseRule: settings.searchCase)
            guard query.linePattern != nil else {
                pendingStart = nil
                return show("not a valid regular expression: \(pattern)", isError: true)
            }
            lastSearch = query
            if let (range, _) = find(query, from: forward ? 0 : replica.count) {
                pendingStart = nil
                moveCursor(to: range.lowerBound)
                putAtTop(range.lowerBound)
            } else if localTextState != .reading {
                pendingStart = nil
                show("not found: \(pattern)", isError: true)
            }
        }
    }
}

/// Keys that depend on where the text ends, pressed while a file or a pipe is still being read,
/// wait for it as less does: G stays at the end until all is read, a line or a percentage beyond
/// what is read goes there once it is, and a forward search goes on through the text as it comes.
extension Editor {
    /// Whether a key about the end of the text should wait for it.
    var textStillComing: Bool { isPager && localTextState == .reading }

    /// Waits for a match of `query` after `position` in the text still to come.
    mutating func awaitMatch(_ query: SearchQuery, from position: Int) {
        pendingSearch = PendingSearch(query: query, from: position)
        show("searching the text as it is read: \(query.pattern) (any key stops)")
    }

    /// Moves to the waiting search's match once there is one after where it started, or (all
    /// read) one found by wrapping around, or says it is not found.
    private mutating func applyPendingSearch() {
        guard let search = pendingSearch else { return }
        let reading = localTextState == .reading
        if let (range, wrapped) = find(search.query, from: search.from), !(wrapped && reading) {
            pendingSearch = nil
            moveCursor(to: range.lowerBound)
            putAtTop(range.lowerBound)
            if wrapped { show("search hit the end, continuing at the top") } else { message = nil }
        } else if !reading {
            pendingSearch = nil
            show("not found: \(search.query.pattern)", isError: true)
        }
    }
}

/// A forward search waiting for text to arrive.
struct PendingSearch: Sendable {
    var query: SearchQuery
    var from: Int
}

/// Where the reading of a file or a pipe is.
enum LocalTextState: Sendable, Equatable {
    case reading
    case complete
}
