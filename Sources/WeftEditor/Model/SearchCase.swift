/// When a search tells upper from lower case.
public enum SearchCase: Sendable, Equatable {
    /// Always (less without options).
    case sensitive
    /// Only when the pattern has a capital (vim's `smartcase`, less's `-i`).
    case smart
    /// Never (less's `-I`).
    case ignore
}
