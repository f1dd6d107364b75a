/// A replica of one document: one editing session's identity, random 64 bits chosen once and kept.
///
/// Ordering between concurrent insertions at the same place falls back to comparing replica ids,
/// so every replica must use the same numeric order (the raw value), never a local index.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The raw 64-bit identity.
    public let rawValue: UInt64

    /// Wraps a raw identity.
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// A fresh random identity from the system's random generator.
    public static func random() -> ReplicaID {
        var generator = SystemRandomNumberGenerator()
        return ReplicaID(generator.next())
    }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
