/// How the editor behaves, from the config file and the command line.
public struct EditorSettings: Sendable {
    /// Columns between tab stops.
    public var tabWidth: Int
    /// Long lines wrap onto the next rows (else they are cut off and scroll sideways).
    public var wrap: Bool
    /// This user's name and colour, as others see them.
    public var userName: String
    public var userColour: UInt32
    /// A gutter with line numbers (less's `-N`).
    public var lineNumbers: Bool
    /// Typing within this many seconds of the previous edit undoes together.
    public var undoBurstSeconds: Double
    /// When searches tell case apart (the pager starts as less: always; `-i` smart, `-I` never).
    public var searchCase: SearchCase

    public init(tabWidth: Int = 8, wrap: Bool = true, userName: String = "me", userColour: UInt32 = 0x61AFEF, undoBurstSeconds: Double = 1.0,
                lineNumbers: Bool = false, searchCase: SearchCase = .smart) {
        self.searchCase = searchCase
        self.lineNumbers = lineNumbers
        self.tabWidth = tabWidth
        self.wrap = wrap
        self.userName = userName
        self.userColour = userColour
        self.undoBurstSeconds = undoBurstSeconds
    }
}
