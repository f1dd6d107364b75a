/// Something only the terminal can do, asked for by a key; the app takes these after each key
/// (`Editor.takeTerminalRequests()`).
public enum TerminalRequest: Equatable, Sendable {
    /// Give the terminal back to the shell and stop, as Ctrl-Z does in a shell (SIGTSTP).
    case suspend
    /// Draw the whole screen again (something else wrote over it).
    case redraw
    /// Put this text on the system clipboard (OSC 52), after a copy or a cut.
    case copyToClipboard(String)
    /// Read the document's history from its relay and hand the editor its `Authorship`
    /// (`showAuthors`), for the authors gutter.
    case readAuthors
    /// Read the paged past version's editing sessions from the relay again, after a read failed
    /// (`beginTimeTravel` or `timeTravelUnavailable` answers).
    case readPastSessions

    /// Bytes of text the system clipboard is offered at most: terminals cap what one escape
    /// sequence may carry (the text goes as base64, a third longer). Longer cuts stay in Weft's own.
    public static let clipboardLimit = 256 << 10
}
