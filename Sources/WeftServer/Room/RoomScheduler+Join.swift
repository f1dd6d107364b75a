import WeftCRDT
import WeftWire

extension RoomScheduler {
    /// Answers a hello: the welcome, then the replay of what the client missed (a snapshot when
    /// it is further behind than the log reaches), then `caught-up`; live messages wait behind it.
    ///
    /// A client ahead of this room (it last synced through another relay) waits for a catch-up
    /// with the store first, so the welcome never sends it back in time; one still ahead after
    /// that holds history the store lost, and is asked for its copy (with a receipt proving the
    /// loss, after the document's new epoch: `DocumentLog.greeting`).
    mutating func join(_ connection: UInt64, hello: Hello, readOnly: Bool, storedAtLast: LogPosition? = nil, into actions: inout [Action]) {
        if hello.lastServerSeq > log.deliveredHead, answeringWaitingJoin != connection {
            catchUpWanted = true
            waitingJoins.append((connection, hello, readOnly, storedAtLast))
            return
        }
        let greeting = log.greeting(clientEpoch: hello.epoch, lastServerSeq: hello.lastServerSeq,
                                    restoring: hello.restoring, replica: hello.replica,
                                    receipt: hello.lostBatchesReceipt.map { ($0.clientSeq, $0.serverSeq) }, lastEntry: hello.lastEntry,
                                    storedAtLast: storedAtLast)
        if greeting.needsNewEpoch {
            waitingJoins.append((connection, hello, readOnly, storedAtLast))
            if !renewing {
                renewing = true
                actions.append(.renewEpoch(from: log.epoch))
            }
            return
        }
        let restore = greeting.restore
        var member = Member(replica: hello.replica, readOnly: readOnly, mayRestore: restore && hello.restoring && !readOnly)
        // Who is here already: held, so it arrives after the replay.
        for other in connections {
            if let presence = members[other]?.presence, let replica = members[other]?.replica {
                member.held.append(.presence(replica: replica, presence))
            }
        }
        let welcome = log.welcome(replica: hello.replica, readOnly: readOnly, restore: restore,
                                  restoreAgain: greeting.restoreAgain && !readOnly)
        actions.append(.send(connection: connection, .welcome(welcome)))
        if restore, !hello.restoring || readOnly {
            // The client is about to give its copy back on a new connection: replay it nothing now.
            member.replay = Replay(after: log.deliveredHead, end: log.deliveredHead, needsSnapshot: false)
        } else {
            // A client of another epoch has applied none of this one's log (epoch 0: a client that
            // knows none, whose last serverSeq is taken as it says).
            let applied = hello.epoch == 0 || hello.epoch == log.epoch ? hello.lastServerSeq : 0
            member.replay = Replay(after: min(applied, log.deliveredHead), end: welcome.serverSeq, needsSnapshot: applied < log.logFloor)
        }
        members[connection] = member
        continueReplay(of: connection, into: &actions)
    }

    private var busyCatchingUp: Bool {
        if case .reading(target: nil) = busy { return true }
        return false
    }

    /// Answers the joins that waited, once no catch-up or renewal is pending.
    mutating func answerWaitingJoins(into actions: inout [Action]) {
        guard !catchUpWanted, !busyCatchingUp, !renewing else { return }
        let waiting = waitingJoins
        waitingJoins = []
        for join in waiting {
            answeringWaitingJoin = join.connection
            self.join(join.connection, hello: join.hello, readOnly: join.readOnly, storedAtLast: join.storedAtLast, into: &actions)
            answeringWaitingJoin = nil
        }
    }

    /// The next step of a connection's replay: the snapshot, a page of the log, or `caught-up`
    /// and what waited behind it.
    mutating func continueReplay(of connection: UInt64, into actions: inout [Action]) {
        guard let replay = members[connection]?.replay else { return }
        if replay.needsSnapshot { return actions.append(.readSnapshot(connection: connection)) }
        if replay.after < replay.end {
            return actions.append(.readForReplay(connection: connection, after: replay.after, limit: Self.page))
        }
        let held = members[connection]!.endReplay()
        actions.append(.replay(connection: connection, .caughtUp(serverSeq: replay.end)))
        for message in held { actions.append(.send(connection: connection, message)) }
    }

    /// The replay sends every entry as a broadcast, the client's own included: a client that
    /// crashed after an ack and before saving its copy gets its own batches back this way, and
    /// applying one twice changes nothing (PROTOCOL.md rule 3).
    mutating func replayRead(_ connection: UInt64, _ entries: [LogEntry], into actions: inout [Action]) {
        guard var replay = members[connection]?.replay else { return }
        guard let first = entries.first else {
            return handleReplayFailure(connection, "the store's log ends at \(replay.after), before \(replay.end)", into: &actions)
        }
        if first.serverSeq != replay.after + 1 {
            // A compaction since the join dropped the entries this client needs: send the snapshot.
            replay.needsSnapshot = true
        } else {
            // Entries past `end` were committed since the join: they are held as live messages.
            for entry in entries where entry.serverSeq <= replay.end {
                guard let ops = try? OpCodec.decode(entry.ops) else {
                    return handleReplayFailure(connection, "entry \(entry.serverSeq) does not decode", into: &actions)
                }
                actions.append(.replay(connection: connection, .broadcast(serverSeq: entry.serverSeq, replica: entry.replica, clientSeq: entry.clientSeq, ops: ops)))
                replay.after = entry.serverSeq
            }
        }
        members[connection]!.replay = replay
        continueReplay(of: connection, into: &actions)
    }

    /// A snapshot newer than the welcome's sequence moves the replay's end to it (the client
    /// ignores live deliveries the snapshot already holds).
    mutating func snapshotRead(_ connection: UInt64, bytes: [UInt8], serverSeq: UInt64, into actions: inout [Action]) {
        guard var replay = members[connection]?.replay else { return }
        actions.append(.replay(connection: connection, .snapshot(serverSeq: serverSeq, bytes: bytes)))
        if serverSeq > log.deliveredHead {
            members[connection]!.ahead = serverSeq
            knownHead = max(knownHead, serverSeq)
        }
        replay.after = max(replay.after, serverSeq)
        replay.end = max(replay.end, serverSeq)
        replay.needsSnapshot = false
        members[connection]!.replay = replay
        continueReplay(of: connection, into: &actions)
    }

    /// The replay could not be read: the connection is sent away (it replays again when it comes back).
    mutating func handleReplayFailure(_ connection: UInt64, _ reason: String, into actions: inout [Action]) {
        guard members[connection] != nil else { return }
        dismiss(connection, with: WireError(.unavailable, "the relay could not read this document's log (\(reason)); reconnect"), into: &actions)
    }
}
