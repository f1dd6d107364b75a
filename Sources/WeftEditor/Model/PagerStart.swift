/// A command the pager runs as it opens, as less's `+cmd` arguments: `+F` follows the end, `+G`
/// goes to the end, `+/pattern` (or `+?pattern`) searches, `+N` goes to line N, `+N%` (or `+Np`)
/// to N percent of the text.
public enum PagerStart: Equatable, Sendable {
    case follow
    case end
    case search(String, forward: Bool)
    case line(Int)
    case percent(Int)

    /// Parses `argument` (`+F`, `+G`, `+/pattern`, `+?pattern`, `+42`, `+50%`, `+50p`); nil when
    /// it does not start with `+`.
    /// - Throws: `PagerStartError` for a `+` argument that is none of these.
    public init?(argument: String) throws(PagerStartError) {
        guard argument.hasPrefix("+") else { return nil }
        let body = argument.dropFirst()
        switch body.first {
        case "F": self = .follow
        case "G": self = .end
        case "/" where body.count > 1: self = .search(String(body.dropFirst()), forward: true)
        case "?" where body.count > 1: self = .search(String(body.dropFirst()), forward: false)
        default:
            if let last = body.last, last == "%" || last == "p", let percent = Int(body.dropLast()), (0...100).contains(percent) {
                self = .percent(percent)
                return
            }
            guard let line = Int(body), line > 0 else {
                throw PagerStartError(message: "\(argument) is not a start command (+F follow, +G end, +/pattern, +?pattern, +LINE, +PERCENT%)")
            }
            self = .line(line)
        }
    }
}

/// Why a `+` argument was refused, in plain words.
public struct PagerStartError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
