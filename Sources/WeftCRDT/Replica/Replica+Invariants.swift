extension Replica {
    /// Checks every structural invariant and stops the process with a description of the first one
    /// broken. O(n): for tests and fuzzers, after every mutation.
    public func checkInvariants() {
        precondition(replicas.count == counts.count && replicas.count == idIndex.entries.count, "replica tables differ in size")
        precondition(replicaIndex.count == replicas.count, "replica index size")
        for (index, replica) in replicas.enumerated() {
            precondition(replicaIndex[replica] == UInt32(index), "replica index of \(replica)")
            let entries = idIndex.entries[index]
            precondition(entries.isEmpty == (counts[index] == 0), "id index of \(replica) is empty or not as its count")
            precondition(entries.first.map { $0.start == 0 } ?? true, "id index of \(replica) does not start at 0")
            precondition(entries.last.map { $0.start < counts[index] } ?? true, "id index of \(replica) goes past its count")
            for (earlier, later) in zip(entries, entries.dropFirst()) {
                precondition(earlier.start < later.start && earlier.leaf != later.leaf, "id index of \(replica) is out of order or not merged")
            }
        }
        precondition(insertedCharacters == counts.reduce(0) { $0 + Int($1) }, "inserted character total")
        precondition(order.count == leaves.count && orderOf.count == leaves.count, "leaf order tables")
        precondition(visibleTree.count == order.count && newlineTree.count == order.count, "tree sizes")
        var seen = Array(repeating: [Bool](), count: replicas.count)
        for index in replicas.indices { seen[index] = Array(repeating: false, count: Int(counts[index])) }
        var visibleTotal = 0, newlineTotal = 0
        for (position, leafID) in order.enumerated() {
            precondition(orderOf[Int(leafID)] == UInt32(position), "orderOf of leaf \(leafID)")
            let leaf = leaves[Int(leafID)]
            precondition(!leaf.runs.isEmpty && leaf.runs.count <= Leaf.maxRuns, "leaf \(leafID) has \(leaf.runs.count) runs")
            var visible = 0, newlineSum = 0
            for run in leaf.runs {
                precondition(run.length > 0, "empty run")
                precondition(Int(run.replica) < replicas.count, "run replica")
                precondition(isKnown(run.originLeft) && isKnown(run.originRight), "run origin unknown")
                if !run.isDeleted {
                    precondition(Int(run.content) + Int(run.length) <= arena.count, "run content outside arena")
                    precondition(run.length <= Run.maxLength, "visible run of \(run.length) scalars, over \(Run.maxLength)")
                }
                visible += run.visibleLength
                newlineSum += newlines(in: run)
                for counter in Int(run.counter)..<Int(run.counter) + Int(run.length) {
                    precondition(counter < seen[Int(run.replica)].count, "run id beyond count")
                    precondition(!seen[Int(run.replica)][counter], "id \(replicas[Int(run.replica)])@\(counter) stored twice")
                    seen[Int(run.replica)][counter] = true
                    precondition(idIndex.leaf(replica: run.replica, counter: UInt32(counter)) == leafID, "id index points to the wrong leaf")
                }
            }
            precondition(leaf.visible == visible, "leaf \(leafID) visible \(leaf.visible) != \(visible)")
            precondition(leaf.newlines == newlineSum, "leaf \(leafID) newlines \(leaf.newlines) != \(newlineSum)")
            precondition(visibleTree.prefix(position) == visibleTotal, "visible tree prefix at \(position)")
            precondition(newlineTree.prefix(position) == newlineTotal, "newline tree prefix at \(position)")
            visibleTotal += visible
            newlineTotal += newlineSum
        }
        precondition(seen.allSatisfy { $0.allSatisfy { $0 } }, "an integrated id is missing from the document")
        precondition(visibleTotal == count && newlineTotal == newlineCount, "document totals")
        if let cursor {
            precondition(cursor.order < order.count && visibleTree.prefix(cursor.order) == cursor.start, "cursor cache is stale")
        }
        // Origins sit on the correct sides of every run.
        for position in order.indices {
            let runs = leaves[Int(order[position])].runs
            for index in runs.indices {
                let here = Location(order: position, run: index, offset: 0)
                let run = runs[index]
                precondition(locate(run.originLeft, noneIs: .start) < here, "left origin of a run is not left of it")
                precondition(locate(run.originRight, noneIs: .end) > here, "right origin of a run is not right of it")
            }
        }
    }
}
