/// A character id with its replica as an index into the replica's local table: one word, cheap
/// to compare and store. Only meaningful inside one `Replica`.
struct PackedID: Hashable {
    var raw: UInt64

    static let none = PackedID(raw: .max)

    init(raw: UInt64) { self.raw = raw }

    init(replica: UInt32, counter: UInt32) {
        raw = UInt64(replica) << 32 | UInt64(counter)
    }

    var isNone: Bool { raw == .max }
    var replica: UInt32 { UInt32(truncatingIfNeeded: raw >> 32) }
    var counter: UInt32 { UInt32(truncatingIfNeeded: raw) }
}
