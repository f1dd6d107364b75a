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
    // Vim's grammar: operators, motions and commands that wait for a character
    case operatorDelete = "operator-delete", operatorChange = "operator-change", operatorYank = "operator-yank"
    case operatorIndent = "operator-indent", operatorOutdent = "operator-outdent"
    case operatorLowercase = "operator-lowercase", operatorUppercase = "operator-uppercase", operatorToggleCase = "operator-toggle-case"
    case bigWordNext = "big-word-next", bigWordPrevious = "big-word-previous", bigWordEnd = "big-word-end"
    case findChar = "find-char", findCharBackward = "find-char-backward", tillChar = "till-char", tillCharBackward = "till-char-backward"
    case repeatFindChar = "repeat-find-char", repeatFindCharReverse = "repeat-find-char-reverse"
    case matchBracket = "match-bracket", paragraphNext = "paragraph-next", paragraphPrevious = "paragraph-previous"
    case screenTop = "screen-top", screenMiddle = "screen-middle", screenBottom = "screen-bottom"
    case findWordForward = "find-word-forward", findWordBackward = "find-word-backward"
    case gotoMark = "goto-mark", gotoMarkLine = "goto-mark-line", setMark = "set-mark"
    case innerObject = "inner-object", aroundObject = "around-object", register = "register"
    case recordMacro = "record-macro", playMacro = "play-macro", repeatChange = "repeat-change"
    case replaceChar = "replace-char", replaceMode = "replace-mode", joinLines = "join-lines", toggleCase = "toggle-case"
    case substituteChar = "substitute-char", substituteLine = "substitute-line", changeToLineEnd = "change-to-line-end"
    case visualLineMode = "visual-line-mode"
    case scrollCursorCenter = "scroll-cursor-center", scrollCursorTop = "scroll-cursor-top", scrollCursorBottom = "scroll-cursor-bottom"
    // Paging (the pager moves the view, not a cursor)
    case scrollDown = "scroll-down", scrollUp = "scroll-up"
    case followEnd = "follow-end", filter = "filter", toggleLineNumbers = "toggle-line-numbers"
    case toggleAuthors = "toggle-authors"
    case gotoPercent = "goto-percent", toggleSmartCase = "toggle-smart-case", toggleIgnoreCase = "toggle-ignore-case"
    case nextFile = "next-file", previousFile = "previous-file", firstFile = "first-file"
    case nextSession = "next-session", previousSession = "previous-session", previousChange = "previous-change"
    // The rest
    case toggleWrap = "toggle-wrap", followPeer = "follow-peer", nextChange = "next-change", reselectVisual = "reselect-visual",
         visualOtherEnd = "visual-other-end", visualOtherCorner = "visual-other-corner",
         visualBlockMode = "visual-block-mode"
    case save = "save", quit = "quit", forceQuit = "force-quit", help = "help"
    case suspend = "suspend", redraw = "redraw"

    /// Whether the command is one of vim's operators, which wait for a motion or text object.
    var isVimOperator: Bool {
        switch self {
        case .operatorDelete, .operatorChange, .operatorYank, .operatorIndent, .operatorOutdent,
             .operatorLowercase, .operatorUppercase, .operatorToggleCase:
            return true
        default:
            return false
        }
    }

    /// Whether the command is a motion an operator can take (`dw`, `d3j`, `dfx`, `dn`).
    var isVimMotion: Bool {
        switch self {
        case .cursorLeft, .cursorRight, .cursorUp, .cursorDown, .wordNext, .wordPrevious, .wordEnd,
             .bigWordNext, .bigWordPrevious, .bigWordEnd, .lineStart, .lineEnd, .lineFirstNonBlank,
             .documentStart, .documentEnd, .findChar, .findCharBackward, .tillChar, .tillCharBackward,
             .repeatFindChar, .repeatFindCharReverse, .matchBracket, .paragraphNext, .paragraphPrevious,
             .screenTop, .screenMiddle, .screenBottom, .findWordForward, .findWordBackward,
             .findNext, .findPrevious, .gotoMark, .gotoMarkLine:
            return true
        default:
            return false
        }
    }

    /// Whether the command waits for a character typed after it (`fx`, `rx`, `ma`, `"a`, `qa`, `@a`).
    var takesCharacter: Bool {
        switch self {
        case .findChar, .findCharBackward, .tillChar, .tillCharBackward, .gotoMark, .gotoMarkLine, .setMark,
             .recordMacro, .playMacro, .replaceChar:
            return true
        default:
            return false
        }
    }

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
