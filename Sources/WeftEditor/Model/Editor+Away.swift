import WeftCRDT
import WeftWire

/// Text others inserted while this user was away: the ids of what arrived while this copy caught
/// up with the relay on opening. Shown marked until a key is pressed (the key that goes to the
/// next of them excepted).
struct AwayMarks {
    /// Whether insertions arriving now are others' work done while this user was away.
    var collecting = false
    /// The inserted ids, consecutive ones of one replica joined.
    var spans: [IDSpan] = []
    /// The replicas that inserted them.
    var authors: Set<ReplicaID> = []
    /// The last key went to one of them: the marks stay for the next.
    var jumped = false
    /// The message about them, while it is still on the message line: named again when one of
    /// their authors turns out to be here (presence comes just after the catch-up).
    var announced: String?

    /// Notes what `ops` insert that this copy did not hold: `knownCount` says how many of a
    /// replica's characters it held before they applied. A copy given back to a relay that lost
    /// history comes back to everyone as batches holding the whole document: only what is new
    /// here was added while this user was away.
    mutating func note(_ ops: [Op], knownCount: (ReplicaID) -> UInt32) {
        var known: [ReplicaID: UInt32] = [:]
        for case .insert(let insertion) in ops {
            let replica = insertion.id.replica
            let held = known[replica] ?? knownCount(replica)
            guard let span = insertion.ids(beyond: held) else { continue }
            known[replica] = span.start.counter + span.length
            authors.insert(replica)
            if let last = spans.last, last.start.replica == span.start.replica, last.endCounter == UInt64(span.start.counter) {
                spans[spans.count - 1].length += span.length
            } else {
                spans.append(span)
            }
        }
    }
}

extension Editor {
    /// From now until ``endAwayCatchUp()``, what others' batches insert is marked as changed while
    /// this user was away. For a copy opened from this machine's cache: a first copy has nothing
    /// to compare with.
    public mutating func beginAwayCatchUp() {
        away = AwayMarks()
        away.collecting = true
    }

    /// The copy has caught up with the relay: what arrived stays marked, and the message line says
    /// how much and by whom (the people here now by name; others counted).
    public mutating func endAwayCatchUp() {
        guard away.collecting else { return }
        away.collecting = false
        guard awayRanges.contains(where: { !$0.isEmpty }) else { away = AwayMarks(); return }
        announceAwayChanges()
    }

    /// Says on the message line how much others added while away, and by whom.
    private mutating func announceAwayChanges() {
        let count = awayRanges.reduce(0) { $0 + $1.count }
        let named = Set(away.authors.compactMap { peers[$0]?.userName }).sorted()
        let unnamed = away.authors.filter { peers[$0] == nil }.count
        var by = named.joined(separator: ", ")
        if unnamed > 0 { by += (by.isEmpty ? "" : " and ") + (unnamed == 1 ? (by.isEmpty ? "someone not here now" : "1 other") : "\(unnamed) others") }
        let key = keymap.keys(for: .nextChange, in: mode).map { " · \($0.keyNames) goes to each" } ?? ""
        let text = "while you were away: \(count) \(count == 1 ? "character" : "characters") added by \(by)\(key)"
        show(text)
        away.announced = text
    }

    /// Someone's presence arrived: if they wrote some of what is marked and the message about it
    /// is still shown, it names them now.
    mutating func renameAwayAuthors(arriving replica: ReplicaID) {
        guard let announced = away.announced, message?.text == announced, away.authors.contains(replica) else { return }
        announceAwayChanges()
    }

    /// Where the text added while away is now (deleted parts left out).
    var awayRanges: [Range<Int>] { away.spans.isEmpty ? [] : replica.visibleRanges(of: away.spans) }

    /// After each key: the marks go, unless that key went to one of them.
    mutating func settleAwayMarks() {
        guard !away.spans.isEmpty || away.collecting else { return }
        if away.jumped {
            away.jumped = false
        } else {
            away = AwayMarks()
        }
    }

    /// To the start of the next text added while away, after the cursor (round to the first).
    mutating func jumpToNextAwayChange() {
        let ranges = awayRanges
        guard !ranges.isEmpty else {
            away = AwayMarks()
            show("nothing others added while you were away is left to show")
            return
        }
        let from = isPager ? replica.lineStart(topLine + 1) : cursorPosition + 1
        let index = ranges.firstIndex { $0.lowerBound >= from } ?? 0
        moveCursor(to: ranges[index].lowerBound)
        if isPager { putAtTop(ranges[index].lowerBound) }
        away.jumped = true
        show("change \(index + 1) of \(ranges.count) added while you were away")
    }
}
