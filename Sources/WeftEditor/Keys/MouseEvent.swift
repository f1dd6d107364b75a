/// A mouse event as the terminal reports it (SGR mouse mode, 1006): what happened, and where,
/// in screen cells from the top left (0, 0).
public struct MouseEvent: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// The left button went down.
        case press
        /// The mouse moved with the left button held.
        case drag
        /// The left button came up.
        case release
        case wheelUp
        case wheelDown
        /// Another button, or one the editor has no use for.
        case other
    }

    public var action: Action
    public var row: Int
    public var column: Int

    public init(_ action: Action, row: Int, column: Int) {
        self.action = action
        self.row = row
        self.column = column
    }
}
