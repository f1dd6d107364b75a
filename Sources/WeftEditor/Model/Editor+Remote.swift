import WeftCRDT
import WeftWire

extension Editor {
    /// Applies a batch others made. The cursor, selection and view stay on their characters.
    public mutating func applyRemote(_ ops: [Op]) throws(CRDTError) {
        let before = cursorPosition
        defer {
            version += 1
            if replica.position(of: cursor) == nil { cursorFallback = before }
            clampToCharacter()
            if following != nil { ensureCursorVisible() }
            afterTextChange()
        }
        var heldBefore: [ReplicaID: UInt32] = [:]
        if away.collecting {
            for case .insert(let insertion) in ops where heldBefore[insertion.id.replica] == nil {
                heldBefore[insertion.id.replica] = replica.knownCount(of: insertion.id.replica)
            }
        }
        try replica.apply(ops)
        if away.collecting { away.note(ops) { heldBefore[$0] ?? 0 } }
        if authorsShown != nil { noteWritersForAuthors(ops) }
    }

    /// Replaces the whole replica (the relay sent a snapshot, or the document was reset). The
    /// cursor keeps its character if it still exists, else its offset. Undo goes on when the
    /// fresh replica holds every character it names (the same document), else it starts afresh.
    public mutating func replaceReplica(_ fresh: Replica) {
        let position = cursorPosition
        let line = topLine
        if !undoHistory.applies(to: fresh) { undoHistory = UndoHistory() }
        replica = fresh
        version += 1
        if replica.position(of: cursor) == nil { moveCursor(to: position) }
        if replica.position(of: top) == nil { setTop(line: line, row: 0) }
        selectionAnchor = nil
        markActive = false
        clampToCharacter()
        if isPager { afterTextChange() } else { ensureCursorVisible() }
    }

    /// Records another person's presence (nil when they left).
    public mutating func setPresence(_ presence: Presence?, of replica: ReplicaID) {
        let arriving = peers[replica] == nil && presence != nil
        peers[replica] = presence
        if arriving { renameAwayAuthors(arriving: replica) }
        if presence == nil, following == replica {
            following = nil
            show("the person you followed left")
        }
        if following == replica { ensureCursorVisible() }
    }

    /// Follows the next person (by name): the view keeps their cursor on screen until a key stops it.
    mutating func followNextPeer() {
        let people = peers.sorted { ($0.value.userName, $0.key.rawValue) < ($1.value.userName, $1.key.rawValue) }
        guard !people.isEmpty else { show("nobody else is in this document"); return }
        let index = following.flatMap { current in people.firstIndex { $0.key == current } }.map { ($0 + 1) % people.count } ?? 0
        following = people[index].key
        show("following \(people[index].value.userName) (any other key stops)")
        ensureCursorVisible()
    }

    /// The name of the person followed, if any.
    public var followedName: String? { following.flatMap { peers[$0]?.userName } }
}
