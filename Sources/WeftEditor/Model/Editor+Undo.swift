import WeftCRDT

extension Editor {
    mutating func undo(redoing: Bool, now: Double) {
        guard canEdit() else { return }
        undoHistory.endAll()
        keysTogether = false
        guard let group = redoing ? undoHistory.redoStack.popLast() : undoHistory.undoStack.popLast() else {
            show(redoing ? "nothing to redo" : "nothing to undo (only your own edits undo)")
            return
        }
        var ops: [Op] = []
        var inverse: [UndoHistory.Step] = []
        var changed: Range<Int>?
        for step in group.steps.reversed() {
            let (stepOps, stepInverse, place) = run(step)
            ops += stepOps
            inverse += stepInverse
            if let place { changed = place }
        }
        if redoing { undoHistory.undoStack.append(UndoHistory.Group(steps: inverse)) } else { undoHistory.redoStack.append(UndoHistory.Group(steps: inverse)) }
        if !ops.isEmpty {
            send(ops)
            version += 1
        } else {
            show(redoing ? "redo: others removed that text already" : "undo: others removed that text already")
        }
        selectionAnchor = nil
        markActive = false
        if let changed { showChange(changed) }
        clampToCharacter()
    }

    /// Scrolls to where an undo or redo changed the text, its start on screen (all of it when it
    /// fits), and puts the cursor there: at its start on a block cursor (vim), else after it.
    private mutating func showChange(_ range: Range<Int>) {
        ensureVisible(range.upperBound)
        ensureVisible(range.lowerBound)
        moveCursor(to: keymap.blockCursorModes.contains(mode) ? range.lowerBound : range.upperBound)
        // Text taken out at the end (a paste undone) leaves the view below what is left: the
        // screen fills from above, as vim's does, instead of showing one line and `~` rows.
        fillScreenFromAbove()
    }

    /// Runs one undo step: the ops it made, the steps that reverse it, and the text it changed
    /// (an empty range where text was taken out).
    private mutating func run(_ step: UndoHistory.Step) -> ([Op], [UndoHistory.Step], Range<Int>?) {
        switch step {
        case .remove(let spans):
            let runs = replica.visibleRanges(of: spans.flatMap(undoHistory.retyped.current))
            var ops: [Op] = []
            var inverse: [UndoHistory.Step] = []
            for range in runs.reversed() {
                let text = replica.text(in: range)
                let place = replica.anchor(at: range.lowerBound)  // as in `replace`
                if let op = try? replica.delete(range), case .delete(let deletion) = op {
                    ops.append(op)
                    inverse.append(.restore(text: text, ids: deletion.spans, at: place))
                }
            }
            return (ops, inverse, runs.first.map { $0.lowerBound..<$0.lowerBound })
        case .restore(let text, let ids, let anchor):
            let position = min(replica.position(of: undoHistory.retyped.current(anchor)) ?? replica.count, replica.count)
            guard let op = try? replica.insert(text, at: position), case .insert(let insertion) = op else { return ([], [], nil) }
            undoHistory.retyped.record(ids, retypedFrom: insertion.id)
            return ([op], [.remove([IDSpan(start: insertion.id, length: UInt32(insertion.length))])], position..<position + insertion.length)
        }
    }
}
