import WeftEditor

/// What the terminal sends, decoded.
public enum InputEvent: Equatable, Sendable {
    case key(Key)
    /// Text pasted with bracketed paste, or the last part of a long one.
    case paste(String)
    /// A part of a long bracketed paste, more of which follows (the paste is cut into parts so
    /// the terminal's bytes do not all wait in memory; the editor makes one edit of all parts).
    case pastePart(String)
    /// A click, drag or wheel notch (SGR mouse reports).
    case mouse(MouseEvent)
}
