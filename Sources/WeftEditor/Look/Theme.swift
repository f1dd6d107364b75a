/// What each part of the screen looks like. Loaded from `Themes/*.toml`.
public struct Theme: Sendable {
    public var name: String
    public var styles: [StyleRole: TextStyle]
    /// Colours handed out to people (this user's own colour is the first unless configured).
    public var peerColours: [UInt32]

    public init(name: String, styles: [StyleRole: TextStyle], peerColours: [UInt32]) {
        self.name = name
        self.styles = styles
        self.peerColours = peerColours
    }

    public func style(_ role: StyleRole) -> TextStyle { styles[role] ?? styles[.text] ?? TextStyle() }

    /// A theme that needs no file: the terminal's own colours, with reverse video for the status line.
    public static let plain = Theme(name: "plain", styles: [
        .text: TextStyle(), .status: TextStyle(reverse: true), .selection: TextStyle(reverse: true),
        .searchMatch: TextStyle(underline: true), .searchCurrent: TextStyle(bold: true, reverse: true),
        .changedWhileAway: TextStyle(bold: true, underline: true),
        .inserted: TextStyle(bold: true, underline: true), .deleted: TextStyle(reverse: true),
    ], peerColours: [0xE06C75, 0x98C379, 0xE5C07B, 0x61AFEF, 0xC678DD, 0x56B6C2])
}

/// The parts of the screen a theme styles.
public enum StyleRole: String, CaseIterable, Hashable, Sendable {
    case text
    case selection
    case searchMatch = "search-match"
    case searchCurrent = "search-current"
    /// Text others added while this user was away, until a key is pressed.
    case changedWhileAway = "changed"
    /// What the editing session shown in the pager inserted (a past version, stepped through).
    case inserted
    /// Text the editing session shown in the pager deleted, shown again where it was.
    case deleted
    case status
    case statusOffline = "status-offline"
    case statusMode = "status-mode"
    case message
    case error
    case prompt
    /// Control characters shown as `^X`.
    case control
    /// Past the end of the document (`~` lines).
    case filler
    /// The mark at the end of a wrapped or cut-off row.
    case wrapMarker = "wrap-marker"
    case lineNumber = "line-number"
    case banner
}

/// Colours and attributes for one part of the screen.
public struct TextStyle: Hashable, Sendable {
    public var foreground: Colour
    public var background: Colour
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(foreground: Colour = .terminalDefault, background: Colour = .terminalDefault, bold: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
    }
}
