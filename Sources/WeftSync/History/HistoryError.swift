/// Why a document's history cannot answer a question, in words for the person who asked.
public struct HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}
