import WeftEditor

/// What the terminal sends, decoded.
public enum InputEvent: Equatable, Sendable {
    case key(Key)
    /// Text pasted with bracketed paste (one event however long).
    case paste(String)
}
