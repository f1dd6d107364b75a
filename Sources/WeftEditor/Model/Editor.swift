import WeftCRDT
import WeftWire

/// The editor without a terminal: a replica of the document, this user's cursor and selection
/// (anchored to characters, so others' edits never move them off their text), modes, undo of
/// this user's own edits, search and prompts. Keys go in through `handle(_:now:)`; ops for the
/// sync layer come out of `takeBatches()`; `frame()` says what the screen shows.
public struct Editor: Sendable {
    public internal(set) var replica: Replica
    public internal(set) var keymap: Keymap
    public internal(set) var mode: String
    public var settings: EditorSettings
    /// What the status line says about sync; the app updates it.
    public var status: StatusInfo
    /// The people in the document and where they are.
    public internal(set) var peers: [ReplicaID: Presence] = [:]
    /// Set by quit commands; the app then closes the editor.
    public internal(set) var wantsQuit = false
    /// What `:e NAME|PATH` asked to open next (with ``wantsQuit``): the screen leaves this text and
    /// opens that one.
    public internal(set) var switchTarget: String?
    /// The pager's place among the texts named on its command line (`weft view a b c`), if more
    /// than one: `:n`, `:p` and `:x` ask for another with ``switchFileIndex``.
    public var fileList: (index: Int, count: Int)?
    /// Which of ``fileList`` to page next (with ``wantsQuit``).
    public internal(set) var switchFileIndex: Int?
    /// What keys asked of the terminal, for the app to take (`takeTerminalRequests`).
    var terminalRequests: [TerminalRequest] = []
    /// The authors gutter's data, while it is shown (`toggle-authors`).
    var authorsShown: Authorship?
    /// The gutter was asked for and the history is being read.
    var authorsWanted = false
    /// Writers whose text arrived while the gutter was shown, and whom neither its history nor
    /// the people here could name: the history was read again for them (once each).
    var authorsAskedAbout: Set<ReplicaID> = []
    /// The text is a document on a relay, which keeps who wrote what (not a file or a pipe).
    public var hasDocumentHistory = false
    /// The list of the keymap's keys, while it is open.
    var helpPage: HelpPage?
    /// Where the left button went down, while it is held (a drag selects from there).
    var mouseDown: Anchor?

    let measure: TextWidths
    /// Shared by copies of the editor, which lay out with the same widths.
    let layoutCache = LayoutCache()
    var cursor: Anchor = .start
    /// The cursor's last known offset, for when its anchor cannot be found (the document was replaced).
    var cursorFallback = 0
    /// The column up and down aim for, kept across short lines.
    var preferredColumn: Int?
    var selectionAnchor: Anchor?
    /// The selection grows with motions (an Emacs mark or Vim's visual mode), rather than ending.
    var markActive = false
    /// The first line on screen, by its first character, so text others add above does not scroll it.
    var top: Anchor = .start
    /// Which wrapped row of the top line is the first on screen.
    var topRow = 0
    /// Columns scrolled sideways (without wrapping).
    var leftColumn = 0
    var viewWidth = 80
    var viewHeight = 22
    var screenHeight = 24
    var pendingKeys: [Key] = []
    /// A long paste arrives in parts: its undo group stays open until the last one.
    var pasteInParts = false
    /// Keys are arriving together (see `beginKeysTogether`).
    var keysTogether = false
    /// Between `beginInputSlice` and `endInputSlice`: a key that only types leaves the view
    /// to be settled once.
    var defersView = false
    /// A key that only typed left the view to follow the cursor later (see `followTypedCursor`).
    var viewPending = false
    /// Read-only paging: keys move the view, the cursor stays at its top (see Editor+Pager).
    public internal(set) var isPager = false
    /// The whole document's length in scalars when the text here is only its start (the first
    /// screen drawn from a cache before the document is built): the pager's percentage is then
    /// how far into that length the screen's last line ends, not a share of the lines at hand.
    public var previewOf: Int?
    /// A line above the text saying why the document is shown read-only.
    public internal(set) var banner: String?
    /// The view keeps the end of the document in sight as it grows (less's `F`).
    public internal(set) var followingEnd = false
    /// less's `m` or `'` waiting for the key that names the mark.
    var pagerMarkPending: EditorCommand?
    /// The text `:e` left to open this one, where `:e#` goes back to (vim's alternate file).
    public var alternate: String?
    /// Only lines matching this are shown (less's `&pattern`), and which those are.
    var filter: SearchQuery?
    var filteredLines: [Int] = []
    /// A count typed before a command in a mode that does not type (vim's `3j`, `5dd`, `12G`).
    var pendingCount: Int?
    var undoHistory = UndoHistory()
    var clipboard: Clipboard?
    var prompt: Prompt?
    var lastSearch: SearchQuery?
    var message: Message?
    var following: ReplicaID?
    /// Text others inserted while this user was away (see `Editor+Away.swift`).
    var away = AwayMarks()
    /// A past version's editing sessions, to step through (see `Editor+TimeTravel.swift`).
    var travel: TimeTravel?
    /// While a past version's sessions have not arrived: still being read, or why they cannot be.
    var travelAwaited: TravelWait?
    /// The ops of local edits made since the last `takeBatches()`, in order, neighbours joined.
    var outgoing: [Op] = []
    var lastCommand: EditorCommand?
    var searchIndex: SearchIndex?
    /// The file being edited alone, when the text is a local file (`weft edit notes.md`).
    var localFile: LocalFile?
    /// `version` when the file was last read or written.
    var savedVersion = 0
    /// The text came from standard input and is edited alone: it has no file to go back to
    /// until `:w FILE` names one, so its changes are lost on quitting unless written.
    var editsStandardInput = false
    /// Less's `-R`: colours taken out of a file's or a pipe's text, by position.
    var ansi: AnsiColours?
    /// A start command (less's `+G`, `+/pattern`) still waiting for its text to arrive.
    var pendingStart: PagerStart?
    /// A forward search typed while a file or a pipe is still being read, whose match may be in
    /// what has not arrived yet (as less reads on while it searches).
    var pendingSearch: PendingSearch?
    /// For a file or a pipe: whether it is still being read (nil for a document).
    var localTextState: LocalTextState?
    /// Vim's grammar, registers, marks, macros and last change (keymaps that bind operators).
    var vim = VimState()
    /// Bumped by every change to the text, so cached search data knows when it is stale.
    var version = 0

