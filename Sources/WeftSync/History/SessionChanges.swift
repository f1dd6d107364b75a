import WeftCRDT
import WeftWire

/// What one editing session changed, shown in place: the document as the session's last batch
/// left it, with the characters the session inserted (and that are still there) marked, and the
/// characters it deleted put back where they were, marked too. What the pager shows when it steps
/// through a document's sessions. Pure.
///
/// Where the session replaced text, the deleted characters come first, then the inserted ones.
/// Only the session's net work is shown: text it typed and removed again before its end shows
/// neither as inserted nor as deleted (as a diff would not). A deleted character is one the
/// session's batches took out of the text; a deletion of something already gone changes nothing.
public struct SessionChanges: Sendable, Hashable {
    /// The session shown.
    public var session: EditSession
    /// The text shown: the document at `session.lastSeq`, with the deleted characters put back.
    public var text: String
    /// Where the session's insertions are in `text`, in Unicode scalars: sorted, apart.
    public var inserted: [Range<Int>]
    /// Where the characters the session deleted are in `text`, in Unicode scalars: sorted, apart.
    public var deleted: [Range<Int>]

    public init(session: EditSession, text: String, inserted: [Range<Int>], deleted: [Range<Int>]) {
        self.session = session
        self.text = text
        self.inserted = inserted
        self.deleted = deleted
    }

    /// The changes of `session` (one of `EditSession.sessions(of: history.entries)`).
    /// - Throws: `HistoryError` when the history does not start at the document's beginning, or
    ///   an entry does not decode or apply.
    public init(of session: EditSession, in history: DocumentHistory) throws(HistoryError) {
        guard history.floor == 0 else {
            throw HistoryError("the relay keeps this document's history only after sequence \(history.floor), so what a session changed cannot be rebuilt")
        }
        // `now` is the document as the history made it; `shown` the same but for the deletions the
        // session made (of characters it did not type itself), which it keeps visible.
        var now = Replica(replicaID: ReplicaID(0)), shown = Replica(replicaID: ReplicaID(0))
        var typed = IDRangeSet(), removed = IDRangeSet()
        for entry in history.entries {
            guard entry.serverSeq <= session.lastSeq else { break }
            let mine = entry.serverSeq >= session.firstSeq && entry.author == session.author
            do {
                for op in try OpCodec.decode(entry.ops) {
                    switch op {
                    case .insert(let insertion):
                        if mine {
                            // Only ids new to the document: a batch may give back characters it had.
                            let known = UInt64(now.knownCount(of: insertion.id.replica))
                            let start = max(known, UInt64(insertion.id.counter)), end = UInt64(insertion.id.counter) + UInt64(insertion.length)
                            if start < end {
                                typed.insert(IDSpan(start: CharID(replica: insertion.id.replica, counter: UInt32(start)), length: UInt32(end - start)))
                            }
                        }
                        try now.apply(op)
                        try shown.apply(op)
                    case .delete:
                        // What the deletion really takes out: the characters still visible.
                        var gone: [IDSpan] = []
                        for range in now.visibleRanges(of: Self.spans(of: op)) {
                            for (part, start) in now.idSpans(in: range) { gone.append(IDSpan(start: start, length: UInt32(part.count))) }
                        }
                        try now.apply(op)
                        var hidden: [IDSpan] = []
                        for span in gone {
                            guard mine else { hidden.append(span); continue }
                            for (part, typedHere) in typed.split(span) {
                                if typedHere { hidden.append(part) } else { removed.insert(part) }
                            }
                        }
                        if !hidden.isEmpty { try shown.apply(.delete(Deletion(spans: hidden))) }
                    }
                }
            } catch {
                throw HistoryError("entry \(entry.serverSeq) of the history does not apply (\(error)); the relay's history is damaged")
            }
        }
        self.session = session
        // What each shown character is: 0 untouched, 1 inserted, 2 deleted.
        var scalars = Array(shown.text.unicodeScalars)
        var kinds = [UInt8](repeating: 0, count: scalars.count)
        for (range, start) in shown.idSpans(in: 0..<shown.count) {
            var position = range.lowerBound
            for (part, wasRemoved) in removed.split(IDSpan(start: start, length: UInt32(range.count))) {
                for (piece, wasTyped) in wasRemoved ? [(part, false)] : typed.split(part) {
                    let kind: UInt8 = wasRemoved ? 2 : wasTyped ? 1 : 0
                    if kind != 0 { kinds.replaceSubrange(position..<position + Int(piece.length), with: repeatElement(kind, count: Int(piece.length))) }
                    position += Int(piece.length)
                }
            }
        }
        // Where the session replaced text, what it deleted comes first and what it typed after
        // (as a word diff shows them), whichever order the document gives the two.
        var position = 0
        while position < kinds.count {
            guard kinds[position] != 0 else { position += 1; continue }
            var end = position
            while end < kinds.count, kinds[end] != 0 { end += 1 }
            let order = (position..<end).filter { kinds[$0] == 2 } + (position..<end).filter { kinds[$0] == 1 }
            let (reordered, marks) = (order.map { scalars[$0] }, order.map { kinds[$0] })
            scalars.replaceSubrange(position..<end, with: reordered)
            kinds.replaceSubrange(position..<end, with: marks)
            position = end
        }
        text = String(String.UnicodeScalarView(scalars))
        func runs(of kind: UInt8) -> [Range<Int>] {
            var runs: [Range<Int>] = []
            for (position, each) in kinds.enumerated() where each == kind {
                if let last = runs.last, last.upperBound == position { runs[runs.count - 1] = last.lowerBound..<position + 1 } else { runs.append(position..<position + 1) }
            }
            return runs
        }
        inserted = runs(of: 1)
        deleted = runs(of: 2)
    }

    private static func spans(of op: Op) -> [IDSpan] {
        guard case .delete(let deletion) = op else { return [] }
        return deletion.spans
    }
}

extension EditSession {
    /// Which of `sessions` (oldest first) made the version at `serverSeq`: the newest one that
    /// contains it, else the last to end before it, else the first; nil when there are none.
    public static func index(at serverSeq: UInt64, in sessions: [EditSession]) -> Int? {
        guard !sessions.isEmpty else { return nil }
        if let containing = sessions.lastIndex(where: { $0.firstSeq <= serverSeq && serverSeq <= $0.lastSeq }) { return containing }
        let before = sessions.indices.filter { sessions[$0].lastSeq < serverSeq }
        return before.max { sessions[$0].lastSeq < sessions[$1].lastSeq } ?? 0
    }
}
