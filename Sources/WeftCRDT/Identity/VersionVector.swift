/// How many characters of each replica a replica has integrated.
///
/// Characters of one replica are integrated in counter order, so a count per replica summarises
/// everything: id `(r, c)` is known exactly when `c < self[r]`. Deletions carry no ids of their
/// own; they are idempotent and are not counted here.
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    /// Characters integrated per replica; replicas with none are absent.
    public private(set) var counts: [ReplicaID: UInt32]

    /// Creates a version from explicit counts; zero counts are dropped.
    public init(_ counts: [ReplicaID: UInt32] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    /// The number of characters of `replica` integrated.
    public subscript(replica: ReplicaID) -> UInt32 {
        counts[replica] ?? 0
    }

    /// Whether the character `id` is integrated.
    public func contains(_ id: CharID) -> Bool {
        id.counter < self[id.replica]
    }

    /// Whether every character known to `other` is known here.
    public func includes(_ other: VersionVector) -> Bool {
        other.counts.allSatisfy { self[$0.key] >= $0.value }
    }

    public var description: String {
        "{" + counts.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ", ") + "}"
    }
}
