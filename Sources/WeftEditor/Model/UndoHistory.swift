import WeftCRDT

/// Undo and redo of this user's own edits. Steps name characters by id, not offset: undoing
/// an insertion removes exactly the characters typed here (whatever others did around them),
/// and undoing a deletion types the removed text again where it was. A remote edit is never undone.
struct UndoHistory: Sendable {
    enum Step: Sendable {
        /// Remove these characters (those still visible).
        case remove([IDSpan])
        /// Type `text` again at `anchor`: the characters `ids` that were removed from there.
        case restore(text: String, ids: [IDSpan], at: Anchor)
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
    /// Characters undo or redo typed again, for steps recorded before that name their old ids.
    var retyped = RetypedCharacters()
    private var lastKind: Kind?
    private var lastTime = -Double.infinity
    /// While above zero, every step joins one group (a command repeated by a count, a vim insert);
    /// `groupStarted` says whether that group is on the stack yet. Groups nest: a count around
    /// an insert makes one group.
    private var groupDepth = 0
    private var groupStarted = false
    /// A modal keymap's insert is open: what is typed until it ends undoes as one step, as in vim.
    private(set) var insertOpen = false
    /// Memory bound: the oldest groups go first.
    static let limit = 10_000

    /// Records the steps that undo one edit made at `now`.
    mutating func record(_ steps: [Step], kind: Kind, now: Double, burst: Double) {
        guard !steps.isEmpty else { return }
        redoStack.removeAll()
        if groupDepth > 0, groupStarted, !undoStack.isEmpty {
            undoStack[undoStack.count - 1].steps += steps
        } else if kind == .typing, lastKind == .typing, now - lastTime <= burst, !undoStack.isEmpty {
            undoStack[undoStack.count - 1].steps += steps
        } else {
            undoStack.append(Group(steps: steps))
            if undoStack.count > Self.limit { undoStack.removeFirst(undoStack.count - Self.limit) }
        }
        lastKind = kind
        lastTime = now
        if groupDepth > 0 { groupStarted = true }
    }

    /// Starts one group for all steps recorded until the matching `endGroup`.
    mutating func beginGroup() {
        if groupDepth == 0 {
            close()
            groupStarted = false
        }
        groupDepth += 1
    }

    mutating func endGroup() {
        groupDepth = max(0, groupDepth - 1)
        if groupDepth == 0 { close() }
    }

    /// Starts a modal keymap's insert (vim's `i`, `a`, `o`…): one group until `endInsert`.
    mutating func beginInsert() {
        guard !insertOpen else { return }
        insertOpen = true
        beginGroup()
    }

    mutating func endInsert() {
        guard insertOpen else { return }
        insertOpen = false
        endGroup()
    }

    /// Ends every open group and burst (before an undo or redo runs).
    mutating func endAll() {
        insertOpen = false
        groupDepth = 0
        close()
    }

    /// Ends the current typing burst (the cursor moved, the mode changed).
    mutating func close() { lastKind = nil }

    /// Whether `replica` knows every character the steps name: a replica that replaced the one
    /// they were made on (the relay's copy after it lost its data and was given this one back, a
    /// snapshot) holds the same characters, and undo goes on working there. A replica of other
    /// text (a document made again under the name) does not, and the steps would type old text
    /// into it.
    func applies(to replica: Replica) -> Bool {
        var highest: [ReplicaID: UInt32] = [:]
        func note(_ id: CharID, length: UInt32 = 1) {
            let last = id.counter + length - 1
            highest[id.replica] = max(highest[id.replica] ?? 0, last)
        }
        for group in [undoStack, redoStack].joined() {
            for step in group.steps {
                switch step {
                case .remove(let spans):
                    for span in spans { note(span.start, length: span.length) }
                case .restore(_, let ids, let anchor):
                    for span in ids { note(span.start, length: span.length) }
                    switch anchor {
                    case .before(let id), .after(let id): note(id)
                    case .start, .end: break
                    }
                }
            }
        }
        return highest.allSatisfy { replica.knownCount(of: $0.key) > $0.value }
    }
}
