import WeftCRDT
import WeftWire

/// One document as the relay holds it: its replica (to validate what clients send), how far it
/// has fanned the store's log out, and, per replica, the client sequences accepted and known
/// durable. Pure: the relay's room feeds it events and performs what it returns.
///
/// The store numbers the log when it commits (several relays may share it), so the log advances
/// in two steps: a batch is *accepted* here (checked and applied to the replica), then, once
/// committed, *delivered* in server-sequence order with everything other relays committed.
public struct DocumentLog: Sendable {
    public let document: DocumentName
    /// The document's incarnation; a new one begins when the relay finds it has lost history
    /// clients had (see `greeting`).
    public private(set) var epoch: UInt64
    /// Epochs of incarnations deleted on purpose: their clients set their copies aside.
    public let retiredEpochs: Set<UInt64>
    /// Every entry up to here is applied and fanned out; a welcome reports this sequence.
    public private(set) var deliveredHead: UInt64
    /// The document as of `deliveredHead`, plus the batches accepted here and not delivered yet.
    public private(set) var replica: Replica
    /// The server sequence of the stored snapshot (0: none).
    public private(set) var snapshotSeq: UInt64
    /// The store holds every log entry after this sequence; a client further behind gets the snapshot.
    public private(set) var logFloor: UInt64
    /// Set when applying a batch failed halfway (a bug: the checks before it should have refused
    /// the batch). The replica no longer matches the log, so the room must reload.
    public private(set) var isInconsistent = false
    /// The highest client sequence applied to `replica`, per replica.
    private var accepted: [ReplicaID: UInt64]
    /// The highest client sequence known committed, per replica.
    private var durable: [ReplicaID: UInt64]
    /// Server sequences of the delivered batches the store's log still holds, for acknowledging resends.
    private var serverSeqOf: [BatchKey: UInt64]
    /// `serverSeqOf` holds every delivered batch after this sequence (those loaded with the
    /// document, from after its snapshot, and every one since, down to the log's floor).
    private var indexedFrom: UInt64
    /// Batches accepted here and not delivered yet.
    private var inFlight: Set<BatchKey> = []
    /// A digest of the ops of each batch the log still names (accepted, or delivered and not
    /// compacted away): a resend is a duplicate only if its ops are the same.
    private var opsDigest: [BatchKey: Int] = [:]

    /// A replica's batch, as a hello names the last one its client applied.
    public typealias BatchKey = LogPosition

    /// The relay's own replica id: it never inserts, so any fixed id does.
    static let relayReplica = ReplicaID(0)

