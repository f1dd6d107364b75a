/// The identity of one inserted Unicode scalar: the replica that typed it and that replica's counter.
///
/// A replica numbers the characters it inserts 0, 1, 2, … per document, so ids never repeat and
/// never depend on a clock.
public struct CharID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The replica that inserted the character.
    public var replica: ReplicaID
    /// The character's number among that replica's insertions, from 0.
    public var counter: UInt32

    /// Creates an id.
    public init(replica: ReplicaID, counter: UInt32) {
        self.replica = replica
        self.counter = counter
    }

    public static func < (lhs: CharID, rhs: CharID) -> Bool {
        (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
    }

    public var description: String { "\(replica)@\(counter)" }
}

/// A run of consecutive ids of one replica: `start.counter ..< start.counter + length`.
public struct IDSpan: Hashable, Sendable {
    /// The first id of the span.
    public var start: CharID
    /// How many consecutive counters the span covers (at least 1).
    public var length: UInt32

    /// Creates a span.
    public init(start: CharID, length: UInt32) {
        self.start = start
        self.length = length
    }

    /// The counter just past the span.
    public var endCounter: UInt64 { UInt64(start.counter) + UInt64(length) }
}
