import WeftCRDT
import WeftWire

/// One document as the relay holds it: its replica (to validate what clients send), its log
/// positions and, per replica, the client sequences accepted and made durable. Pure: the relay's
/// room feeds it events and performs what it returns.
public struct DocumentLog: Sendable {
    public let document: DocumentName
    public let epoch: UInt64
    /// The newest server sequence assigned (accepted, perhaps not durable yet).
    public private(set) var head: UInt64
    /// The newest server sequence committed.
    public private(set) var durableHead: UInt64
    /// The document as of `head`.
    public private(set) var replica: Replica
    /// The server sequence of the stored snapshot (0: none).
    public private(set) var snapshotSeq: UInt64
    /// The store holds every log entry after this sequence; a client further behind gets the snapshot.
    public private(set) var logFloor: UInt64
    /// Set when applying an accepted batch failed halfway (a bug: the checks before it should have
    /// refused the batch). The replica no longer matches the log, so the room must reload.
    public private(set) var isInconsistent = false
    private var accepted: [ReplicaID: UInt64]
    private var durable: [ReplicaID: UInt64]
    /// Server sequences of the batches in memory, for acknowledging resends.
    private var serverSeqOf: [BatchKey: UInt64]

    private struct BatchKey: Hashable {
        var replica: ReplicaID
        var clientSeq: UInt64
    }

    /// The relay's own replica id: it never inserts, so any fixed id does.
    static let relayReplica = ReplicaID(0)

