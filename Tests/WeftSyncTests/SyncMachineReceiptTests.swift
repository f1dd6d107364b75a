import Testing
import WeftCRDT
import WeftSync
import WeftWire

/// Receipts: kept as the relay gives them, shown only when the relay lacks batches it
/// acknowledged, and done without when a relay cannot read a hello asking for them.
@Suite struct SyncMachineReceiptTests {
    let notes = try! DocumentName("notes")

    func connected(acked: UInt64, receipt: Receipt? = nil) -> SyncMachine {
        var sync = SyncMachine(document: notes, replica: ReplicaID(5), token: "", readOnly: false, epoch: 9, lastServerSeq: 4,
                               ackedThrough: acked, queuedThrough: acked, receipt: receipt)
        _ = sync.handle(.start)
        _ = sync.handle(.connected)
        return sync
    }

    func hello(of actions: [SyncMachine.Action]) -> Hello? {
        for case .send(.hello(let hello)) in actions { return hello }
        return nil
    }

    /// Reconnects after a scheduled retry and returns the hello sent.
    func reconnect(_ sync: inout SyncMachine) -> Hello? {
        _ = sync.handle(.retryDue)
        return hello(of: sync.handle(.connected))
    }

    @Test func theLatestReceiptIsKept() {
        var sync = connected(acked: 0)
        _ = sync.handle(.received(.welcome(Welcome(epoch: 9, serverSeq: 4, lastClientSeq: 0, readOnly: false))))
        let two = Receipt(clientSeq: 2, serverSeq: 2, proof: [2]), one = Receipt(clientSeq: 1, serverSeq: 1, proof: [1])
        #expect(sync.handle(.received(.receipt(two))) == [])
        #expect(sync.handle(.received(.receipt(one))) == [])
        #expect(sync.receipt == two, "an older receipt does not replace a newer one")
    }

    @Test func aRelayMissingAcknowledgedBatchesIsShownTheReceipt() {
        let receipt = Receipt(clientSeq: 3, serverSeq: 3, proof: [7, 7])
        var sync = connected(acked: 3, receipt: receipt)
        let actions = sync.handle(.received(.welcome(Welcome(epoch: 9, serverSeq: 4, lastClientSeq: 1, readOnly: false))))
        #expect(actions.contains(.disconnect) && actions.contains(.scheduleRetry(after: .zero)), "\(actions)")
        let claim = reconnect(&sync)
        #expect(claim?.lostBatchesReceipt == receipt && claim?.relayLostHistory == true)
    }

    /// Asked for its copy because it has seen more of the log than the relay has: with a receipt
    /// for that much of the log, it first shows it, so that the document moves to a new epoch;
    /// without one, it gives its copy back at once.
    @Test func aRelayBehindThisCopyIsShownTheReceiptForTheLog() {
        let receipt = Receipt(clientSeq: 1, serverSeq: 4, proof: [4])
        var sync = connected(acked: 1, receipt: receipt)
        let behind = Welcome(epoch: 9, serverSeq: 2, lastClientSeq: 1, readOnly: false, restore: true)
        let actions = sync.handle(.received(.welcome(behind)))
        #expect(actions.contains(.scheduleRetry(after: .zero)) && !actions.contains(.restore(epoch: 9)), "\(actions)")
        #expect(reconnect(&sync)?.lostBatchesReceipt == receipt)
        // Answered with a new epoch and the restore flag: the copy is given back.
        #expect(sync.handle(.received(.welcome(Welcome(epoch: 10, serverSeq: 2, lastClientSeq: 0, readOnly: false, restore: true)))).contains(.restore(epoch: 10)))

        var unproven = connected(acked: 1, receipt: Receipt(clientSeq: 1, serverSeq: 2, proof: [2]))
        #expect(unproven.handle(.received(.welcome(behind))).contains(.restore(epoch: 9)))
    }

    @Test func withoutAReceiptTheLossIsToldNotClaimed() {
        var sync = connected(acked: 3, receipt: Receipt(clientSeq: 1, serverSeq: 1, proof: [1]))
        let actions = sync.handle(.received(.welcome(Welcome(epoch: 9, serverSeq: 4, lastClientSeq: 1, readOnly: false))))
        #expect(actions == [.disconnect])
        guard case .failed(let why) = sync.phase else { Issue.record("not stopped: \(sync.phase)"); return }
        #expect(why.contains("no receipt") && why.contains("weft cat --offline notes"), "\(why)")
    }

    @Test func aRelayThatCannotReadTheHelloIsAskedWithoutReceipts() {
        var sync = connected(acked: 0)
        let actions = sync.handle(.received(.error(WireError(.malformed, "hello: a flag bit not named"), fatal: true)))
        #expect(actions.contains(.scheduleRetry(after: .zero)), "\(actions)")
        let again = reconnect(&sync)
        #expect(again?.wantsReceipts == false)
        // Refused again: not a matter of receipts, so it stops.
        _ = sync.handle(.received(.error(WireError(.malformed, "hello: a flag bit not named"), fatal: true)))
        guard case .failed = sync.phase else { Issue.record("not stopped: \(sync.phase)"); return }
    }
}
