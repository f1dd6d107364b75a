import Testing
import WeftCRDT
import WeftServer
import WeftWire

/// The pure room: batches are acknowledged and broadcast only once committed, in sequence, and a
/// joining connection's live messages wait behind its replay.
@Suite struct RoomSchedulerTests {
    let notes = try! DocumentName("notes")

    func room(heldByteLimit: Int = 32 << 20) throws -> (RoomScheduler, MemoryStoreState) {
        var store = MemoryStoreState(epochSeed: 7)
        let stored = try store.open(notes)
        return (RoomScheduler(log: try DocumentLog(document: notes, stored: stored), heldByteLimit: heldByteLimit), store)
    }

    /// Commits what `actions` ask to commit and feeds the outcome back; returns what that does.
    func commit(_ actions: [RoomScheduler.Action], in room: inout RoomScheduler, store: inout MemoryStoreState) throws -> [RoomScheduler.Action] {
        guard case .commit(let batches)? = actions.first(where: { if case .commit = $0 { true } else { false } }) else {
            Issue.record("expected a commit in \(actions)")
            return []
        }
        return room.handle(.committed(try store.commit(batches, to: notes)))
    }

    func hello(_ replica: UInt64, epoch: UInt64 = 0, after: UInt64 = 0) -> Hello {
        Hello(document: notes, epoch: epoch, replica: ReplicaID(replica), lastServerSeq: after)
    }

    func typing(_ text: String, replica: UInt64) throws -> [Op] {
        var local = Replica(replicaID: ReplicaID(replica))
        return [try local.insert(text, at: 0)!]
    }

