/// Why a replica refused an edit or an op.
public struct CRDTError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable category, for callers that react differently.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A position or range outside the visible text.
        public static let positionOutOfBounds = Code(name: "position-out-of-bounds")
        /// An op that no correct replica could have produced (its origins are out of order, it
        /// reuses a counter with other content, or it is empty).
        public static let malformedOp = Code(name: "malformed-op")
        /// The document reached `Replica.maxInsertedCharacters` (characters ever inserted, deleted
        /// ones included): start a new document from this one's text.
        public static let documentTooLarge = Code(name: "document-too-large")
        public var description: String { name }
    }

    /// The category.
    public let code: Code
    /// What happened and what to do, for a person.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