    /// Rebuilds the document from what the store holds.
    /// - Throws: `StoreError` when the stored snapshot or log does not decode or apply.
    public init(document: DocumentName, stored: StoredDocument) throws {
        self.document = document
        epoch = stored.epoch
        retiredEpochs = stored.retiredEpochs
        // Rows missing or out of place are damage, to be refused loudly, never served as less.
        var expected = stored.snapshotSeq + 1
        for entry in stored.tail {
            guard entry.serverSeq == expected else {
                throw StoreError("document \(document) is damaged in its store: its log goes from \(expected - 1) to \(entry.serverSeq)")
            }
            expected += 1
        }
        guard expected - 1 == stored.head else {
            throw StoreError("document \(document) is damaged in its store: its log ends at \(expected - 1), its head says \(stored.head)")
        }
        guard stored.snapshotSeq == 0 || !stored.snapshot.isEmpty else {
            throw StoreError("document \(document) is damaged in its store: its snapshot at \(stored.snapshotSeq) is missing")
        }
        do {
            replica = stored.snapshot.isEmpty ? Replica(replicaID: Self.relayReplica)
                : try Replica(snapshot: stored.snapshot, replicaID: Self.relayReplica)
            for entry in stored.tail { try replica.applyAtomically(OpCodec.decode(entry.ops)) }
        } catch {
            throw StoreError("document \(document) is damaged in its store: \(error)")
        }
        deliveredHead = stored.head
        snapshotSeq = stored.snapshotSeq
        logFloor = stored.logFloor
        accepted = stored.lastClientSeqs
        durable = stored.lastClientSeqs
        serverSeqOf = [:]
        indexedFrom = stored.snapshotSeq
        for entry in stored.tail {
            let key = BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)
            serverSeqOf[key] = entry.serverSeq
            opsDigest[key] = Self.digest(entry.ops)
        }
    }

    /// The answer to a hello from `replica`: only durable client sequences count, so a client
    /// resends anything whose commit is still in flight (and gets it deduplicated).
    public func welcome(replica: ReplicaID, readOnly: Bool, restore: Bool = false, restoreAgain: Bool = false) -> Welcome {
        Welcome(epoch: epoch, serverSeq: deliveredHead, lastClientSeq: durable[replica] ?? 0, readOnly: readOnly, restore: restore,
                restoreAgain: restoreAgain)
    }

    /// How the relay answers a hello, given what the client says it has seen.
    public struct Greeting: Sendable, Equatable {
        /// The relay lost history this client applied: the document must move to a new epoch
        /// before the welcome, so every client holding the old one gives its copy back.
        public var needsNewEpoch: Bool
        /// Set the welcome's `restore` flag: the client's copy holds history this relay lacks
        /// (or, for a `restoring` hello, this connection may send it).
        public var restore: Bool
        /// Set the welcome's `restoreAgain` flag: a `restoring` hello's copy took history since it
        /// gave itself back that this relay lacks (it is ahead, or another batch is at its place).
        public var restoreAgain = false
    }

    /// What to answer a hello with epoch `clientEpoch` from a client that applied the log up to
    /// `lastServerSeq`: a client of an epoch this relay does not know (its data was lost, or
    /// replaced), or one that has seen more of this epoch than the relay has (restored from an
    /// old backup), holds history the relay lacks, and is asked to give it back. Epochs are
    /// never reused, so an unknown one can only come from this document's lost past.
    ///
    /// Only a receipt moves the document to a new epoch (every client gives its copy back, and
    /// pagers stop): a client's word alone, a `lastServerSeq` past the head or flag bit 2 without
    /// proof, only asks that client for its copy.
    /// - Parameters:
    ///   - restoring: the hello says its connection sends the client's history.
    ///   - replica: the hello's replica.
    ///   - receipt: the clientSeq and serverSeq of the receipt the hello shows (flag bit 2); the
    ///     caller checked that it is genuine. It shows a loss when it names more of the replica's
    ///     batches than are durable here, or more of the log than the relay has.
    ///   - lastEntry: the batch the client applied at `lastServerSeq` (flag bit 6). Another batch
    ///     there in this log means the log went back and went on since (an old backup written to):
    ///     the client's copy holds history the relay lacks, and replaying after `lastServerSeq`
    ///     would leave it without what took that place. Checked where this log indexes which
    ///     batch each sequence holds, and below that against `storedAtLast`.
    ///   - storedAtLast: the batch the store's history holds at `lastServerSeq`, looked up by the
    ///     caller where this log does not index it (`indexes`); nil when not looked up or not kept.
    public func greeting(clientEpoch: UInt64, lastServerSeq: UInt64, restoring: Bool,
                         replica: ReplicaID, receipt: (clientSeq: UInt64, serverSeq: UInt64)?,
                         lastEntry: LogPosition? = nil, storedAtLast: LogPosition? = nil) -> Greeting {
        let sameEpoch = clientEpoch == epoch
        let proven = receipt.map { $0.clientSeq > durable[replica] ?? 0 || $0.serverSeq > deliveredHead } ?? false
        let lost = sameEpoch && proven
        // A retired epoch is known: that incarnation was deleted on purpose, and its copies must
        // be set aside, not given back into this one.
        let unknownEpoch = clientEpoch != 0 && !sameEpoch && !retiredEpochs.contains(clientEpoch)
        let ahead = sameEpoch && lastServerSeq > deliveredHead
        let heldThere: Bool? = lastEntry.flatMap { entry in
            indexes(lastServerSeq) ? serverSeqOf[entry] == lastServerSeq : storedAtLast.map { $0 == entry }
        }
        let diverged = sameEpoch && lastServerSeq > 0 && lastServerSeq <= deliveredHead && heldThere == false
        return Greeting(needsNewEpoch: lost, restore: lost || ahead || diverged || unknownEpoch || restoring,
                        restoreAgain: restoring && (ahead || diverged))
    }

    /// Whether this log knows which batch is at `serverSeq` (it was loaded or committed after the
    /// snapshot it started from); below that, only the store's history does.
    public func indexes(_ serverSeq: UInt64) -> Bool { serverSeq > indexedFrom }

    /// The sequence whose batch the store's history must name for `hello`'s flag bit 6 to be
    /// checked (`greeting`'s `storedAtLast`): one this log does not index, in its epoch. Nil when
    /// nothing need be looked up.
    public func sequenceToLookUp(for hello: Hello) -> UInt64? {
        let seq = hello.lastServerSeq
        guard hello.lastEntry != nil, seq > 0, hello.epoch == epoch, !indexes(seq) else { return nil }
        return seq
    }

    /// The batch at `serverSeq` among `entries` read from the store's history, if they hold it.
    public static func batch(at serverSeq: UInt64, in entries: [HistoryEntry]) -> LogPosition? {
        entries.first { $0.serverSeq == serverSeq }.map { LogPosition(replica: $0.replica, clientSeq: $0.clientSeq) }
    }

    /// Moves the document to `epoch` (a new one, stored): nothing else changes, the log goes on.
    public mutating func renew(epoch: UInt64) {
        self.epoch = epoch
    }

    /// Decides on batch `clientSeq` of `sender`.
    public mutating func receive(clientSeq: UInt64, ops: [Op], from sender: ReplicaID) -> BatchDecision {
        receive(clientSeq: clientSeq, ops: ops, from: sender, restoring: false)
    }

    /// Decides on restore batch `clientSeq` of `sender`: like a batch, but its ops may carry any
    /// replica's ids (the sender gives back what others typed). Ids the relay has are skipped
    /// when it applies them; new ones must follow their replica's characters in order, next to
    /// characters the document has, so a piece never waits on a later one.
    ///
    /// A restore batch gives back characters the relay lacks, never characters a live replica is
    /// still to write: it adds none under the sender's own replica or under `writers`, the
    /// replicas bound to a key in this epoch (`RelayStore.replicasWriting`) that the sender did
    /// not prove it wrote as before (`Hello.formerReplicas`). Otherwise anyone with write access
    /// could put text under a writer's next ids, and the writer's own batch would then be skipped
    /// as known. Such a batch is refused as `unavailable`, not for good: the writer's own copy
    /// gives those characters back, or proves the loss and so moves the document to a new epoch,
    /// and the same batch is taken then.
    public mutating func receiveRestore(clientSeq: UInt64, ops: [Op], from sender: ReplicaID, writers: Set<ReplicaID>) -> BatchDecision {
        receive(clientSeq: clientSeq, ops: ops, from: sender, restoring: true, writers: writers)
    }

    /// The replicas under which restore batch `ops` may add characters the document lacks: the
    /// ones to look up for `receiveRestore`'s `writers`.
    public func replicasGivenBack(in ops: [Op]) -> Set<ReplicaID> {
        var replicas: Set<ReplicaID> = []
        for case .insert(let insertion) in ops
        where UInt64(insertion.id.counter) + UInt64(insertion.length) > UInt64(replica.knownCount(of: insertion.id.replica)) {
            replicas.insert(insertion.id.replica)
        }
        return replicas
    }

    private mutating func receive(clientSeq: UInt64, ops: [Op], from sender: ReplicaID, restoring: Bool, writers: Set<ReplicaID> = []) -> BatchDecision {
        let last = accepted[sender] ?? 0
        let key = BatchKey(replica: sender, clientSeq: clientSeq)
        if clientSeq <= last {
            // Resent after a reconnect: the same ops, or a client that numbered other ops the same.
            if let digest = opsDigest[key], digest != Self.digest(OpCodec.encode(ops)) {
                return .refused(WireError(.malformed, "batch \(clientSeq) was committed with other ops; a batch number is never reused"))
            }
            if let serverSeq = serverSeqOf[key] { return .duplicate(serverSeq: serverSeq) }
            if inFlight.contains(key) { return .inFlight }
            return .duplicateCompacted(serverSeq: snapshotSeq)
        }
        guard clientSeq == last + 1 else {
            return .refused(WireError(.malformed, "batch \(clientSeq) skips ahead: the relay has batches up to \(last) from this replica"))
        }
        if restoring, let problem = restorationProblem(ops, from: sender, writers: writers) { return .refused(problem) }
        if !restoring, let problem = dependencyProblem(ops, from: sender) { return .refused(WireError(.malformed, problem)) }
        // The protocol's rules are checked above; whether the ops make sense for this document is
        // decided by applying them, whole or not at all: a batch that does not apply leaves the
        // document as it was, and only its sender hears of it.
        do {
            try replica.applyAtomically(ops)
        } catch {
            return .refused(WireError(.malformed, "the batch's ops do not apply to this document: \(error.message)"))
        }
        accepted[sender] = clientSeq
        inFlight.insert(key)
        let encoded = OpCodec.encode(ops)
        opsDigest[key] = Self.digest(encoded)
        return .accepted(PendingBatch(replica: sender, clientSeq: clientSeq, ops: encoded))
    }

    /// Records what the store answered for `batches`: they are durable (delivery comes later, in
    /// server-sequence order).
    public mutating func committed(_ batches: [PendingBatch]) {
        for batch in batches { durable[batch.replica] = max(durable[batch.replica] ?? 0, batch.clientSeq) }
    }

    /// What delivering the next log entry found.
    public enum Delivery: Sendable, Equatable {
        /// Applied (or already applied when accepted here) and counted: fan it out.
        case delivered
        /// The entry is not the next one: the store's log lost entries this relay still needed
        /// (compacted while it lagged), so the room must reload.
        case gap(expected: UInt64)
        /// Its ops did not apply: the room must reload.
        case inconsistent(String)
    }

    /// Takes the next entry of the store's log, committed here or by another relay.
    /// - Parameter ops: the entry's ops, decoded.
    public mutating func deliver(_ entry: LogEntry, ops: [Op]) -> Delivery {
        guard entry.serverSeq == deliveredHead + 1 else { return .gap(expected: deliveredHead + 1) }
        let key = BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)
        if entry.clientSeq > accepted[entry.replica] ?? 0 {
            do {
                try replica.apply(ops)
            } catch {
                isInconsistent = true
                return .inconsistent("entry \(entry.serverSeq) does not apply: \(error.message)")
            }
            guard replica.pendingCount == 0 else {
                isInconsistent = true
                return .inconsistent("entry \(entry.serverSeq) refers to characters the relay has not delivered")
            }
            accepted[entry.replica] = entry.clientSeq
        }
        durable[entry.replica] = max(durable[entry.replica] ?? 0, entry.clientSeq)
        serverSeqOf[key] = entry.serverSeq
        if opsDigest[key] == nil { opsDigest[key] = Self.digest(entry.ops) }
        inFlight.remove(key)
        deliveredHead = entry.serverSeq
        return .delivered
    }

    /// When the log has grown `every` batches past its snapshot, the compaction to do now: a
    /// snapshot at the delivered head, keeping the newest `keep` entries for clients slightly behind.
    /// Only when nothing accepted here is waiting for delivery, so the replica is exactly the
    /// document as of `deliveredHead`.
    public func compactionDue(every: UInt64, keep: UInt64) -> Compaction? {
        guard inFlight.isEmpty, deliveredHead >= snapshotSeq + every else { return nil }
        return Compaction(snapshot: replica.encodeSnapshot(), serverSeq: deliveredHead,
                          floor: deliveredHead > keep ? deliveredHead - keep : 0)
    }

    /// A snapshot to store and the log entries it lets the store drop.
    public struct Compaction: Sendable, Equatable {
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
        indexedFrom = max(indexedFrom, logFloor)
        opsDigest = opsDigest.filter { serverSeqOf[$0.key] != nil || inFlight.contains($0.key) }
    }

    /// A digest of encoded ops, to tell a resend from other ops under the same batch number.
    static func digest(_ encoded: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(encoded.count)
        encoded.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    /// Why restoration `ops` cannot be taken now, checked before anything is applied: every
    /// insertion's characters are known already, or continue their replica's characters in
    /// order, next to characters that exist, and none is added under the sender's replica or one
    /// of `writers` (`unavailable`: it may be taken later); deletions name characters that exist.
    private func restorationProblem(_ ops: [Op], from sender: ReplicaID, writers: Set<ReplicaID>) -> WireError? {
        func malformed(_ message: String) -> WireError { WireError(.malformed, message) }
        var counts: [ReplicaID: UInt32] = [:]
        var inserted = UInt64(replica.insertedCharacters)
        func known(_ id: ReplicaID) -> UInt32 { counts[id] ?? replica.knownCount(of: id) }
        func has(_ id: CharID?) -> Bool { id.map { $0.counter < known($0.replica) } ?? true }
        for op in ops {
            switch op {
            case .insert(let insertion):
                let count = known(insertion.id.replica)
                let length = UInt32(clamping: insertion.length)
                guard insertion.length > 0, UInt64(insertion.id.counter) + UInt64(length) <= UInt64(UInt32.max) else {
                    return malformed("restored insertion \(insertion.id) has an impossible length")
                }
                guard insertion.id.counter <= count else {
                    return malformed("restored insertion \(insertion.id) skips ahead of the replica's \(count) characters")
                }
                let end = insertion.id.counter + length
                guard end > count else { continue }  // every character known: skipped when applied
                guard insertion.id.replica != sender else {
                    return malformed("restored insertion \(insertion.id) adds characters under the sender's own replica, whose characters go in batches")
                }
                guard !writers.contains(insertion.id.replica) else {
                    return WireError(.unavailable, "this copy gives back characters of replica \(insertion.id.replica) that the relay lacks, and that replica still writes in this epoch of the document: only its own copy can give them back or show that the relay lost them; try again later")
                }
                guard has(insertion.originLeft), has(insertion.originRight) else {
                    return malformed("restored insertion \(insertion.id) is placed next to a character the document does not have")
                }
                inserted += UInt64(end - count)
                guard inserted <= UInt64(Replica.maxInsertedCharacters) else {
                    return malformed("the document is full (\(Replica.maxInsertedCharacters) characters ever inserted); start a new one from its text")
                }
                counts[insertion.id.replica] = end
            case .delete(let deletion):
                for span in deletion.spans where span.endCounter > UInt64(known(span.start.replica)) {
                    return malformed("a restored deletion names characters the document does not have (\(span.start))")
                }
            }
        }
        return nil
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
