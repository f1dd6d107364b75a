/// A place in the text that survives edits by anyone: tied to a character, not to an offset.
public enum Anchor: Hashable, Sendable {
    /// Before every character.
    case start
    /// After every character.
    case end
    /// Just before the character `id` (it stays right of the place; text typed there by others
    /// lands before it). If the character is deleted, the place where it was.
    case before(CharID)
    /// Just after the character `id`. If the character is deleted, the place where it was.
    case after(CharID)
}

