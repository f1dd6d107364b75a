extension Replica {
    /// Ops that give any replica this document's whole state: every character ever inserted, with
    /// its original id and origins, and every deletion. A replica that already has some of it
    /// keeps what it has (ids it knows are skipped), so replicas restoring one another can never
    /// duplicate text, however many do it and in whatever order.
    ///
    /// Ordered so that each op refers only to characters of earlier ops: applied in order, on any
    /// replica, nothing waits (a relay can check each piece of them on its own). Deleted characters
    /// come with placeholder text (a snapshot keeps no deleted text) and are deleted by the op right
    /// after theirs. Ops still waiting here for characters not seen are not included.
    public func restorationOps() -> [Op] {
        // Runs in document order, and which run holds each character a run depends on.
        var runs: [Run] = []
        runs.reserveCapacity(runCount)
        var runIndex: [UInt64: Int] = [:]
        for leafID in order {
            for run in leaves[Int(leafID)].runs {
                runIndex[run.id(at: 0).raw] = runs.count
                runs.append(run)
            }
        }
        func holder(of id: PackedID) -> Int? {
            guard !id.isNone else { return nil }
            if let index = runIndex[id.raw] { return index }
            let location = locate(id, noneIs: .end)
            return runIndex[run(at: location).id(at: 0).raw]
        }
        // Every character a run depends on is older than the run's first character (its origins,
        // and the previous character of its replica), so the runs form an acyclic graph: emit it
        // depth first, dependencies before dependants.
        func dependency(_ step: Int, of run: Run) -> PackedID {
            switch step {
            case 0: run.counter == 0 ? .none : PackedID(replica: run.replica, counter: run.counter - 1)
            case 1: run.originLeft
            default: run.originRight
            }
        }
        // 0: not reached, 1: on the stack, 2: emitted.
        var state = [UInt8](repeating: 0, count: runs.count)
        var emitted: [Int] = []
        emitted.reserveCapacity(runs.count)
        var stack: [(run: Int, step: Int)] = []
        for root in runs.indices where state[root] == 0 {
            stack.append((root, 0))
            state[root] = 1
            while let top = stack.last {
                if top.step < 3 {
                    stack[stack.count - 1].step += 1
                    if let next = holder(of: dependency(top.step, of: runs[top.run])), state[next] == 0 {
                        state[next] = 1
                        stack.append((next, 0))
                    }
                } else {
                    stack.removeLast()
                    state[top.run] = 2
                    emitted.append(top.run)
                }
            }
        }
        // Runs that continue each other become one insertion; the text is gathered as UTF-8 and
        // the op made once (appending to an op's text, or to a scalar view, copies it every time).
        var ops: [Op] = []
        var open: (insertion: Insertion, utf8: [UInt8], scalars: Int, deletedFrom: UInt32?)?
        func close() {
            guard let current = open else { return }
            var insertion = current.insertion
            insertion.replaceText(String(decoding: current.utf8, as: UTF8.self))
            ops.append(.insert(insertion))
            if let from = current.deletedFrom {
                let end = insertion.id.counter + UInt32(insertion.length)
                ops.append(.delete(Deletion(spans: [IDSpan(start: CharID(replica: insertion.id.replica, counter: from), length: end - from)])))
            }
            open = nil
        }
        for index in emitted {
            let run = runs[index]
            let id = unpack(run.id(at: 0))!
            let originLeft = unpack(run.originLeft), originRight = unpack(run.originRight)
            if let current = open,
               id.replica == current.insertion.id.replica,
               UInt64(id.counter) == UInt64(current.insertion.id.counter) + UInt64(current.scalars),
               originLeft == CharID(replica: id.replica, counter: id.counter &- 1),
               originRight == current.insertion.originRight,
               run.isDeleted == (current.deletedFrom != nil) {
                // Continues the open insertion (and, for tombstones, its deletion).
            } else {
                close()
                open = (Insertion(id: id, originLeft: originLeft, originRight: originRight, text: ""), [], 0,
                        run.isDeleted ? id.counter : nil)
            }
            open!.scalars += Int(run.length)
            if run.isDeleted {
                for _ in 0..<run.length { open!.utf8.append(contentsOf: [0xEF, 0xBF, 0xBD]) }  // U+FFFD
            } else {
                let start = Int(run.content)
                arena.slice(start..<start + Int(run.length)).appendUTF8(to: &open!.utf8)
            }
        }
        close()
        return ops
    }

    /// Takes another copy's whole state (a snapshot, FORMAT.md) into this one: afterwards this
    /// replica holds everything either had. Unlike loading the snapshot, nothing this replica had
    /// and the snapshot lacks is lost.
    /// - Returns: the visible changes, in order, for views to follow.
    /// - Throws: `DecodingError` when the snapshot does not load; `CRDTError` when its ops do not
    ///   apply here (nothing of them is applied then only if the first fails).
    @discardableResult
    public mutating func merge(snapshot: [UInt8]) throws -> [TextChange] {
        let other = try Replica(snapshot: snapshot, replicaID: replicaID)
        return try apply(other.restorationOps() + other.pendingOps)
    }
}
