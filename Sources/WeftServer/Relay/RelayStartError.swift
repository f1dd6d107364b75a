/// The relay cannot start: what is wrong and what to change.
public struct RelayStartError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
