/// The pager's options from the command line, as less's: `-i`/`-I`, `-R`, and a `+` command.
public struct PagerOptions: Sendable, Equatable {
    /// When searches tell case apart (less: always; `-i` smart; `-I` never).
    public var searchCase: SearchCase
    /// `-R`: ANSI colour sequences (SGR) in a file or a pipe show as colours.
    public var colours: Bool
    /// `+F`, `+G`, `+/pattern`…
    public var start: PagerStart?

    public init(searchCase: SearchCase = .sensitive, colours: Bool = false, start: PagerStart? = nil) {
        self.searchCase = searchCase
        self.colours = colours
        self.start = start
    }
}
