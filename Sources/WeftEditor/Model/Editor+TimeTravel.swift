import WeftCRDT

/// Time travel in the pager (`weft view DOC --at POINT`): `next-session` and `previous-session`
/// step through the document's editing sessions, each shown as its last batch left the text,
/// with what it inserted and the text it deleted marked in place; `next-change` and
/// `previous-change` go from one of its changes to the next. The status line names the session.
extension Editor {
    /// Lets the pager step through `travel`'s sessions (a past version of a document is paged);
    /// a step asked for while they were being read is taken now.
    public mutating func beginTimeTravel(_ travel: TimeTravel) {
        let asked = if case .reading(let step) = travelAwaited { step } else { Int?.none }
        self.travel = travel
        travelAwaited = nil
        if let asked { stepSession(by: asked) }
    }

    /// A past version is paged and its sessions are being read: stepping waits for them.
    public mutating func awaitTimeTravel() {
        travel = nil
        travelAwaited = .reading(step: nil)
    }

    /// The paged past version's sessions cannot be read: said at once when a step was asked for
    /// while they were being read; the next step asks for them again.
    public mutating func timeTravelUnavailable(_ problem: String) {
        let asked = if case .reading(let step) = travelAwaited { step } else { Int?.none }
        travelAwaited = .unavailable(problem)
        if asked != nil { stepSession(by: 0) }
    }

    /// Whether a past version is paged (its sessions here or on their way).
    var pagesPastVersion: Bool { travel != nil || travelAwaited != nil }

    /// The name on the status line: a past version paged as `NAME@SEQ` is named after the
    /// session on screen once one is (its last batch's sequence), not the version first opened.
    var shownDocumentName: String {
        guard let travel, let shown = travel.shown, let seq = travel.stops[shown].lastSeq,
              let at = status.document.lastIndex(of: "@"), status.document[status.document.index(after: at)...].allSatisfy(\.isNumber)
        else { return status.document }
        return "\(status.document[..<at])@\(seq)"
    }

    /// The session on screen: which of how many, and its label.
    public var travelSession: (index: Int, count: Int, label: String)? {
        guard let travel, let shown = travel.shown else { return nil }
        return (shown, travel.stops.count, travel.stops[shown].label)
    }

    /// Shows the session `delta` after the one on screen (before it, when negative); the first
    /// step shows the session that made the version first paged.
    mutating func stepSession(by delta: Int) {
        guard var travel else {
            switch travelAwaited {
            case .reading:
                travelAwaited = .reading(step: delta)
                return show("reading the document's history to step through its sessions…")
            case .unavailable(let problem) where delta == 0:
                return show("cannot step through this document's sessions: \(problem)", isError: true)
            case .unavailable:
                // The relay may answer now: ask again, and take the step if it does.
                travelAwaited = .reading(step: delta)
                terminalRequests.append(.readPastSessions)
                return show("reading the document's history again to step through its sessions…")
            case nil:
                return show("no history to step through: sessions are shown when a document's past is paged (weft view DOC --at POINT)", isError: true)
            }
        }
        let count = travel.stops.count
        guard count > 0 else { return show("this document's history has no editing sessions to show") }
        guard localTextState != .reading else { return show("the past version is still being read; try again in a moment") }
        let target = travel.shown.map { $0 + delta } ?? travel.start
        guard (0..<count).contains(target) else {
            return show(delta > 0 ? "no later session: this is the last of \(count)" : "no earlier session: this is the first of \(count)")
        }
        let changes: TimeTravel.Changes
        if let known = travel.recent[target] {
            changes = known
        } else {
            switch travel.changes(target) {
            case .failure(let problem):
                return show("cannot show session \(target + 1) of \(count): \(problem.message)", isError: true)
            case .success(let found):
                changes = found
            }
            travel.recent[target] = changes
            // The farthest from here goes first.
            while travel.recent.count > TimeTravel.recentLimit, let farthest = travel.recent.keys.max(by: { abs($0 - target) < abs($1 - target) }) {
                travel.recent[farthest] = nil
            }
        }
        var fresh = Replica(replicaID: replica.replicaID)
        if !changes.text.isEmpty, (try? fresh.insert(changes.text, at: 0)) == nil {
            return show("cannot show session \(target + 1) of \(count): its text is too large to page", isError: true)
        }
        let line = topLine
        travel.shown = target
        travel.current = changes
        travel.changeIndex = nil
        self.travel = travel
        replaceReplica(fresh)
        // The same line stays at the top, unless none of the session's changes would be on
        // screen: then its first goes there.
        setTop(line: min(line, max(0, pagedLineCount - 1)), row: 0)
        settleView()
        let ranges = changes.changes
        let shownRange = replica.lineStart(topLine)..<replica.lineRange(bottomLine).upperBound + 1
        if let first = ranges.first, !ranges.contains(where: { $0.overlaps(shownRange) }) {
            setTop(line: replica.line(containing: first.lowerBound), row: 0)
            settleView()
        }
        moveCursor(to: replica.lineStart(topLine))
        let keys = [EditorCommand.nextSession, .previousSession, .nextChange].compactMap { keymap.keys(for: $0, in: mode)?.keyNames }
        let hint = keys.count == 3 ? " · \(keys[0]) \(keys[1]) sessions, \(keys[2]) each change" : ""
        show("session \(target + 1) of \(count): \(travel.stops[target].label)" + (ranges.isEmpty ? " · left no change to show" : hint))
    }

