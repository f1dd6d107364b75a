import WeftCRDT
import WeftWire

/// A document rebuilt from its history, one entry at a time: the text as of any server sequence,
/// and which entry inserted each character. Pure.
public struct HistoryReplay: Sendable {
    public private(set) var history: DocumentHistory
    /// The document as of the last entry applied.
    public private(set) var replica = Replica(replicaID: ReplicaID(0))
    /// Which entry inserted each character applied so far.
    public private(set) var attribution = BatchAttribution()
    /// How many entries are applied.
    public private(set) var applied = 0
    /// The author of each replica that sent an entry applied so far (a replica keeps the first
    /// author bound to it): who typed a character an entry of another replica gave back.
    public private(set) var replicaAuthors: [ReplicaID: BatchAuthor] = [:]

    /// - Throws: `HistoryError` when the history does not start at the document's beginning
    ///   (entries compacted away before the relay kept history cannot be replayed).
    public init(_ history: DocumentHistory) throws(HistoryError) {
        guard history.floor == 0 else {
            throw HistoryError("the relay keeps this document's history only after sequence \(history.floor) (older entries were compacted before it kept history), so past versions and authorship cannot be rebuilt")
        }
        self.history = history
    }

    /// The history `pages` read, replayed up to `serverSeq` a page at a time as the pages
    /// arrive (the relay reads the next page meanwhile); whether the history goes on past the
    /// pages' bound.
    /// - Throws: `SyncError` when a page cannot be read, `HistoryError` as `init` and `advance`.
    public static func read(_ pages: HistoryPages, through serverSeq: UInt64 = .max) async throws -> (replay: HistoryReplay, continues: Bool) {
        var replay: HistoryReplay?
        let (floor, continues) = try await pages.read { floor, page in
            if replay == nil {
                replay = try HistoryReplay(DocumentHistory(floor: floor, entries: page))
            } else {
                replay?.append(page)
            }
            try replay?.advance(through: serverSeq)
        }
        return (try replay ?? HistoryReplay(DocumentHistory(floor: floor, entries: [])), continues)
    }

    /// Adds entries that follow the history's last (the next page of it), to be applied by
    /// `advance`.
    public mutating func append(_ entries: [HistoryEntry]) {
        history.entries += entries
    }

    /// The server sequence of the last entry applied (0 before any).
    public var serverSeq: UInt64 { applied == 0 ? 0 : history.entries[applied - 1].serverSeq }

    /// Applies the entries up to and including `serverSeq` (all of them by default).
    /// - Throws: `HistoryError` when an entry does not decode or apply (a damaged history).
    public mutating func advance(through serverSeq: UInt64 = .max) throws(HistoryError) {
        // An entry's encoded ops are at least as many bytes as the scalars it inserts.
        var opBytes = 0
        for entry in history.entries[applied...] {
            guard entry.serverSeq <= serverSeq else { break }
            opBytes += entry.ops.count
        }
        replica.reserveCapacity(forInserting: opBytes)
        while applied < history.entries.count, history.entries[applied].serverSeq <= serverSeq {
            let entry = history.entries[applied]
            do {
                let ops = try OpCodec.decode(entry.ops)
                _ = try replica.apply(ops)
                attribution.record(ops, entry: applied)
                if let author = entry.author, replicaAuthors[entry.replica] == nil { replicaAuthors[entry.replica] = author }
            } catch {
                throw HistoryError("entry \(entry.serverSeq) of the history does not apply (\(error)); the relay's history is damaged")
            }
            applied += 1
        }
    }

    /// Who typed the character `id`, which the entry at `index` inserted: the entry's author,
    /// unless the entry gave back another replica's character (a copy given back to a relay that
    /// lost its data holds everyone's), whose author is that replica's when an entry of its own
    /// says who.
    public func author(of id: CharID, insertedBy index: Int) -> BatchAuthor? {
        let entry = history.entries[index]
        if id.replica != entry.replica, let typist = replicaAuthors[id.replica] { return typist }
        return entry.author
    }

    /// The newest server sequence committed at or before `milliseconds` (since 1970), 0 when none
    /// was; entries of unknown time count as older than every known time.
    public func serverSeq(atTime milliseconds: UInt64) -> UInt64 {
        let count = HistoryBound(untilTime: milliseconds).count(within: history.entries)
        return count == 0 ? 0 : history.entries[count - 1].serverSeq
    }
}
