/// A piece of a document's stored history that cannot be read back as it was written: the relay
/// says so (and `/healthz` reports it) instead of serving another history.
public struct HistoryDamaged: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
