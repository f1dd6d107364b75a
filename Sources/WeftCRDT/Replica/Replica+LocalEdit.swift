extension Replica {
    /// Inserts `text` so that its first scalar lands at visible scalar offset `position`.
    ///
    /// - Parameters:
    ///   - text: the scalars to insert; empty text changes nothing.
    ///   - position: a visible scalar offset, `0...count`.
    /// - Returns: the op to send to other replicas, or nil for empty text.
    /// - Throws: `CRDTError.positionOutOfBounds`, or `.documentTooLarge` past `maxInsertedCharacters`.
    @discardableResult
    public mutating func insert(_ text: String, at position: Int) throws(CRDTError) -> Op? {
        guard position >= 0, position <= count else {
            throw CRDTError(.positionOutOfBounds, "an insertion at position \(position) is outside the text, which has \(count) characters (positions 0 to \(count))")
        }
        if text.isEmpty { return nil }
        let counter = counts[0]
        // New characters go right after the previous visible one, before any tombstones that
        // follow it: text typed in place of a deleted character stays ahead of what others
        // concurrently typed after that character (as in Yjs, and as the editing traces expect).
        let left: Location? = position > 0 ? locateVisible(position - 1) : nil
        let right = successor(of: left ?? .start)
        let originLeft = left.map(packedID(at:)) ?? .none
        let originRight = right == .end ? PackedID.none : packedID(at: right)
        let length = text.unicodeScalars.count
        guard insertedCharacters + length <= Replica.maxInsertedCharacters else {
            throw CRDTError(.documentTooLarge, "this document has had \(insertedCharacters) characters typed into it over its life and cannot take \(length) more: one document takes at most \(Replica.maxInsertedCharacters) (deleting text does not give room back). Start a new document with this text (weft put NEW-NAME < FILE)")
        }
        let stored = store(text)
        let run = Run(counter: counter, length: UInt32(stored.length), content: stored.content, replica: 0,
                      originLeft: originLeft, originRight: originRight)
        let placed = insertRun(run, after: left, newlines: stored.newlines)
        if cursor == nil { cursor = (placed.order, visibleTree.prefix(placed.order)) }
        return .insert(Insertion(id: CharID(replica: replicaID, counter: counter),
                                 originLeft: unpack(originLeft), originRight: unpack(originRight), text: text))
    }

    /// Deletes the visible scalars in `range`.
    ///
    /// - Returns: the op to send, or nil for an empty range.
    /// - Throws: `CRDTError.positionOutOfBounds` when the range leaves the text.
    @discardableResult
    public mutating func delete(_ range: Range<Int>) throws(CRDTError) -> Op? {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw CRDTError(.positionOutOfBounds, "a deletion of positions \(range.lowerBound) to \(range.upperBound) is outside the text, which has \(count) characters")
        }
        if range.isEmpty { return nil }
        let spans = visibleSpans(from: range.lowerBound, count: range.count)
        var ignored: [TextChange]? = nil
        for span in spans { deleteSpan(span, changes: &ignored) }
        return .delete(Deletion(spans: spans.map {
            IDSpan(start: unpack($0.start)!, length: $0.length)
        }))
    }

    /// Replaces the visible scalars in `range` with `text`: a delete then an insert.
    /// - Returns: the ops to send, in order.
    public mutating func replace(_ range: Range<Int>, with text: String) throws(CRDTError) -> [Op] {
        var ops: [Op] = []
        if let op = try delete(range) { ops.append(op) }
        if let op = try insert(text, at: range.lowerBound) { ops.append(op) }
        return ops
    }

    /// The ids of `length` visible characters from visible offset `position`, as runs.
    func visibleSpans(from position: Int, count length: Int) -> [(start: PackedID, length: UInt32)] {
        var spans: [(start: PackedID, length: UInt32)] = []
        var location = findVisible(position).0
        var remaining = length
        while remaining > 0 {
            let run = run(at: location)
            if !run.isDeleted {
                let take = min(Int(run.length) - location.offset, remaining)
                spans.append((run.id(at: location.offset), UInt32(take)))
                remaining -= take
            }
            location = nextRunStart(after: location)
        }
        return spans
    }

    /// Hides every still-visible character of a span of integrated ids, recording each visible
    /// piece removed in `changes` when it is not nil.
    mutating func deleteSpan(_ span: (start: PackedID, length: UInt32), changes: inout [TextChange]?) {
        var counter = span.start.counter
        let end = UInt64(span.start.counter) + UInt64(span.length)
        while UInt64(counter) < end {
            let location = locate(PackedID(replica: span.start.replica, counter: counter), noneIs: .end)
            let run = run(at: location)
            let take = min(UInt64(run.length) - UInt64(location.offset), end - UInt64(counter))
            if !run.isDeleted {
                if changes != nil {
                    changes!.append(.deleted(position: visiblePosition(of: location), count: Int(take)))
                }
                markDeleted(at: location, length: Int(take))
            }
            counter += UInt32(take)
        }
    }
}
