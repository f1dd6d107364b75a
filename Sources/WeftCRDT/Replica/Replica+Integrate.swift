extension Replica {
    /// Applies ops made by other replicas (or by this one, if they come back): in any order, any
    /// number of times. Ops whose characters depend on ids not seen yet wait in a pending buffer
    /// and apply as soon as those arrive; repeats change nothing.
    ///
    /// - Returns: the visible changes, in order, for views to follow.
    /// - Throws: `CRDTError.malformedOp` for an op no correct replica could produce; the ops
    ///   before it in `ops` are applied, the bad one is dropped, the rest are not looked at.
    @discardableResult
    public mutating func apply(_ ops: some Sequence<Op>) throws(CRDTError) -> [TextChange] {
        var changes: [TextChange] = []
        for op in ops {
            try validate(op)
            arrivals += 1
            try integrateOrWait(WaitingOp(arrival: arrivals, op: op), changes: &changes)
            while let next = ready.popLast() {
                do {
                    try integrateOrWait(next, changes: &changes)
                } catch {
                    // Only the bad op is dropped: the others that became ready still apply.
                    while let other = ready.popLast() { try? integrateOrWait(other, changes: &changes) }
                    throw error
                }
            }
        }
        return changes
    }

    /// Applies one op; see `apply(_:)`.
    @discardableResult
    public mutating func apply(_ op: Op) throws(CRDTError) -> [TextChange] {
        try apply(CollectionOfOne(op))
    }

    /// The ops waiting for characters not seen yet, in the order they arrived, each once.
    public var pendingOps: [Op] {
        pending.values.joined().sorted { $0.arrival < $1.arrival }.map(\.op)
    }

    private mutating func integrateOrWait(_ waiting: WaitingOp, changes: inout [TextChange]) throws(CRDTError) {
        guard let awaited = try integrate(waiting.op, changes: &changes) else { return }
        // An equal op waits for the same character (what it lacks first can only change when
        // that character arrives), so a repeat is found beside it.
        if pending[awaited.raw]?.contains(where: { $0.op == waiting.op }) == true { return }
        pending[awaited.raw, default: []].append(waiting)
        pendingCount += 1
    }

    /// Checks what can be checked without the document: sizes and self-references.
    private func validate(_ op: Op) throws(CRDTError) {
        switch op {
        case .insert(let insertion):
            let length = insertion.length
            guard length > 0 else { throw CRDTError(.malformedOp, "insertion \(insertion.id) has no text") }
            guard UInt64(insertion.id.counter) + UInt64(length) <= UInt64(UInt32.max) else {
                throw CRDTError(.malformedOp, "insertion \(insertion.id) runs past the last counter")
            }
            for origin in [insertion.originLeft, insertion.originRight] {
                if let origin, origin.replica == insertion.id.replica, origin.counter >= insertion.id.counter {
                    throw CRDTError(.malformedOp, "insertion \(insertion.id) has an origin \(origin) that is not older than itself")
                }
            }
        case .delete(let deletion):
            for span in deletion.spans {
                guard span.length > 0, span.endCounter <= UInt64(UInt32.max) else {
                    throw CRDTError(.malformedOp, "deletion span at \(span.start) has length \(span.length)")
                }
            }
        }
    }

    /// Integrates `op` if everything it refers to is here; otherwise returns the first missing id.
    private mutating func integrate(_ op: Op, changes: inout [TextChange]) throws(CRDTError) -> PackedID? {
        switch op {
        case .insert(let insertion): return try integrate(insertion, changes: &changes)
        case .delete(let deletion): return integrate(deletion, changes: &changes)
        }
    }

    private mutating func integrate(_ insertion: Insertion, changes: inout [TextChange]) throws(CRDTError) -> PackedID? {
        let replica = intern(insertion.id.replica)
        let known = counts[Int(replica)]
        let length = UInt32(insertion.length)
        if UInt64(insertion.id.counter) + UInt64(length) <= UInt64(known) { return nil }
        if insertion.id.counter > known { return PackedID(replica: replica, counter: insertion.id.counter - 1) }
        // A prefix may be here already (ops were cut differently on the way): keep only the rest,
        // whose first character has the last known one as its left origin.
        let skip = Int(known - insertion.id.counter)
        guard insertedCharacters + Int(length) - skip <= Replica.maxInsertedCharacters else {
            throw CRDTError(.documentTooLarge, "insertion \(insertion.id) would take the document past \(Replica.maxInsertedCharacters) inserted characters")
        }
        let originLeft = skip > 0 ? PackedID(replica: replica, counter: known - 1) : packInterning(insertion.originLeft)
        let originRight = packInterning(insertion.originRight)
        if !isKnown(originLeft) { return originLeft }
        if !isKnown(originRight) { return originRight }

        let left = locate(originLeft, noneIs: .start)
        let right = locate(originRight, noneIs: .end)
        guard left < right else {
            throw CRDTError(.malformedOp, "insertion \(insertion.id) has its right origin before its left origin")
        }
        let destination = findDestination(left: left, right: right, replica: insertion.id.replica)
        let text = skip > 0 ? String(String.UnicodeScalarView(insertion.text.unicodeScalars.dropFirst(skip))) : insertion.text
        let stored = store(text)
        let run = Run(counter: known, length: UInt32(stored.length), content: stored.content, replica: replica,
                      originLeft: originLeft, originRight: originRight)
        let placed = insertRun(run, after: predecessor(of: destination), newlines: stored.newlines)
        changes.append(.inserted(position: visiblePosition(of: placed), count: stored.length))
        return nil
    }

    private mutating func packInterning(_ id: CharID?) -> PackedID {
        guard let id else { return .none }
        return PackedID(replica: intern(id.replica), counter: id.counter)
    }

    /// Where a new run with these origins goes, as the character it goes before (or `.end`).
    ///
    /// FugueMax (the YjsMod variant of YATA): scan the characters between the origins; stop at one
    /// whose left origin is further left; among siblings with the same left origin, order by right
    /// origin and then by replica id, skipping whole subtrees. Only the first character of each run
    /// needs a look: later ones have their predecessor as left origin, so they never stop the scan.
    private func findDestination(left: Location, right: Location, replica: ReplicaID) -> Location {
        var current = successor(of: left)
        var destination = current
        var scanning = false
        while current != .end {
            if !scanning { destination = current }
            if current >= right { break }
            let other = run(at: current)
            let otherLeft = locate(other.originLeft(at: current.offset), noneIs: .start)
            if otherLeft < left { break }
            if otherLeft == left {
                let otherRight = locate(other.originRight, noneIs: .end)
                if otherRight < right {
                    scanning = true
                } else if otherRight == right {
                    if replica < replicas[Int(other.replica)] { break }
                    scanning = false
                } else {
                    scanning = false
                }
            }
            if right.order == current.order, right.run == current.run, right.offset > current.offset {
                current = right
            } else {
                current = nextRunStart(after: current)
            }
        }
        if !scanning { destination = current }
        return destination
    }

    private mutating func integrate(_ deletion: Deletion, changes: inout [TextChange]) -> PackedID? {
        var spans: [(start: PackedID, length: UInt32)] = []
        spans.reserveCapacity(deletion.spans.count)
        for span in deletion.spans {
            let replica = intern(span.start.replica)
            let last = PackedID(replica: replica, counter: UInt32(span.endCounter - 1))
            if !isKnown(last) { return last }
            spans.append((PackedID(replica: replica, counter: span.start.counter), span.length))
        }
        var recorded: [TextChange]? = []
        for span in spans { deleteSpan(span, changes: &recorded) }
        changes.append(contentsOf: recorded!)
        return nil
    }
}
