extension Replica {
    func run(at location: Location) -> Run {
        leaves[Int(order[location.order])].runs[location.run]
    }

    func packedID(at location: Location) -> PackedID {
        run(at: location).id(at: location.offset)
    }

    /// The location of an integrated character; `none` maps to `.start` or `.end` as asked.
    func locate(_ id: PackedID, noneIs none: Location) -> Location {
        if id.isNone { return none }
        let leafID = idIndex.leaf(replica: id.replica, counter: id.counter)
        let runs = leaves[Int(leafID)].runs
        let replica = id.replica, counter = id.counter
        for index in runs.indices where runs[index].contains(replica: replica, counter: counter) {
            return Location(order: Int(orderOf[Int(leafID)]), run: index, offset: Int(counter - runs[index].counter))
        }
        preconditionFailure("id index points at a leaf without the id")
    }

    /// The location of the `position`-th visible character (`position < count`), remembering its
    /// leaf for the next call.
    mutating func locateVisible(_ position: Int) -> Location {
        let (location, leafStart) = findVisible(position)
        cursor = (location.order, leafStart)
        return location
    }

    /// The location of the `position`-th visible character and the visible offset of its leaf.
    func findVisible(_ position: Int) -> (Location, leafStart: Int) {
        let leafOrder: Int, leafStart: Int
        if let cursor, position >= cursor.start,
           position < cursor.start + leaves[Int(order[cursor.order])].visible {
            (leafOrder, leafStart) = cursor
        } else {
            (leafOrder, leafStart) = visibleTree.find(position)
        }
        var remaining = position - leafStart
        let runs = leaves[Int(order[leafOrder])].runs
        for index in runs.indices where !runs[index].isDeleted {
            let length = Int(runs[index].length)
            if remaining < length { return (Location(order: leafOrder, run: index, offset: remaining), leafStart) }
            remaining -= length
        }
        preconditionFailure("leaf visible count disagrees with its runs")
    }

    /// The number of visible characters before `location`.
    func visiblePosition(of location: Location) -> Int {
        if location == .end { return count }
        var position = visibleTree.prefix(location.order)
        let runs = leaves[Int(order[location.order])].runs
        for index in 0..<location.run { position += runs[index].visibleLength }
        if !runs[location.run].isDeleted { position += location.offset }
        return position
    }

    /// The character just before `location` (`.end` allowed), or nil at the document start.
    func predecessor(of location: Location) -> Location? {
        if location == .end {
            guard let lastOrder = order.indices.last else { return nil }
            let runs = leaves[Int(order[lastOrder])].runs
            return Location(order: lastOrder, run: runs.count - 1, offset: Int(runs[runs.count - 1].length) - 1)
        }
        if location.offset > 0 { return Location(order: location.order, run: location.run, offset: location.offset - 1) }
        if location.run > 0 {
            let length = Int(leaves[Int(order[location.order])].runs[location.run - 1].length)
            return Location(order: location.order, run: location.run - 1, offset: length - 1)
        }
        guard location.order > 0 else { return nil }
        let runs = leaves[Int(order[location.order - 1])].runs
        return Location(order: location.order - 1, run: runs.count - 1, offset: Int(runs[runs.count - 1].length) - 1)
    }

    /// The start of the run after the one holding `location`, or `.end`.
    func nextRunStart(after location: Location) -> Location {
        if location.run + 1 < leaves[Int(order[location.order])].runs.count {
            return Location(order: location.order, run: location.run + 1, offset: 0)
        }
        return location.order + 1 < order.count ? Location(order: location.order + 1, run: 0, offset: 0) : .end
    }

    /// The character just after `location` (`.start` allowed), or `.end`.
    func successor(of location: Location) -> Location {
        if location == .start { return order.isEmpty ? .end : Location(order: 0, run: 0, offset: 0) }
        if location.offset + 1 < Int(run(at: location).length) {
            return Location(order: location.order, run: location.run, offset: location.offset + 1)
        }
        return nextRunStart(after: location)
    }
}
