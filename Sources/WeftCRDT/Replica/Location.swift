/// Where a character sits: leaf by document order, run within the leaf, offset within the run.
/// Valid only until the next mutation. Ordered as the document is.
struct Location: Comparable, Hashable {
    var order: Int
    var run: Int
    var offset: Int

    /// Before every character: the left origin `none`.
    static let start = Location(order: -1, run: 0, offset: 0)
    /// After every character: the right origin `none`.
    static let end = Location(order: .max, run: 0, offset: 0)

    static func < (lhs: Location, rhs: Location) -> Bool {
        (lhs.order, lhs.run, lhs.offset) < (rhs.order, rhs.run, rhs.offset)
    }
}
