/// What a token lets its holder do with one document.
public enum AccessScope: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// Read the document and its live changes; every write is refused with `read-only`.
    case read = 1
    /// Read and write.
    case readWrite = 2

    public var description: String { self == .read ? "read-only" : "read-write" }
}
