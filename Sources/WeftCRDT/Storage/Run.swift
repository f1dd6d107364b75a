/// Consecutive characters of one replica that sit side by side in the document, share their right
/// origin, and each have the previous one as left origin: what one typing burst produces.
///
/// 32 bytes. A run is split when something is inserted inside it or part of it is deleted; the
/// halves keep the same meaning, which is why ops and runs can be cut anywhere.
struct Run {
    /// The first character's counter.
    var counter: UInt32
    var length: UInt32
    /// Offset of the first scalar in the replica's arena; `Run.deleted` for tombstones.
    var content: UInt32
    /// The replica's local index.
    var replica: UInt32
    /// Left origin of the first character (later characters have their predecessor).
    var originLeft: PackedID
    /// Right origin of every character of the run.
    var originRight: PackedID

    static let deleted: UInt32 = .max

    /// The longest visible run. Line lookups count line feeds by scanning inside runs, so a 10 MB
    /// paste kept as one run made every lookup scan megabytes; capped, a leaf holds at most
    /// `Leaf.maxRuns * maxLength` scalars to scan. Tombstones are never scanned and stay uncapped.
    static let maxLength: UInt32 = 256

    var isDeleted: Bool { content == Run.deleted }
    var visibleLength: Int { isDeleted ? 0 : Int(length) }

    func id(at offset: Int) -> PackedID {
        PackedID(replica: replica, counter: counter &+ UInt32(truncatingIfNeeded: offset))
    }

    var lastID: PackedID { id(at: Int(length) - 1) }

    /// The left origin of the character at `offset`.
    func originLeft(at offset: Int) -> PackedID {
        offset == 0 ? originLeft : id(at: offset - 1)
    }

    func contains(replica: UInt32, counter: UInt32) -> Bool {
        self.replica == replica && counter >= self.counter && counter - self.counter < length
    }

    /// Whether `next`, placed right after this run, continues it (same replica, next counters,
    /// chained origins, same visibility and adjacent content) and the visible result stays within
    /// `maxLength`.
    func canAbsorb(_ next: Run) -> Bool {
        next.replica == replica
            && UInt64(next.counter) == UInt64(counter) + UInt64(length)
            && next.originLeft == lastID
            && next.originRight == originRight
            && (isDeleted
                ? next.isDeleted
                : !next.isDeleted && UInt64(next.content) == UInt64(content) + UInt64(length)
                    && UInt64(length) + UInt64(next.length) <= UInt64(Run.maxLength))
    }

    /// Splits the run at `offset` (0 < offset < length), keeping the head here; returns the tail.
    mutating func split(at offset: Int) -> Run {
        let cut = UInt32(offset)
        var tail = self
        tail.counter = counter + cut
        tail.length = length - cut
        tail.content = isDeleted ? Run.deleted : content + cut
        tail.originLeft = id(at: offset - 1)
        length = cut
        return tail
    }
}
