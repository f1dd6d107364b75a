import WeftEditor

/// What the terminal sends, decoded.
public enum InputEvent: Equatable, Sendable {
    case key(Key)
    /// Text pasted with bracketed paste (one event however long).
    case paste(String)
    /// A click, drag or wheel notch (SGR mouse reports).
    case mouse(MouseEvent)
}
