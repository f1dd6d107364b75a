extension Replica {
    /// Changes the cached counts of the leaf at `leafOrder` and the trees above it.
    mutating func adjustCounts(leafOrder: Int, visible: Int, newlines: Int) {
        let leafID = Int(order[leafOrder])
        if visible != 0 {
            leaves[leafID].visible += visible
            visibleTree.add(visible, at: leafOrder)
            count += visible
        }
        if newlines != 0 {
            leaves[leafID].newlines += newlines
            newlineTree.add(newlines, at: leafOrder)
            newlineCount += newlines
        }
        if let cursor, leafOrder < cursor.order { self.cursor = nil }
    }

    func newlines(in run: Run, from offset: Int = 0, count length: Int? = nil) -> Int {
        if run.isDeleted { return 0 }
        let start = Int(run.content) + offset
        return arena.newlines(in: start..<start + (length ?? Int(run.length) - offset))
    }

    /// Makes room for `scalars` more inserted scalars at once, so that applying a long history
    /// does not copy the text store each time it outgrows itself. Room that is never written
    /// costs address space, not memory. Growing, it at least doubles, as appending does: a
    /// history applied a little at a time must not copy the whole store at every step.
    public mutating func reserveCapacity(forInserting scalars: Int) {
        let wanted = arena.count + min(scalars, Self.maxInsertedCharacters)
        if wanted > arena.capacity { arena.reserveCapacity(max(wanted, 2 * arena.capacity)) }
    }

    /// Appends scalars to the arena; returns the offset of the first.
    mutating func store(_ text: String) -> (content: UInt32, length: Int, newlines: Int) {
        let content = UInt32(arena.count)
        let newlines = arena.append(text)
        return (content, arena.count - Int(content), newlines)
    }

    /// Records that ids `counter ..< counter + length` of `replica` now exist, in leaf `leafID`.
    mutating func registerIDs(replica: UInt32, counter: UInt32, length: Int, leafID: UInt32) {
        idIndex.append(replica: replica, counter: counter, leaf: leafID)
        counts[Int(replica)] = counter + UInt32(length)
        insertedCharacters += length
        if pendingCount > 0 {
            for arrived in counter..<counter + UInt32(length) {
                if let waiting = pending.removeValue(forKey: PackedID(replica: replica, counter: arrived).raw) {
                    pendingCount -= waiting.count
                    ready.append(contentsOf: waiting)
                }
            }
        }
    }

    /// Places `newRun` right after the character at `left` (nil: at the document start), extending
    /// the run there when `newRun` continues it. The run's ids must be the next of its replica.
    /// Returns the location of the new run's first character.
    @discardableResult
    mutating func insertRun(_ newRun: Run, after left: Location?, newlines: Int) -> Location {
        guard newRun.length > Run.maxLength, !newRun.isDeleted else {
            return insertPiece(newRun, after: left, newlines: newlines)
        }
        // Cut into pieces of at most `Run.maxLength`, each placed after the last character of the
        // one before: the same characters with the same origins, so the same document.
        var rest = newRun
        var previous = left
        while true {
            var piece = rest
            let more = rest.length > Run.maxLength
            if more { rest = piece.split(at: Int(Run.maxLength)) }
            let placed = insertPiece(piece, after: previous, newlines: self.newlines(in: piece))
            if !more { break }
            previous = Location(order: placed.order, run: placed.run, offset: placed.offset + Int(piece.length) - 1)
        }
        return locate(newRun.id(at: 0), noneIs: .start)
    }

    private mutating func insertPiece(_ newRun: Run, after left: Location?, newlines: Int) -> Location {
        let length = Int(newRun.length)
        guard let left else {
            if order.isEmpty { appendLeaf(Leaf()) }
            return placeRun(newRun, order: 0, index: 0, newlines: newlines)
        }
        let leafID = Int(order[left.order])
        let leftRun = leaves[leafID].runs[left.run]
        if left.offset == Int(leftRun.length) - 1 {
            if leftRun.canAbsorb(newRun) {
                leaves[leafID].runs[left.run].length += newRun.length
                registerIDs(replica: newRun.replica, counter: newRun.counter, length: length, leafID: UInt32(leafID))
                adjustCounts(leafOrder: left.order, visible: newRun.visibleLength, newlines: newlines)
                return Location(order: left.order, run: left.run, offset: left.offset + 1)
            }
            return placeRun(newRun, order: left.order, index: left.run + 1, newlines: newlines)
        }
        let tail = leaves[leafID].runs[left.run].split(at: left.offset + 1)
        leaves[leafID].runs.insert(tail, at: left.run + 1)
        return placeRun(newRun, order: left.order, index: left.run + 1, newlines: newlines)
    }

    private mutating func placeRun(_ newRun: Run, order leafOrder: Int, index: Int, newlines: Int) -> Location {
        let leafID = Int(order[leafOrder])
        leaves[leafID].runs.insert(newRun, at: index)
        registerIDs(replica: newRun.replica, counter: newRun.counter, length: Int(newRun.length), leafID: UInt32(leafID))
        adjustCounts(leafOrder: leafOrder, visible: newRun.visibleLength, newlines: newlines)
        if leaves[leafID].runs.count > Leaf.maxRuns {
            splitLeaf(at: leafOrder)
            let leftRuns = leaves[leafID].runs.count
            return index < leftRuns
                ? Location(order: leafOrder, run: index, offset: 0)
                : Location(order: leafOrder + 1, run: index - leftRuns, offset: 0)
        }
        return Location(order: leafOrder, run: index, offset: 0)
    }

    /// Hides `length` characters of the run at `location` from `location.offset` on (they must be
    /// visible and inside that run). Locations are invalid afterwards: the leaf may split.
    mutating func markDeleted(at location: Location, length: Int) {
        let leafID = Int(order[location.order])
        var index = location.run
        var target = leaves[leafID].runs[index]
        let removedNewlines = newlines(in: target, from: location.offset, count: length)
        if location.offset > 0 {
            let tail = leaves[leafID].runs[index].split(at: location.offset)
            index += 1
            leaves[leafID].runs.insert(tail, at: index)
            target = tail
        }
        if length < Int(target.length) {
            let tail = leaves[leafID].runs[index].split(at: length)
            leaves[leafID].runs.insert(tail, at: index + 1)
        }
        leaves[leafID].runs[index].content = Run.deleted
        adjustCounts(leafOrder: location.order, visible: -length, newlines: -removedNewlines)

        // Rejoin neighbouring tombstones so a burst of backspaces stays one run.
        let after = index + 1
        if after < leaves[leafID].runs.count, leaves[leafID].runs[index].canAbsorb(leaves[leafID].runs[after]) {
            leaves[leafID].runs[index].length += leaves[leafID].runs[after].length
            leaves[leafID].runs.remove(at: after)
        }
        if index > 0, leaves[leafID].runs[index - 1].canAbsorb(leaves[leafID].runs[index]) {
            leaves[leafID].runs[index - 1].length += leaves[leafID].runs[index].length
            leaves[leafID].runs.remove(at: index)
        }
        if leaves[leafID].runs.count > Leaf.maxRuns {
            splitLeaf(at: location.order)
        }
    }

    private mutating func appendLeaf(_ leaf: Leaf) {
        let leafID = UInt32(leaves.count)
        leaves.append(leaf)
        orderOf.append(UInt32(order.count))
        order.append(leafID)
        rebuildTrees()
    }

    /// Moves the upper half of an overfull leaf into a new leaf right after it.
    mutating func splitLeaf(at leafOrder: Int) {
        let leafID = Int(order[leafOrder])
        let half = leaves[leafID].runs.count / 2
        let moved = Array(leaves[leafID].runs[half...])
        leaves[leafID].runs.removeSubrange(half...)
        let newID = UInt32(leaves.count)
        var newLeaf = Leaf(runs: moved)
        for run in moved { newLeaf.visible += run.visibleLength }
        // Line feeds are counted in the shorter half only: the other half has the rest.
        let keptVisible = leaves[leafID].runs.reduce(0) { $0 + $1.visibleLength }
        if newLeaf.visible <= keptVisible {
            for run in moved { newLeaf.newlines += newlines(in: run) }
        } else {
            newLeaf.newlines = leaves[leafID].newlines - leaves[leafID].runs.reduce(0) { $0 + newlines(in: $1) }
        }
        // One pass over each replica's index entries for all of its moved runs.
        var replicasMoved: [UInt32] = []
        for run in moved where !replicasMoved.contains(run.replica) { replicasMoved.append(run.replica) }
        for replica in replicasMoved {
            let ranges = moved.lazy.filter { $0.replica == replica }.map { $0.counter..<$0.counter + $0.length }
            idIndex.move(replica: replica, ranges: Array(ranges), count: counts[Int(replica)], to: newID)
        }
        leaves[leafID].visible -= newLeaf.visible
        leaves[leafID].newlines -= newLeaf.newlines
        leaves.append(newLeaf)
        order.insert(newID, at: leafOrder + 1)
        orderOf.append(0)
        for position in (leafOrder + 1)..<order.count { orderOf[Int(order[position])] = UInt32(position) }
        rebuildTrees()
    }

    mutating func rebuildTrees() {
        let leaves = self.leaves
        visibleTree.rebuild(order.lazy.map { leaves[Int($0)].visible })
        newlineTree.rebuild(order.lazy.map { leaves[Int($0)].newlines })
        cursor = nil
    }
}
