import Testing
import WeftCRDT
import WeftServer
import WeftWire

/// The pure room: batches are acknowledged and broadcast only once committed, in sequence, and a
/// joining connection's live messages wait behind its replay.
@Suite struct RoomSchedulerTests {
    let notes = try! DocumentName("notes")

    func room() throws -> (RoomScheduler, MemoryStoreState) {
        var store = MemoryStoreState(epochSeed: 7)
        let stored = try store.open(notes)
        return (RoomScheduler(log: try DocumentLog(document: notes, stored: stored)), store)
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
            .send(connection: 1, .caughtUp(serverSeq: 0)),
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
            .send(connection: 2, .broadcast(serverSeq: 1, replica: ReplicaID(1), clientSeq: 1, ops: first)),
            .send(connection: 2, .caughtUp(serverSeq: 1)),
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
}
