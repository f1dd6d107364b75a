/// What applying remote ops did to the visible text, in positions of the text at the time of each
/// change (apply them in order to keep a view in step).
public enum TextChange: Hashable, Sendable {
    /// `count` scalars appeared at `position`.
    case inserted(position: Int, count: Int)
    /// `count` scalars starting at `position` disappeared.
    case deleted(position: Int, count: Int)
}
