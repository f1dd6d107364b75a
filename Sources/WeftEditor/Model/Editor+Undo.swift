import WeftCRDT

extension Editor {
    mutating func undo(redoing: Bool, now: Double) {
        guard canEdit() else { return }
        guard let group = redoing ? undoHistory.redoStack.popLast() : undoHistory.undoStack.popLast() else {
            show(redoing ? "nothing to redo" : "nothing to undo (only your own edits undo)")
            return
        }
        var ops: [Op] = []
        var inverse: [UndoHistory.Step] = []
        var landing: Int?
        for step in group.steps.reversed() {
            let (stepOps, stepInverse, place) = run(step)
            ops += stepOps
            inverse += stepInverse
            if let place { landing = place }
        }
        undoHistory.close()
        if redoing { undoHistory.undoStack.append(UndoHistory.Group(steps: inverse)) } else { undoHistory.redoStack.append(UndoHistory.Group(steps: inverse)) }
        if !ops.isEmpty {
            outgoing.append(ops)
            version += 1
        } else {
            show(redoing ? "redo: others removed that text already" : "undo: others removed that text already")
        }
        if let landing { moveCursor(to: landing) }
        selectionAnchor = nil
        markActive = false
        clampToCharacter()
    }

    /// Runs one undo step: the ops it made, the steps that reverse it, and where the cursor goes.
    private mutating func run(_ step: UndoHistory.Step) -> ([Op], [UndoHistory.Step], Int?) {
        switch step {
        case .remove(let spans):
            var positions: [Int] = []
            for span in spans {
                for index in 0..<span.length {
                    let id = CharID(replica: span.start.replica, counter: span.start.counter + index)
                    guard let position = replica.position(of: .before(id)), position < replica.count, replica.id(at: position) == id else { continue }
                    positions.append(position)
                }
            }
            positions.sort()
            var runs: [Range<Int>] = []
            for position in positions {
                if let last = runs.last, last.upperBound == position { runs[runs.count - 1] = last.lowerBound..<position + 1 } else { runs.append(position..<position + 1) }
            }
            var ops: [Op] = []
            var inverse: [UndoHistory.Step] = []
            for range in runs.reversed() {
                let text = replica.text(in: range)
                let place = replica.anchor(at: range.lowerBound)  // as in `replace`
                if let op = try? replica.delete(range) {
                    ops.append(op)
                    inverse.append(.restore(text: text, at: place))
                }
            }
            return (ops, inverse, runs.first?.lowerBound)
        case .restore(let text, let anchor):
            let position = min(replica.position(of: anchor) ?? replica.count, replica.count)
            guard let op = try? replica.insert(text, at: position), case .insert(let insertion) = op else { return ([], [], nil) }
            return ([op], [.remove([IDSpan(start: insertion.id, length: UInt32(insertion.length))])], position + insertion.length)
        }
    }
}
