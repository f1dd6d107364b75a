import WeftCRDT

/// Undo and redo of this user's own edits. Steps name characters by id, not offset: undoing
/// an insertion removes exactly the characters typed here (whatever others did around them),
/// and undoing a deletion types the removed text again where it was. A remote edit is never undone.
struct UndoHistory: Sendable {
    enum Step: Sendable {
        /// Remove these characters (those still visible).
        case remove([IDSpan])
        /// Type `text` again at `anchor` (where removed characters were).
        case restore(text: String, at: Anchor)
    }

    /// Steps run last to first by undo; running them yields the redo group.
    struct Group: Sendable {
        var steps: [Step]
    }

    enum Kind: Equatable, Sendable {
        /// Typing: bursts of it undo together.
        case typing
        /// Anything else undoes on its own.
        case other
    }

    var undoStack: [Group] = []
    var redoStack: [Group] = []
    private var lastKind: Kind?
    private var lastTime = -Double.infinity
    /// While set, every step joins one group (a command repeated by a count undoes at once);
    /// `groupStarted` says whether that group is on the stack yet.
    private var grouping = false
    private var groupStarted = false
    /// Memory bound: the oldest groups go first.
    static let limit = 10_000

    /// Records the steps that undo one edit made at `now`.
    mutating func record(_ steps: [Step], kind: Kind, now: Double, burst: Double) {
        guard !steps.isEmpty else { return }
        redoStack.removeAll()
        if grouping, groupStarted, !undoStack.isEmpty {
            undoStack[undoStack.count - 1].steps += steps
        } else if kind == .typing, lastKind == .typing, now - lastTime <= burst, !undoStack.isEmpty {
            undoStack[undoStack.count - 1].steps += steps
        } else {
            undoStack.append(Group(steps: steps))
            if undoStack.count > Self.limit { undoStack.removeFirst(undoStack.count - Self.limit) }
        }
        lastKind = kind
        lastTime = now
        if grouping { groupStarted = true }
    }

    /// Starts one group for all steps recorded until `endGroup`.
    mutating func beginGroup() {
        close()
        grouping = true
        groupStarted = false
    }

    mutating func endGroup() {
        grouping = false
        close()
    }

    /// Ends the current typing burst (the cursor moved, the mode changed).
    mutating func close() { lastKind = nil }
}
