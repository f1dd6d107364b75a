import WeftCRDT

/// The reference for undo and redo: the document as a plain list of characters, each with an
/// identity that survives being removed and typed back, deleted ones kept in place (as the CRDT
/// keeps tombstones). No ids, no anchors to resolve, no CRDT: an edit says which characters it
/// removed and where it typed; undo shows and hides characters by identity.
///
/// Where text goes follows the one rule every replica follows: new text lands right after the
/// visible character before it, ahead of any deleted ones that follow that character. Text typed
/// back by undo lands right after the character that preceded it when it was removed (or, if that
/// one is gone too, after the visible character before where it was).
struct UndoModel {
    struct Character {
        let identity: Int
        let scalar: Unicode.Scalar
        var visible: Bool
        /// Its id in the real replica now (read back after every step).
        var id: CharID?
    }

    enum Step {
        case remove([Int])
        /// Show `identities` again right after `anchor` (nil: the start).
        case restore([Int], after: Int?)
    }

    private(set) var characters: [Character] = []
    private(set) var undoStack: [[Step]] = []
    private(set) var redoStack: [[Step]] = []
    private var nextIdentity = 0

    init(text: String) {
        for scalar in text.unicodeScalars { characters.append(fresh(scalar)) }
    }

    var text: String { String(String.UnicodeScalarView(characters.lazy.filter(\.visible).map(\.scalar))) }

    private var visibleIndices: [Int] { characters.indices.filter { characters[$0].visible } }

    /// The identity of the visible character at `position`.
    func identity(at position: Int) -> Int { characters[visibleIndices[position]].identity }

    private mutating func fresh(_ scalar: Unicode.Scalar) -> Character {
        defer { nextIdentity += 1 }
        return Character(identity: nextIdentity, scalar: scalar, visible: true)
    }

    private func index(of identity: Int) -> Int { characters.firstIndex { $0.identity == identity }! }

    /// Where text typed at visible `position` goes in the list.
    private func insertionIndex(atVisible position: Int) -> Int {
        position == 0 ? 0 : visibleIndices[position - 1] + 1
    }

    // MARK: Edits

    /// Someone typed `scalars` at visible `position`; returns their identities.
    @discardableResult
    mutating func insert(_ scalars: [Unicode.Scalar], at position: Int) -> [Int] {
        let new = scalars.map { fresh($0) }
        characters.insert(contentsOf: new, at: insertionIndex(atVisible: position))
        return new.map(\.identity)
    }

    /// Someone removed the visible characters `range`; returns them.
    @discardableResult
    mutating func delete(_ range: Range<Int>) -> [Int] {
        let indices = Array(visibleIndices[range])
        for index in indices { characters[index].visible = false }
        return indices.map { characters[$0].identity }
    }

    /// This user's edit: `removed` (visible, consecutive) taken out, then `typed` at visible
    /// `position`. Returns the steps that undo it.
    mutating func localEdit(removing removed: [Int], typing typed: [Unicode.Scalar], at position: Int) -> [Step] {
        var steps: [Step] = []
        if let first = removed.first {
            let start = visibleIndices.firstIndex { characters[$0].identity == first }!
            let anchor = start == 0 ? nil : identity(at: start - 1)
            delete(start..<start + removed.count)
            steps.append(.restore(removed, after: anchor))
        }
        if !typed.isEmpty { steps.append(.remove(insert(typed, at: position))) }
        return steps
    }

    /// Records the steps of an edit, as a group of its own or joined to the last one.
    mutating func record(_ steps: [Step], joiningLast: Bool) {
        guard !steps.isEmpty else { return }
        redoStack.removeAll()
        if joiningLast, !undoStack.isEmpty { undoStack[undoStack.count - 1] += steps } else { undoStack.append(steps) }
    }

    /// Undo (or redo): runs the group's steps last to first; the steps that reverse them become
    /// the group on the other stack. Returns whether there was a group.
    @discardableResult
    mutating func undo(redoing: Bool) -> Bool {
        guard let group = redoing ? redoStack.popLast() : undoStack.popLast() else { return false }
        var inverse: [Step] = []
        for step in group.reversed() { inverse += run(step) }
        if redoing { undoStack.append(inverse) } else { redoStack.append(inverse) }
        return true
    }

    private mutating func run(_ step: Step) -> [Step] {
        switch step {
        case .remove(let identities):
            let wanted = Set(identities)
            let positions = visibleIndices.enumerated().filter { wanted.contains(characters[$0.element].identity) }.map(\.offset)
            var runs: [Range<Int>] = []
            for position in positions {
                if let last = runs.last, last.upperBound == position { runs[runs.count - 1] = last.lowerBound..<position + 1 } else { runs.append(position..<position + 1) }
            }
            var inverse: [Step] = []
            for range in runs.reversed() {
                let anchor = range.lowerBound == 0 ? nil : identity(at: range.lowerBound - 1)
                inverse.append(.restore(delete(range), after: anchor))
            }
            return inverse
        case .restore(let identities, let anchor):
            var position = 0
            if let anchor {
                let anchorIndex = index(of: anchor)
                position = characters[..<anchorIndex].filter(\.visible).count + (characters[anchorIndex].visible ? 1 : 0)
            }
            var moved: [Character] = identities.map { characters[index(of: $0)] }
            characters.removeAll { identities.contains($0.identity) }
            for index in moved.indices {
                moved[index].visible = true
                moved[index].id = nil
            }
            characters.insert(contentsOf: moved, at: insertionIndex(atVisible: position))
            return [.remove(identities)]
        }
    }

    // MARK: Ids in the real replica

    /// The identity of the visible character whose id in the replica is `id`.
    func identity(ofID id: CharID) -> Int? { characters.first { $0.visible && $0.id == id }?.identity }

    /// Reads back each visible character's id from `replica` (whose text must equal `text`), and
    /// returns the characters that kept a known id but now have another: a step must not type
    /// again what it did not remove.
    mutating func readIDs(from replica: Replica) -> [Int] {
        var changed: [Int] = []
        for (position, index) in visibleIndices.enumerated() {
            let id = replica.id(at: position)
            if let known = characters[index].id, known != id { changed.append(characters[index].identity) }
            characters[index].id = id
        }
        return changed
    }
}
