import WeftEditor

/// What `weft edit` and `weft view` ask of the screen: which document or text, and how to show it.
public struct ScreenLaunch: Sendable {
    /// `edit` or `view`, for messages.
    public var command: String
    /// A document (URL or name), a file path, or `-` for standard input.
    public var document: String
    public var keymap: String?
    public var theme: String?
    public var name: String?
    /// Read-only paging with less's keys (the relay is told so in the hello).
    public var pager: Bool
    public var wrap: Bool?
    public var lineNumbers: Bool
    /// Start following the end (less's `+F`).
    public var follow: Bool
    public var token: String?
    public var caFile: String?
    /// The pager's less options: case rule, colours, start command.
    public var paging = PagerOptions()
    /// A message to show as the screen opens (what `:e` has to say about the text it left).
    public var notice: String?
    /// The text `:e` left to open this one, for `:e#`.
    public var alternate: String?
    /// Every text named on the pager's command line (`weft view a b c`), and which one this is;
    /// `:n` and `:p` page the others.
    public var files: [String] = []
    public var fileIndex = 0
    /// The top line (from 1) each of `files` showed when the pager last left it: going back to
    /// one shows it there again, as less does.
    public var fileTopLines: [Int: Int] = [:]
    /// An open file holding keys the screen this one replaced read after `:e`, `:n` or `:p` but
    /// did not handle: handled here first (see `TypedAhead`).
    public var typedAheadDescriptor: Int32?
    /// Where a paged past version's editing sessions come from (`weft view --at`): read beside
    /// the pager once it shows, for it to step through.
    public var pastSessions: PastSessions?

    public init(command: String, document: String, keymap: String? = nil, theme: String? = nil, name: String? = nil, pager: Bool,
                wrap: Bool? = nil, lineNumbers: Bool = false, follow: Bool = false, token: String? = nil, caFile: String? = nil,
                paging: PagerOptions = PagerOptions(), notice: String? = nil, alternate: String? = nil, files: [String] = [], fileIndex: Int = 0) {
        self.notice = notice
        self.alternate = alternate
        self.files = files
        self.fileIndex = fileIndex
        self.command = command
        self.document = document
        self.keymap = keymap
        self.theme = theme
        self.name = name
        self.pager = pager
        self.wrap = wrap
        self.lineNumbers = lineNumbers
        self.follow = follow
        self.token = token
        self.caFile = caFile
        self.paging = paging
    }
}

extension ScreenLaunch {
    /// This text's place among several named on the command line, for the pager's `:n` and `:p`.
    var fileList: (index: Int, count: Int)? { files.count > 1 ? (fileIndex, files.count) : nil }

    /// What less says on opening one of several: the name, and which of how many it is.
    var fileBanner: String? { files.count > 1 ? "\(document) (file \(fileIndex + 1) of \(files.count)) · :n next, :p previous" : nil }

    /// The first message: what the screen left had to say (`notice`), then which of several
    /// texts this is, else `welcome`.
    func banner(welcome: String) -> String {
        let parts = [notice, fileBanner].compactMap { $0 }
        return parts.isEmpty ? welcome : parts.joined(separator: " · ")
    }
}