    @Test func aBatchIsAcknowledgedAndBroadcastOnlyAfterItsCommit() throws {
        var (room, store) = try room()
        let epoch = room.log.epoch
        #expect(room.handle(.join(connection: 1, hello: hello(1), readOnly: false)) == [
            .send(connection: 1, .welcome(Welcome(epoch: epoch, serverSeq: 0, lastClientSeq: 0, readOnly: false))),
            .replay(connection: 1, .caughtUp(serverSeq: 0)),
        ])
        _ = room.handle(.join(connection: 2, hello: hello(2), readOnly: false))
        let ops = try typing("hi", replica: 1)
        let actions = room.handle(.submit(connection: 1, clientSeq: 1, ops: ops, restoring: false))
        guard case .commit(let batches) = actions.first, actions.count == 1 else {
            Issue.record("expected one commit, got \(actions)")
            return
        }
        let result = try store.commit(batches, to: notes)
        #expect(room.handle(.committed(result)) == [
            .send(connection: 1, .ack(clientSeq: 1, serverSeq: 1)),
            .send(connection: 2, .broadcast(serverSeq: 1, replica: ReplicaID(1), clientSeq: 1, ops: ops)),
        ])
        // A resend after a reconnect is acknowledged again, not committed again.
        #expect(room.handle(.submit(connection: 1, clientSeq: 1, ops: ops, restoring: false)) == [
            .send(connection: 1, .ack(clientSeq: 1, serverSeq: 1)),
        ])
    }

    @Test func liveMessagesWaitBehindTheReplayAndCaughtUpNamesOnlyWhatWasSent() throws {
        var (room, store) = try room()
        _ = room.handle(.join(connection: 1, hello: hello(1), readOnly: false))
        let first = try typing("a", replica: 1)
        guard case .commit(let batches) = room.handle(.submit(connection: 1, clientSeq: 1, ops: first, restoring: false)).first else {
            Issue.record("no commit")
            return
        }
        _ = room.handle(.committed(try store.commit(batches, to: notes)))
        // Connection 2 joins from scratch: its replay needs a read of the store.
        let join = room.handle(.join(connection: 2, hello: hello(2), readOnly: false))
        #expect(join.last == .readForReplay(connection: 2, after: 0, limit: RoomScheduler.page))
        // Meanwhile a presence arrives for it: it waits.
        let presence = Presence(userName: "ann", colour: 1, cursor: Anchor.start, selections: [])
        #expect(room.handle(.presence(connection: 1, presence)).isEmpty)
        let replay = room.handle(.replayRead(connection: 2, try store.entries(of: notes, after: 0, limit: 10)))
        #expect(replay == [
            .replay(connection: 2, .broadcast(serverSeq: 1, replica: ReplicaID(1), clientSeq: 1, ops: first)),
            .replay(connection: 2, .caughtUp(serverSeq: 1)),
            .send(connection: 2, .presence(replica: ReplicaID(1), presence)),
        ])
    }

    @Test func aStoreFailureSendsEveryoneAwayAndTakesNothingMore() throws {
        var (room, _) = try room()
        _ = room.handle(.join(connection: 1, hello: hello(1), readOnly: false))
        _ = room.handle(.submit(connection: 1, clientSeq: 1, ops: try typing("a", replica: 1), restoring: false))
        let failed = room.handle(.storeFailed("disk on fire"))
        #expect(failed.contains(.close(connection: 1)))
        #expect(room.isBroken)
        #expect(room.handle(.join(connection: 2, hello: hello(2), readOnly: false)).contains(.close(connection: 2)))
    }

    /// Another relay compacted entries this room has not delivered yet, and a joining client got
    /// the stored snapshot, beyond the room: its batches, which may build on characters the room
    /// lacks, wait for the room instead of being refused (the client would set its copy aside);
    /// the room, unable to read those entries, reloads.
    @Test func aClientGivenASnapshotBeyondTheRoomIsNotRefused() throws {
        var (room, store) = try room()
        var other = Replica(replicaID: ReplicaID(9))
        let first = [try other.insert("ab", at: 0)!]
        _ = room.handle(.join(connection: 5, hello: hello(9), readOnly: false))
        guard case .commit(let batches) = room.handle(.submit(connection: 5, clientSeq: 1, ops: first, restoring: false)).first else {
            Issue.record("no commit")
            return
        }
        _ = room.handle(.committed(try store.commit(batches, to: notes)))
        _ = room.handle(.leave(connection: 5))
        // Another relay commits two more batches and compacts the first two away.
        let second = [try other.insert("cd", at: 2)!]
        let third = [try other.insert("ef", at: 4)!]
        _ = try store.commit([PendingBatch(replica: ReplicaID(9), clientSeq: 2, ops: OpCodec.encode(second))], to: notes)
        var compacted = Replica(replicaID: ReplicaID(0))
        _ = try compacted.apply(first + second)
        try store.compact(notes, snapshot: compacted.encodeSnapshot(), serverSeq: 2, keepAfter: 2)
        _ = try store.commit([PendingBatch(replica: ReplicaID(9), clientSeq: 3, ops: OpCodec.encode(third))], to: notes)

        #expect(room.handle(.join(connection: 1, hello: hello(1), readOnly: false)).last == .readForReplay(connection: 1, after: 0, limit: RoomScheduler.page))
        #expect(room.handle(.replayRead(connection: 1, try store.entries(of: notes, after: 0, limit: 10))) == [.readSnapshot(connection: 1)])
        let snapshot = try store.snapshot(of: notes)
        // The room goes to read what it lacks.
        let afterSnapshot = room.handle(.snapshotRead(connection: 1, bytes: snapshot.bytes, serverSeq: snapshot.serverSeq))
        guard case .read(let after, let limit) = afterSnapshot.last else {
            Issue.record("the room does not read the store: \(afterSnapshot)")
            return
        }
        // The client deletes "c", which the room has not seen: the batch waits.
        var client = try Replica(snapshot: snapshot.bytes, replicaID: ReplicaID(1))
        let deletion = [try client.delete(2..<3)!]
        #expect(room.handle(.submit(connection: 1, clientSeq: 1, ops: deletion, restoring: false)).isEmpty)
        let read = room.handle(.read(try store.entries(of: notes, after: after, limit: limit)))
        #expect(room.isBroken)
        #expect(read.contains(.send(connection: 1, .error(WireError(.unavailable, "the relay could not store this document's changes; reconnect"), fatal: true))))
    }

    /// A batch refused while its connection is being replayed what it missed is answered at
    /// once, not behind the replay, and the replay is abandoned (the client replays again when it
    /// comes back).
    @Test func aRefusalDuringAReplayIsSentAtOnce() throws {
        var (room, store) = try room()
        _ = room.handle(.join(connection: 1, hello: hello(1), readOnly: false))
        _ = try commit(room.handle(.submit(connection: 1, clientSeq: 1, ops: try typing("a", replica: 1), restoring: false)), in: &room, store: &store)
        #expect(room.handle(.join(connection: 2, hello: hello(2), readOnly: false)).last == .readForReplay(connection: 2, after: 0, limit: RoomScheduler.page))
        #expect(room.isReplaying(2))
        let missing = Op.insert(Insertion(id: CharID(replica: ReplicaID(2), counter: 0),
                                          originLeft: CharID(replica: ReplicaID(0x99), counter: 5), originRight: nil, text: "x"))
        let refused = room.handle(.submit(connection: 2, clientSeq: 1, ops: [missing], restoring: false))
        guard refused.count == 2, case .send(2, .error(let error, fatal: true)) = refused[0], refused[1] == .close(connection: 2) else {
            Issue.record("expected the refusal and a close at once, got \(refused)")
            return
        }
        #expect(error.code == .malformed)
        #expect(!room.isReplaying(2))
        #expect(room.handle(.replayRead(connection: 2, try store.entries(of: notes, after: 0, limit: 10))).isEmpty)
    }

    /// Live messages pile up behind a slow replay while others type: past the limit the joining
    /// connection is sent away (it catches up from the log when it comes back), and the typist is
    /// unaffected.
    @Test func aReplayingConnectionIsSentAwayWhenTooMuchWaitsBehindIt() throws {
        var (room, store) = try room(heldByteLimit: 1_000)
        _ = room.handle(.join(connection: 1, hello: hello(1), readOnly: false))
        var typist = Replica(replicaID: ReplicaID(1))
        _ = try commit(room.handle(.submit(connection: 1, clientSeq: 1, ops: [try typist.insert("a", at: 0)!], restoring: false)),
                       in: &room, store: &store)
        _ = room.handle(.join(connection: 2, hello: hello(2), readOnly: false))
        var sentAway = false
        for clientSeq in 2...20 where !sentAway {
            let ops = [try typist.insert(String(repeating: "b", count: 100), at: typist.count)!]
            let delivered = try commit(room.handle(.submit(connection: 1, clientSeq: UInt64(clientSeq), ops: ops, restoring: false)),
                                       in: &room, store: &store)
            #expect(delivered.contains(.send(connection: 1, .ack(clientSeq: UInt64(clientSeq), serverSeq: UInt64(clientSeq)))))
            sentAway = delivered.contains(.sendAway(connection: 2, WireError(.unavailable, "too far behind while catching up; connect again to catch up")))
            if sentAway {
                #expect(clientSeq > 5, "sent away after \(clientSeq - 1) batches of about 150 bytes with a 1,000-byte limit")
            }
        }
        #expect(sentAway)
        #expect(room.connections == [1])
    }

    /// Deleting the document (or a store failure) reaches every connection, joins still waiting
    /// for a catch-up included: none is left waiting for a welcome that never comes.
    @Test func aFarewellReachesJoinsStillWaiting() throws {
        var (room, _) = try room()
        _ = room.handle(.join(connection: 1, hello: hello(1), readOnly: false))
        // Connection 2 says it has seen more than this room has delivered: it waits for a catch-up.
        let waiting = room.handle(.join(connection: 2, hello: hello(2, after: 5), readOnly: false))
        #expect(waiting == [.read(after: 0, limit: RoomScheduler.page)])
        let gone = WireError(.gone, "notes was deleted")
        let farewell = room.handle(.shutDown(farewell: gone))
        #expect(farewell == [
            .send(connection: 1, .error(gone, fatal: true)), .close(connection: 1),
            .send(connection: 2, .error(gone, fatal: true)), .close(connection: 2),
        ])
        #expect(room.isBroken && room.isIdle)
    }

    /// A join that waited for a catch-up is answered as soon as the catch-up is read, even while
    /// others keep typing (the queue is never empty then).
    @Test func aWaitingJoinIsAnsweredWhileOthersType() throws {
        var (room, _) = try room()
        _ = room.handle(.join(connection: 1, hello: hello(1), readOnly: false))
        #expect(room.handle(.join(connection: 2, hello: hello(2, after: 5), readOnly: false)) == [.read(after: 0, limit: RoomScheduler.page)])
        #expect(room.handle(.submit(connection: 1, clientSeq: 1, ops: try typing("a", replica: 1), restoring: false)).isEmpty)
        let answered = room.handle(.read([]))
        #expect(answered.contains { if case .send(2, .welcome) = $0 { true } else { false } }, "no welcome in \(answered)")
        #expect(answered.contains { if case .commit = $0 { true } else { false } }, "no commit in \(answered)")
    }
}
