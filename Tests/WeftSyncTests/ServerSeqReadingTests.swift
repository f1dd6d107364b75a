import Testing
import WeftCRDT
import WeftSync
import WeftWire

/// PROTOCOL.md rule 4, "Reading serverSeqs": a duplicate's ack carries an old serverSeq, outside
/// the connection's gapless run; the client retires the batch and moves nothing, while an ack or
/// broadcast past the run's next number breaks the connection.
@Suite struct ServerSeqReadingTests {
    func live(last: UInt64, acked: UInt64, queued: UInt64) -> SyncMachine {
        var sync = SyncMachine(document: try! DocumentName("notes"), replica: ReplicaID(5), token: "", readOnly: false,
                               epoch: 9, lastServerSeq: last, ackedThrough: acked, queuedThrough: queued)
        _ = sync.handle(.start)
        _ = sync.handle(.connected)
        _ = sync.handle(.received(.welcome(Welcome(epoch: 9, serverSeq: last, lastClientSeq: acked, readOnly: false))))
        _ = sync.handle(.received(.caughtUp(serverSeq: last)))
        return sync
    }

    @Test func aDuplicatesOldServerSeqRetiresTheBatchAndMovesNothing() {
        // Batch 1 was committed as serverSeq 2 before the connection broke, unacknowledged here;
        // the client has applied up to 4 since.
        var sync = live(last: 4, acked: 0, queued: 2)
        #expect(sync.handle(.received(.ack(clientSeq: 1, serverSeq: 2))) == [.retire(through: 1)])
        #expect(sync.lastServerSeq == 4 && sync.phase == .live)
        // The next of the run moves it.
        #expect(sync.handle(.received(.ack(clientSeq: 2, serverSeq: 5))) == [.retire(through: 2)])
        _ = sync.handle(.received(.receipt(Receipt(clientSeq: 2, serverSeq: 2, proof: [2]))))
        #expect(sync.lastServerSeq == 5 && sync.isSettled)
        // A broadcast already applied is ignored.
        #expect(sync.handle(.received(.broadcast(serverSeq: 3, replica: ReplicaID(8), clientSeq: 1, ops: []))) == [])
    }

    @Test func anAckPastTheNextOfTheRunBreaksTheConnection() {
        var sync = live(last: 4, acked: 0, queued: 1)
        let actions = sync.handle(.received(.ack(clientSeq: 1, serverSeq: 6)), jitter: 0)
        #expect(actions.contains(.disconnect))
        #expect(!actions.contains(.retire(through: 1)))
        #expect(sync.lastServerSeq == 4 && sync.ackedThrough == 0)
    }

    @Test func aNonFatalErrorOfAnUnknownCodeIsToldAndTheConnectionGoesOn() {
        var sync = live(last: 4, acked: 0, queued: 0)
        let actions = sync.handle(.received(.error(WireError(WireErrorCode("slow-down"), "later"), fatal: false)))
        #expect(actions == [.notice("later")])
        #expect(sync.phase == .live)
        var stopped = live(last: 4, acked: 0, queued: 0)
        _ = stopped.handle(.received(.error(WireError(WireErrorCode("slow-down"), "later"), fatal: true)))
        #expect(stopped.phase == .failed("slow-down: later"))
    }
}
