/// Everything a key can be bound to, by the name keymap files use.
public enum EditorCommand: String, CaseIterable, Hashable, Sendable {
    // Moving
    case cursorLeft = "cursor-left", cursorRight = "cursor-right", cursorUp = "cursor-up", cursorDown = "cursor-down"
    case wordNext = "word-next", wordPrevious = "word-previous", wordEnd = "word-end"
    case lineStart = "line-start", lineEnd = "line-end", lineFirstNonBlank = "line-first-nonblank"
    case pageUp = "page-up", pageDown = "page-down", halfPageUp = "half-page-up", halfPageDown = "half-page-down"
    case documentStart = "document-start", documentEnd = "document-end"
    // Selecting
    case selectLeft = "select-left", selectRight = "select-right", selectUp = "select-up", selectDown = "select-down"
    case selectLineStart = "select-line-start", selectLineEnd = "select-line-end"
    case selectAll = "select-all", toggleMark = "toggle-mark", cancel = "cancel"
    // Editing
    case insertNewline = "insert-newline", insertTab = "insert-tab"
    case deleteBackward = "delete-backward", deleteForward = "delete-forward"
    case deleteWordBackward = "delete-word-backward", deleteWordForward = "delete-word-forward"
    case deleteToLineEnd = "delete-to-line-end"
    case cutLine = "cut-line", copyLine = "copy-line"
    case cutSelection = "cut-selection", copySelection = "copy-selection"
    case paste = "paste", pasteAfter = "paste-after", pasteBefore = "paste-before"
    case undo = "undo", redo = "redo"
    // Finding
    case find = "find", findBackward = "find-backward", findNext = "find-next", findPrevious = "find-previous"
    case gotoLine = "goto-line"
    // Modes (modal keymaps)
    case normalMode = "normal-mode", insertMode = "insert-mode", visualMode = "visual-mode"
    case append = "append", insertLineStart = "insert-line-start", appendLineEnd = "append-line-end"
    case openLineBelow = "open-line-below", openLineAbove = "open-line-above"
    case commandLine = "command-line"
    // Paging (the pager moves the view, not a cursor)
    case scrollDown = "scroll-down", scrollUp = "scroll-up"
    case followEnd = "follow-end", filter = "filter", toggleLineNumbers = "toggle-line-numbers"
    // The rest
    case toggleWrap = "toggle-wrap", followPeer = "follow-peer"
    case save = "save", quit = "quit", forceQuit = "force-quit", help = "help"
    case suspend = "suspend", redraw = "redraw"

    /// Whether the command only moves the cursor (so it keeps a vim-style visual selection).
    var isMotion: Bool {
        switch self {
        case .cursorLeft, .cursorRight, .cursorUp, .cursorDown, .wordNext, .wordPrevious, .wordEnd,
             .lineStart, .lineEnd, .lineFirstNonBlank, .pageUp, .pageDown, .halfPageUp, .halfPageDown,
             .documentStart, .documentEnd:
            return true
        default:
            return false
        }
    }
}