    public init(replica: Replica, keymap: Keymap, settings: EditorSettings = EditorSettings(), status: StatusInfo, width: TextWidths = TextWidths()) {
        self.replica = replica
        self.keymap = keymap
        self.settings = settings
        self.status = status
        self.measure = width
        mode = keymap.modes[0]
    }

    // MARK: Reading

    /// The whole text.
    public var text: String { replica.text }

    /// The cursor's offset in Unicode scalars.
    public var cursorPosition: Int { replica.position(of: cursor).map { min($0, replica.count) } ?? min(cursorFallback, replica.count) }

    /// The cursor's line and column, both from 1 (the column counts characters, as in vim's status).
    public var cursorLineColumn: (line: Int, column: Int) {
        let position = cursorPosition
        let line = replica.line(containing: position)
        let start = replica.lineStart(line)
        let characters = replica.text(in: start..<position).count
        return (line + 1, characters + 1)
    }

    /// The selected range, if any (in block-cursor modes it includes the character under the cursor).
    public var selection: Range<Int>? {
        guard let anchor = selectionAnchor, let from = replica.position(of: anchor) else { return nil }
        let to = cursorPosition
        var range = min(from, to)..<max(from, to)
        if vim.visualLinewise, mode == "visual" {
            let last = replica.line(containing: range.upperBound)
            range = replica.lineStart(replica.line(containing: range.lowerBound))..<min(replica.count, replica.lineRange(last).upperBound + 1)
        } else if keymap.blockCursorModes.contains(mode) {
            range = range.lowerBound..<min(replica.count, nextBoundary(after: range.upperBound))
        }
        return range.isEmpty ? nil : range
    }

    /// What this user's presence says (for the relay to pass on).
    public var presence: Presence {
        var selections: [ClosedAnchorRange] = []
        if let range = selection {
            selections.append(ClosedAnchorRange(from: replica.anchor(at: range.lowerBound, stickToPrevious: false),
                                                to: replica.anchor(at: range.upperBound)))
        }
        return Presence(userName: settings.userName, colour: settings.userColour, cursor: cursor, selections: selections)
    }

    /// Whether the help page is open.
    public var isShowingHelp: Bool { helpPage != nil }

    /// What keys asked of the terminal since the last call, oldest first.
    public mutating func takeTerminalRequests() -> [TerminalRequest] {
        defer { terminalRequests = [] }
        return terminalRequests
    }

    /// What local edits made since the last call changed, as one batch (none when nothing
    /// changed). Everything the editor did between two calls goes out together: a paste that
    /// arrives as keys, a character a key, is a batch a screen frame rather than one a character,
    /// and `:%s` over a file is one batch rather than one a match. The queue cuts a batch larger
    /// than the protocol allows into several.
    public mutating func takeBatches() -> [[Op]] {
        defer { outgoing = [] }
        return outgoing.isEmpty ? [] : [outgoing]
    }

    /// Adds the ops of one edit to the outgoing batch. A character typed after the last one
    /// joins its insertion, and deletions join the deletion before them: a typing burst is one
    /// op however many keys it took.
    mutating func send(_ ops: [Op]) {
        for op in ops {
            // Taken out to grow in place: a copy left behind would make each key copy the burst.
            guard var last = outgoing.popLast() else {
                outgoing.append(op)
                continue
            }
            let joined = last.absorb(op)
            outgoing.append(last)
            if !joined { outgoing.append(op) }
        }
    }

    /// The text area's size follows the terminal: all rows but the status and message lines.
    public mutating func resize(width: Int, height: Int) {
        screenHeight = height
        viewWidth = max(1, width)
        viewHeight = max(1, height - 2 - (banner == nil ? 0 : 1))
        if isPager {
            settleView()
        } else {
            ensureCursorVisible()
            fillScreenFromAbove()
        }
    }

    /// Clears the message line if it still says `text`; whether it did.
    @discardableResult
    public mutating func clearMessage(ifItSays text: String) -> Bool {
        guard message?.text == text else { return false }
        message = nil
        return true
    }

    /// Shows `text` on the message line until the next key.
    public mutating func show(_ text: String, isError: Bool = false) {
        message = Message(text: text, isError: isError)
    }
}

/// Text cut or copied, and whether it is whole lines (pasted as lines, not into one).
struct Clipboard: Sendable {
    var text: String
    var linewise: Bool
    /// Yanked or deleted from a block (Ctrl-V): its lines are pasted as a block, one into each
    /// line from the cursor's.
    var blockwise = false
}

struct Message: Sendable, Equatable {
    var text: String
    var isError: Bool
}
