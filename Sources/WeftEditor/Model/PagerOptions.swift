/// The pager's options from the command line, as less's: `-i`/`-I`, `-R`, and a `+` command.
public struct PagerOptions: Sendable, Equatable {
    /// When searches tell case apart (less: always; `-i` smart; `-I` never).
    public var searchCase: SearchCase
    /// `-R`: ANSI colour sequences (SGR) in a file or a pipe show as colours.
    public var colours: Bool
    /// `+F`, `+G`, `+/pattern`…
    public var start: PagerStart?
    /// The last search of the text paged before (`:n`, `:p`): as in less, `n` repeats it in
    /// this one and its matches are marked, without moving.
    public var previousSearch: PagerSearch?

    public init(searchCase: SearchCase = .sensitive, colours: Bool = false, start: PagerStart? = nil, previousSearch: PagerSearch? = nil) {
        self.searchCase = searchCase
        self.colours = colours
        self.start = start
        self.previousSearch = previousSearch
    }
}

/// A pager search as less's `/pattern` and `?pattern` write it.
public struct PagerSearch: Sendable, Equatable {
    public var pattern: String
    public var forward: Bool

    public init(pattern: String, forward: Bool) {
        self.pattern = pattern
        self.forward = forward
    }

    /// `/pattern` or `?pattern` (read as the start command `+/pattern` is); nil for anything else.
    public init?(argument: String) {
        guard case .search(let pattern, let forward)? = try? PagerStart(argument: "+" + argument) else { return nil }
        self.init(pattern: pattern, forward: forward)
    }

    /// `/pattern` or `?pattern`.
    public var argument: String { (forward ? "/" : "?") + pattern }
}
