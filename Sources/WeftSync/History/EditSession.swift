import WeftCRDT
import WeftWire

/// A stretch of one author's editing: their consecutive entries with no pause longer than
/// `EditSession.maxPause` between them (others may have edited meanwhile). What `weft log` lists.
public struct EditSession: Sendable, Hashable {
    /// Nil when the entries' author is unknown.
    public var author: BatchAuthor?
    /// Server sequences of the first and last entries.
    public var firstSeq: UInt64
    public var lastSeq: UInt64
    /// Commit times of the first and last entries (milliseconds since 1970), when known.
    public var start: UInt64?
    public var end: UInt64?
    /// Scalars inserted, and scalars deleted: what the session changed, not what its batches
    /// repeat (a copy given back to a relay that lost history holds the whole document, most of
    /// it there already; the characters it gives back for deleted ones come deleted).
    public var inserted: Int
    public var deleted: Int
    /// The beginning of what the session inserted, on one line.
    public var excerpt: String
    public var entryCount: Int

    /// A pause longer than this ends a session.
    public static let maxPause: UInt64 = 5 * 60 * 1_000

    /// The longest excerpt, in scalars.
    static let excerptLength = 60

    /// The sessions of `entries`, oldest first.
    /// - Throws: `HistoryError` when an entry's ops do not decode.
    public static func sessions(of entries: [HistoryEntry]) throws(HistoryError) -> [EditSession] {
        var sessions: [EditSession] = []
        // What each session inserted, as typed (cut once it is long enough for an excerpt).
        var inserts: [String] = []
        // The open session of each author (by index into `sessions`).
        var open: [BatchAuthor?: Int] = [:]
        // How many characters of each replica the history inserted so far, and which it deleted.
        var known: [ReplicaID: UInt32] = [:]
        var deletedBefore = IDRangeSet()
        for entry in entries {
            let ops: [Op]
            do {
                ops = try OpCodec.decode(entry.ops)
            } catch {
                throw HistoryError("entry \(entry.serverSeq) of the history does not decode (\(error.message)); the relay's history is damaged")
            }
            var inserted = 0, deleted = 0
            var text = ""
            var insertedHere = IDRangeSet()
            for op in ops {
                switch op {
                case .insert(let insertion):
                    let replica = insertion.id.replica
                    guard let new = insertion.ids(beyond: known[replica] ?? 0) else { continue }
                    known[replica] = new.start.counter + new.length
                    inserted += Int(new.length)
                    // Given back (another replica's characters: a copy given back to a relay that
                    // lost history), a deleted one comes with placeholder text, deleted at once.
                    if replica != entry.replica { insertedHere.insert(new) }
                    if text.unicodeScalars.count < 2 * excerptLength {
                        text += String(insertion.text.unicodeScalars.dropFirst(Int(new.start.counter - insertion.id.counter)))
                    }
                case .delete(let deletion):
                    for span in deletion.spans {
                        for (part, wasDeleted) in deletedBefore.split(span) where !wasDeleted {
                            // A character given back already deleted: neither typed nor deleted here.
                            let givenDeleted = insertedHere.split(part).filter(\.inside).reduce(0) { $0 + Int($1.part.length) }
                            deleted += Int(part.length) - givenDeleted
                            inserted -= givenDeleted
                        }
                        deletedBefore.insert(span)
                    }
                }
            }
            if let index = open[entry.author], continues(sessions[index], with: entry) {
                sessions[index].lastSeq = entry.serverSeq
                sessions[index].end = entry.committedAt ?? sessions[index].end
                sessions[index].inserted += inserted
                sessions[index].deleted += deleted
                sessions[index].entryCount += 1
                if inserts[index].unicodeScalars.count < 2 * excerptLength { inserts[index] += text }
            } else {
                open[entry.author] = sessions.count
                sessions.append(EditSession(author: entry.author, firstSeq: entry.serverSeq, lastSeq: entry.serverSeq,
                                            start: entry.committedAt, end: entry.committedAt, inserted: inserted, deleted: deleted,
                                            excerpt: "", entryCount: 1))
                inserts.append(text)
            }
        }
        for index in sessions.indices { sessions[index].excerpt = excerpt(inserts[index]) }
        return sessions
    }

    private static func continues(_ session: EditSession, with entry: HistoryEntry) -> Bool {
        guard let end = session.end, let time = entry.committedAt else { return session.end == nil && entry.committedAt == nil }
        return time >= end && time - end <= maxPause
    }

    /// `text` on one line (line breaks and tabs as spaces, runs of spaces as one), cut to `excerptLength`.
    static func excerpt(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let space = scalar.properties.isWhitespace
            if space && (lastWasSpace || result.isEmpty) { continue }
            if result.count == excerptLength { break }
            result.append(space ? " " : scalar)
            lastWasSpace = space
        }
        while result.last == " " { result.removeLast() }
        return String(result)
    }
}
