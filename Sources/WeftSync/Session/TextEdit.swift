/// One edit of a document's text, as `weft apply` reads it and `weft put` makes it: at `position`
/// (in Unicode scalars), delete `deleting` scalars, then insert `inserting`.
public struct TextEdit: Sendable, Equatable {
    public var position: Int
    public var deleting: Int
    public var inserting: String

    public init(position: Int, deleting: Int, inserting: String) {
        self.position = position
        self.deleting = deleting
        self.inserting = inserting
    }
}