    /// To the next (or previous) change of the session on screen, round to the first (last); its
    /// line goes to the top. Whether a session is on screen to do it in.
    mutating func jumpToSessionChange(forward: Bool) -> Bool {
        guard var travel, let changes = travel.current, let shown = travel.shown else { return false }
        let ranges = changes.changes
        guard !ranges.isEmpty else {
            show("session \(shown + 1) left no change to show")
            return true
        }
        let index: Int
        if let last = travel.changeIndex, ranges.indices.contains(last), ranges[last].lowerBound == cursorPosition {
            index = (last + (forward ? 1 : ranges.count - 1)) % ranges.count
        } else {
            // From the top of the screen, as a search starts there.
            let from = replica.lineStart(topLine)
            index = forward ? ranges.firstIndex { $0.lowerBound >= from } ?? 0 : ranges.lastIndex { $0.lowerBound < from } ?? ranges.count - 1
        }
        travel.changeIndex = index
        self.travel = travel
        putAtTop(ranges[index].lowerBound)
        moveCursor(to: ranges[index].lowerBound)
        show("change \(index + 1) of \(ranges.count) in session \(shown + 1) of \(travel.stops.count)")
        return true
    }

    /// The style of a `⏎` drawn for the line feed at `position` when the session inserted or
    /// deleted it but not the character before it on its line (a line broken or joined; a whole
    /// line inserted or deleted is marked by its text already, an empty one only by this).
    func lineFeedMark(at position: Int, lineLength: Int, _ marks: (inserted: [Range<Int>], deleted: [Range<Int>])) -> CellStyle? {
        for (ranges, role) in [(marks.inserted, StyleRole.inserted), (marks.deleted, .deleted)]
        where ranges.contains(where: { $0.contains(position) }) && (lineLength == 0 || !ranges.contains(where: { $0.contains(position - 1) })) {
            return .role(role)
        }
        return nil
    }

    /// The marks of the session on screen that touch `range`: inserted, then deleted.
    func travelMarks(overlapping range: Range<Int>) -> (inserted: [Range<Int>], deleted: [Range<Int>]) {
        guard let changes = travel?.current else { return ([], []) }
        return (changes.inserted.filter { $0.overlaps(range) }, changes.deleted.filter { $0.overlaps(range) })
    }
}
