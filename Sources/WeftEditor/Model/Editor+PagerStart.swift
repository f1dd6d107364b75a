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

    /// Tries the waiting start command against the text there is now.
    mutating func applyPendingStart() {
        guard let start = pendingStart, isPager else { return }
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

/// Where the reading of a file or a pipe is.
enum LocalTextState: Sendable, Equatable {
    case reading
    case complete
}
