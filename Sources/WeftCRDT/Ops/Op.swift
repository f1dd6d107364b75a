/// One change to a document, as it travels between replicas.
///
/// An insertion places a run of scalars between two characters the inserting replica saw side by
/// side (its origins); a deletion names the ids it removes. Applying an op twice changes nothing.
public enum Op: Hashable, Sendable {
    case insert(Insertion)
    case delete(Deletion)
}

/// Scalars typed in one go by one replica, with consecutive ids.
///
/// Scalar `i > 0` of the text has id `id.counter + i` and its left origin is scalar `i - 1`; all
/// of them share `originRight`. That is exactly what a replica would have produced by typing them
/// one at a time, so runs may be split or joined freely.
public struct Insertion: Hashable, Sendable {
    /// The id of the first scalar.
    public var id: CharID
    /// The character immediately left of the insertion point when it was made; nil at the start.
    public var originLeft: CharID?
    /// The character immediately right of the insertion point when it was made; nil at the end.
    public var originRight: CharID?
    /// The inserted scalars, at least one.
    public private(set) var text: String
    /// The number of Unicode scalars inserted. Kept beside the text because validating,
    /// integrating and attributing an insertion each ask for it: counting a pasted megabyte
    /// once is enough.
    public private(set) var length: Int

    /// Creates an insertion.
    public init(id: CharID, originLeft: CharID?, originRight: CharID?, text: String) {
        self.id = id
        self.originLeft = originLeft
        self.originRight = originRight
        self.text = text
        length = text.unicodeScalarCount
    }

    /// The ids of these scalars past the first `known` of their replica's: what applying them
    /// adds to a replica holding that many (nil when it holds them all). A copy given back to a
    /// relay that lost history repeats characters most replicas have.
    public func ids(beyond known: UInt32) -> IDSpan? {
        let end = id.counter + UInt32(length)
        guard end > known else { return nil }
        let first = max(id.counter, known)
        return IDSpan(start: CharID(replica: id.replica, counter: first), length: end - first)
    }

    /// Replaces the text (and its count).
    mutating func replaceText(_ newText: String) {
        text = newText
        length = newText.unicodeScalarCount
    }

    /// Appends `next`'s text. A typing burst is absorbed a keystroke at a time: counting the
    /// whole text again at each would make a long burst quadratic.
    mutating func append(_ next: Insertion) {
        text += next.text
        length += next.length
    }
}

/// Characters removed, by id. Deleted characters stay as tombstones so that concurrent insertions
/// next to them still find their place.
public struct Deletion: Hashable, Sendable {
    /// The removed ids, as runs.
    public var spans: [IDSpan]

    /// Creates a deletion.
    public init(spans: [IDSpan]) {
        self.spans = spans
    }

    /// The number of characters named.
    public var length: Int { spans.reduce(0) { $0 + Int($1.length) } }
}

extension Op {
    /// Appends `next` to this op when the pair is what one longer op would have been (a typing burst,
    /// or a run of deletions), so batches stay small. Returns false and changes nothing otherwise.
    public mutating func absorb(_ next: Op) -> Bool {
        switch (self, next) {
        case (.insert(var first), .insert(let second)):
            let length = UInt32(first.length)
            guard second.id.replica == first.id.replica,
                  UInt64(second.id.counter) == UInt64(first.id.counter) + UInt64(length),
                  second.originLeft == CharID(replica: first.id.replica, counter: second.id.counter &- 1),
                  second.originRight == first.originRight
            else { return false }
            // Released here so that the text grows in place rather than being copied at each key.
            self = .delete(Deletion(spans: []))
            first.append(second)
            self = .insert(first)
            return true
        case (.delete(var first), .delete(let second)):
            self = .delete(Deletion(spans: []))
            for span in second.spans {
                if let last = first.spans.last, last.start.replica == span.start.replica,
                   last.endCounter == UInt64(span.start.counter) {
                    first.spans[first.spans.count - 1].length += span.length
                } else if let last = first.spans.last, span.start.replica == last.start.replica,
                          span.endCounter == UInt64(last.start.counter) {
                    // Backspacing deletes right to left: the new span ends where the last began.
                    first.spans[first.spans.count - 1] = IDSpan(start: span.start, length: last.length + span.length)
                } else {
                    first.spans.append(span)
                }
            }
            self = .delete(first)
            return true
        default:
            return false
        }
    }
}
