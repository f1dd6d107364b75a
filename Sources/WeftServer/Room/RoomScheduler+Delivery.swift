import WeftCRDT
import WeftWire

extension RoomScheduler {
    /// Takes batch `clientSeq` from a connection (a `restore` batch with `restoring`); a refusal
    /// is sent as a fatal error, and the connection closed.
    mutating func submit(_ connection: UInt64, clientSeq: UInt64, ops: [Op], restoring: Bool, writers: Set<ReplicaID>,
                         into actions: inout [Action]) {
        guard let member = members[connection] else {
            return dismiss(connection, with: WireError(.malformed, "batch from a connection that has not joined"), into: &actions)
        }
        if member.readOnly {
            return send(.error(WireError(.readOnly, "this connection is read-only; batch \(clientSeq) was not applied"), fatal: false),
                        to: connection, into: &actions)
        }
        if member.ahead > log.deliveredHead {
            members[connection]!.waiting.append((clientSeq, ops, restoring, writers))
            return
        }
        if restoring, !member.mayRestore {
            return dismiss(connection, with: WireError(.malformed, "restore batches are taken only on a connection welcomed to restore (a restoring hello)"), into: &actions)
        }
        let decision = restoring ? log.receiveRestore(clientSeq: clientSeq, ops: ops, from: member.replica, writers: writers)
            : log.receive(clientSeq: clientSeq, ops: ops, from: member.replica)
        switch decision {
        case .accepted(let batch):
            queue.append(batch)
            undelivered[DocumentLog.BatchKey(replica: batch.replica, clientSeq: clientSeq)] = ops
        case .duplicate(let serverSeq), .duplicateCompacted(let serverSeq):
            send(.ack(clientSeq: clientSeq, serverSeq: serverSeq), to: connection, into: &actions)
        case .inFlight:
            break  // its delivery acknowledges it, in sequence
        case .refused(let error):
            if log.isInconsistent {
                fail(because: "a batch that passed every check failed to apply: \(error.message)", into: &actions)
            } else {
                dismiss(connection, with: error, into: &actions)
            }
        }
    }

    /// Starts the next store operation when none is in flight. Catch-ups go first (joining clients
    /// wait for them), then commits, then deliveries other relays committed, then compaction.
    mutating func pump(into actions: inout [Action]) {
        guard busy == nil, !isBroken else { return }
        submitWaiting(into: &actions)
        // Joins that waited for a catch-up are answered as soon as it is done, not once typing
        // stops: under steady typing the queue is never empty for long.
        if !catchUpWanted { answerWaitingJoins(into: &actions) }
        if catchUpWanted {
            catchUpWanted = false
            busy = .reading(target: nil)
            actions.append(.read(after: log.deliveredHead, limit: Self.page))
        } else if !queue.isEmpty {
            busy = .committing(queue)
            actions.append(.commit(queue))
            queue = []
        } else if knownHead > log.deliveredHead {
            deliverStored(into: &actions)
        } else if let due = compactionWanted.flatMap({ log.compactionDue(every: 1, keep: $0) })
                    ?? log.compactionDue(every: compaction.every, keep: compaction.keep) {
            compactionWanted = nil
            busy = .compacting
            actions.append(.compact(due))
        } else {
            answerWaitingJoins(into: &actions)
        }
    }

    /// Takes the batches of members whose room has caught up with them, in the order they came.
    mutating func submitWaiting(into actions: inout [Action]) {
        for connection in connections {
            guard let member = members[connection], !member.waiting.isEmpty, member.ahead <= log.deliveredHead else { continue }
            members[connection]!.waiting = []
            for batch in member.waiting {
                submit(connection, clientSeq: batch.clientSeq, ops: batch.ops, restoring: batch.restoring, writers: batch.writers, into: &actions)
            }
        }
    }

    mutating func committed(_ result: CommitResult, into actions: inout [Action]) {
        guard case .committing(let batches) = busy else { return }
        busy = nil
        log.committed(batches)
        for (index, batch) in batches.enumerated() where result.appended[index] {
            committedHere[result.serverSeqs[index]] = LogEntry(serverSeq: result.serverSeqs[index], replica: batch.replica,
                                                               clientSeq: batch.clientSeq, ops: batch.ops)
        }
        knownHead = max(knownHead, result.head)
        deliverStored(into: &actions)
    }

    /// Delivers the log after `deliveredHead` up to `knownHead`: from memory for entries committed
    /// here, reading the store for the rest (other relays' commits).
    mutating func deliverStored(into actions: inout [Action]) {
        while log.deliveredHead < knownHead, let entry = committedHere.removeValue(forKey: log.deliveredHead + 1) {
            guard deliver(entry, into: &actions) else { return }
        }
        if log.deliveredHead < knownHead {
            busy = .reading(target: knownHead)
            actions.append(.read(after: log.deliveredHead, limit: Self.page))
        }
    }

    mutating func read(_ entries: [LogEntry], into actions: inout [Action]) {
        guard case .reading(let target) = busy else { return }
        busy = nil
        for entry in entries where entry.serverSeq > log.deliveredHead {
            guard deliver(committedHere.removeValue(forKey: entry.serverSeq) ?? entry, into: &actions) else { return }
        }
        knownHead = max(knownHead, log.deliveredHead)
        if let target {
            if entries.isEmpty, target > log.deliveredHead {
                // A member was given a snapshot beyond them: the store compacted them away, and
                // only reloading the document brings this room there.
                if members.values.contains(where: { $0.ahead > log.deliveredHead }) {
                    fail(because: "the store's log no longer holds entries after \(log.deliveredHead): this relay fell behind a compaction", into: &actions)
                    return
                }
                // A notification named entries the store does not have: believe the store.
                knownHead = log.deliveredHead
            }
            deliverStored(into: &actions)
        } else if entries.count >= Self.page {
            catchUpWanted = true
        }
    }

    /// Applies the next entry and fans it out: an ack to the replica that sent it (on every one of
    /// its connections), a broadcast to everyone else. Returns false when the room broke.
    mutating func deliver(_ entry: LogEntry, into actions: inout [Action]) -> Bool {
        let key = DocumentLog.BatchKey(replica: entry.replica, clientSeq: entry.clientSeq)
        let ops: [Op]
        if let local = undelivered.removeValue(forKey: key) {
            ops = local
        } else if let decoded = try? OpCodec.decode(entry.ops) {
            ops = decoded
        } else {
            fail(because: "entry \(entry.serverSeq) does not decode", into: &actions)
            return false
        }
        switch log.deliver(entry, ops: ops) {
        case .delivered: break
        case .gap(let expected):
            fail(because: "the store's log continues at \(entry.serverSeq), not \(expected): this relay fell behind a compaction", into: &actions)
            return false
        case .inconsistent(let reason):
            fail(because: reason, into: &actions)
            return false
        }
        let ack = ServerMessage.ack(clientSeq: entry.clientSeq, serverSeq: entry.serverSeq)
        let broadcast = ServerMessage.broadcast(serverSeq: entry.serverSeq, replica: entry.replica, clientSeq: entry.clientSeq, ops: ops)
        for connection in connections {
            // A connection sent away for what waited behind its replay is gone by now.
            guard let member = members[connection] else { continue }
            send(member.replica == entry.replica ? ack : broadcast, to: connection, into: &actions)
        }
        return true
    }
}