    /// Rebuilds the document from what the store holds.
    /// - Throws: `StoreError` when the stored snapshot or log does not decode or apply.
    public init(document: DocumentName, stored: StoredDocument) throws {
        self.document = document
        epoch = stored.epoch
        do {
            replica = stored.snapshot.isEmpty ? Replica(replicaID: Self.relayReplica)
                : try Replica(snapshot: stored.snapshot, replicaID: Self.relayReplica)
            for entry in stored.tail { try replica.apply(OpCodec.decode(entry.ops)) }
        } catch {
            throw StoreError("document \(document) does not load from its store: \(error)")
        }
        head = stored.head
        durableHead = stored.head
        snapshotSeq = stored.snapshotSeq
        logFloor = stored.logFloor
        accepted = stored.lastClientSeqs
        durable = stored.lastClientSeqs
        serverSeqOf = [:]
        for entry in stored.tail { serverSeqOf[BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)] = entry.serverSeq }
    }

    /// The answer to a hello from `replica`: only durable client sequences count, so a client
    /// resends anything whose commit is still in flight (and gets it deduplicated).
    public func welcome(replica: ReplicaID, readOnly: Bool) -> Welcome {
        Welcome(epoch: epoch, serverSeq: durableHead, lastClientSeq: durable[replica] ?? 0, readOnly: readOnly)
    }

    /// Decides on batch `clientSeq` of `sender`.
    public mutating func receive(clientSeq: UInt64, ops: [Op], from sender: ReplicaID) -> BatchDecision {
        let last = accepted[sender] ?? 0
        if clientSeq <= last {
            if let serverSeq = serverSeqOf[BatchKey(replica: sender, clientSeq: clientSeq)] { return .duplicate(serverSeq: serverSeq) }
            return .duplicateCompacted(serverSeq: snapshotSeq)
        }
        guard clientSeq == last + 1 else {
            return .refused(WireError(.malformed, "batch \(clientSeq) skips ahead: the relay has batches up to \(last) from this replica"))
        }
        if let problem = dependencyProblem(ops, from: sender) { return .refused(WireError(.malformed, problem)) }
        // In place: copying the replica first would cost O(document) per batch. The checks above
        // make every op integrate at once; should one still fail, the room reloads from the store.
        do {
            try replica.apply(ops)
        } catch {
            isInconsistent = true
            return .refused(WireError(.malformed, "the batch's ops do not apply: \(error.message)"))
        }
        guard replica.pendingCount == 0 else {
            isInconsistent = true
            return .refused(WireError(.malformed, "the batch refers to characters the document does not have"))
        }
        head += 1
        accepted[sender] = clientSeq
        serverSeqOf[BatchKey(replica: sender, clientSeq: clientSeq)] = head
        return .accepted(LogEntry(serverSeq: head, replica: sender, clientSeq: clientSeq, ops: OpCodec.encode(ops)))
    }

    /// Records that everything up to `entries.last` is durable.
    public mutating func committed(_ entries: [LogEntry]) {
        for entry in entries {
            durableHead = max(durableHead, entry.serverSeq)
            durable[entry.replica] = max(durable[entry.replica] ?? 0, entry.clientSeq)
        }
    }

    /// When the log has grown `every` batches past its snapshot, the compaction to do now: a
    /// snapshot at the durable head, keeping the newest `keep` entries for clients slightly behind.
    /// Only when nothing is in flight, so the replica is exactly the durable document.
    public func compactionDue(every: UInt64, keep: UInt64) -> Compaction? {
        guard head == durableHead, durableHead >= snapshotSeq + every else { return nil }
        return Compaction(snapshot: replica.encodeSnapshot(), serverSeq: durableHead,
                          floor: durableHead > keep ? durableHead - keep : 0)
    }

    /// A snapshot to store and the log entries it lets the store drop.
    public struct Compaction: Sendable {
        public var snapshot: [UInt8]
        public var serverSeq: UInt64
        /// Entries at or below this sequence are dropped.
        public var floor: UInt64

        public init(snapshot: [UInt8], serverSeq: UInt64, floor: UInt64) {
            self.snapshot = snapshot
            self.serverSeq = serverSeq
            self.floor = floor
        }
    }

    /// Records a stored compaction: forgets resend bookkeeping for the entries it dropped.
    public mutating func compacted(_ compaction: Compaction) {
        snapshotSeq = max(snapshotSeq, compaction.serverSeq)
        logFloor = max(logFloor, compaction.floor)
        serverSeqOf = serverSeqOf.filter { $0.value > logFloor }
    }

    /// Why `ops` cannot come from `sender` now, checked before anything is applied: a client only
    /// inserts characters of its own replica, numbered on from what the document has, next to
    /// characters that exist, and deletes characters that exist.
    private func dependencyProblem(_ ops: [Op], from sender: ReplicaID) -> String? {
        // Only the sender's count changes within a batch (it inserts only its own characters).
        var senderCount = replica.knownCount(of: sender)
        var inserted = UInt64(replica.insertedCharacters)
        func known(_ replica: ReplicaID) -> UInt32 { replica == sender ? senderCount : self.replica.knownCount(of: replica) }
        func has(_ id: CharID?) -> Bool { id.map { $0.counter < known($0.replica) } ?? true }
        for op in ops {
            switch op {
            case .insert(let insertion):
                guard insertion.id.replica == sender else { return "an insertion carries another replica's id \(insertion.id)" }
                guard insertion.id.counter == senderCount else {
                    return "insertion \(insertion.id) does not follow the replica's \(senderCount) characters"
                }
                guard has(insertion.originLeft), has(insertion.originRight) else {
                    return "insertion \(insertion.id) is placed next to a character the document does not have"
                }
                let length = UInt32(clamping: insertion.length)
                guard insertion.length > 0, UInt64(insertion.id.counter) + UInt64(length) <= UInt64(UInt32.max) else {
                    return "insertion \(insertion.id) has an impossible length"
                }
                inserted += UInt64(length)
                guard inserted <= UInt64(Replica.maxInsertedCharacters) else {
                    return "the document is full (\(Replica.maxInsertedCharacters) characters ever inserted); start a new one from its text"
                }
                senderCount = insertion.id.counter + length
            case .delete(let deletion):
                for span in deletion.spans where span.endCounter > UInt64(known(span.start.replica)) {
                    return "a deletion names characters the document does not have (\(span.start))"
                }
            }
        }
        return nil
    }
}
