import Testing
import WeftCRDT
import WeftSync
import WeftWire

/// The pure client state machine: events in, actions out.
@Suite struct SyncMachineTests {
    let notes = try! DocumentName("notes")

    func machine(epoch: UInt64 = 0, last: UInt64 = 0, acked: UInt64 = 0, queued: UInt64 = 0) -> SyncMachine {
        SyncMachine(document: notes, replica: ReplicaID(5), token: "t", readOnly: false,
                    epoch: epoch, lastServerSeq: last, ackedThrough: acked, queuedThrough: queued)
    }

    func welcome(epoch: UInt64 = 9, serverSeq: UInt64 = 0, lastClientSeq: UInt64 = 0, restore: Bool = false, again: Bool = false) -> ServerMessage {
        .welcome(Welcome(epoch: epoch, serverSeq: serverSeq, lastClientSeq: lastClientSeq, readOnly: false, restore: restore, restoreAgain: again))
    }

    @Test func helloResumesAndQueuedBatchesGoOutBesideTheReplay() {
        var sync = machine(epoch: 9, last: 4, acked: 2, queued: 5)
        #expect(sync.handle(.start) == [.connect])
        #expect(sync.handle(.queued(through: 5)) == [], "nothing is sent before a welcome")
        #expect(sync.handle(.connected) == [.send(.hello(Hello(document: notes, epoch: 9, replica: ReplicaID(5), lastServerSeq: 4, wantsReceipts: true, token: "t", takesBundles: true)))])
        // The relay has batch 3 durable already: it is retired; 4 and 5 are resent at once.
        #expect(sync.handle(.received(welcome(serverSeq: 6, lastClientSeq: 3))) == [.retire(through: 3), .sendQueued(after: 3, through: 5)])
        #expect(sync.handle(.received(.broadcast(serverSeq: 5, replica: ReplicaID(8), clientSeq: 1, ops: []))) == [.apply(serverSeq: 5, ops: [])])
        #expect(sync.handle(.queued(through: 6)) == [.sendQueued(after: 5, through: 6)], "typed during the replay: sent at once too")
        #expect(sync.handle(.received(.broadcast(serverSeq: 6, replica: ReplicaID(8), clientSeq: 2, ops: []))) == [.apply(serverSeq: 6, ops: [])])
        #expect(sync.handle(.received(.caughtUp(serverSeq: 6))) == [.caughtUp])
        #expect(sync.handle(.received(.ack(clientSeq: 4, serverSeq: 7))) == [.retire(through: 4)])
        #expect(sync.lastServerSeq == 7 && !sync.isSettled)
        #expect(sync.handle(.received(.ack(clientSeq: 6, serverSeq: 8))) == [.retire(through: 6)])
        #expect(!sync.isSettled, "settled only with the receipt for the last acknowledged batch")
        #expect(sync.handle(.received(.receipt(Receipt(clientSeq: 6, serverSeq: 6, proof: [6])))) == [])
        #expect(sync.isSettled)
        #expect(sync.handle(.queued(through: 7)) == [.sendQueued(after: 6, through: 7)])
    }

    @Test func aGapInServerSequencesReconnectsInsteadOfApplying() {
        var sync = machine()
        _ = sync.handle(.start)
        _ = sync.handle(.connected)
        _ = sync.handle(.received(welcome(serverSeq: 3)))
        let actions = sync.handle(.received(.broadcast(serverSeq: 2, replica: ReplicaID(8), clientSeq: 1, ops: [])), jitter: 0)
        #expect(actions.contains(.disconnect))
        #expect(actions.contains(.scheduleRetry(after: .milliseconds(125))))
        #expect(!actions.contains { if case .apply = $0 { true } else { false } })
        #expect(sync.lastServerSeq == 0)
        #expect(sync.phase == .waiting(attempt: 1))
    }

    /// A connection the relay has not welcomed by the deadline (a black hole, or one half-closed
    /// mid-upgrade) is dropped and tried again; a welcomed one is left alone.
    @Test func aConnectionNotWelcomedInTimeIsDroppedAndTriedAgain() {
        var sync = machine()
        #expect(sync.handle(.start) == [.connect])
        let dropped = sync.handle(.connectDeadlinePassed, jitter: 0)
        #expect(dropped == [.trouble("the relay did not welcome the connection in time; reconnecting"), .disconnect,
                            .scheduleRetry(after: .milliseconds(125))])
        #expect(sync.phase == .waiting(attempt: 1))
        #expect(sync.handle(.connectDeadlinePassed) == [])
        #expect(sync.handle(.retryDue) == [.connect])
        _ = sync.handle(.connected)
        #expect(sync.handle(.connectDeadlinePassed, jitter: 0).contains(.disconnect), "hello sent, no welcome yet")
        _ = sync.handle(.retryDue)
        _ = sync.handle(.connected)
        _ = sync.handle(.received(welcome(serverSeq: 0)))
        #expect(sync.handle(.connectDeadlinePassed) == [], "welcomed: the replay may take as long as it needs")
        #expect(sync.phase == .replaying)
    }

    @Test func backoffDoublesToACapWithJitter() {
        #expect(SyncMachine.retryDelay(attempt: 1, jitter: 1) == .milliseconds(250))
        #expect(SyncMachine.retryDelay(attempt: 3, jitter: 1) == .seconds(1))
        #expect(SyncMachine.retryDelay(attempt: 3, jitter: 0) == .milliseconds(500))
        #expect(SyncMachine.retryDelay(attempt: 40, jitter: 1) == .seconds(30))
        var sync = machine()
        _ = sync.handle(.start)
        for attempt in 1...4 {
            #expect(sync.handle(.disconnected(reason: "refused"), jitter: 1).last == .scheduleRetry(after: SyncMachine.retryDelay(attempt: attempt, jitter: 1)))
            #expect(sync.handle(.retryDue) == [.connect])
        }
    }

    /// At most `sendWindow` batches are out unacknowledged; each ack lets more go.
    @Test func aLongQueueGoesOutThroughAWindow() {
        let window = SyncMachine.sendWindow
        var sync = machine(epoch: 9, last: 0, queued: 100)
        _ = sync.handle(.start)
        _ = sync.handle(.connected)
        #expect(sync.handle(.received(welcome(epoch: 9, serverSeq: 0))) == [.sendQueued(after: 0, through: window)])
        #expect(sync.handle(.received(.caughtUp(serverSeq: 0))) == [.caughtUp])
        #expect(sync.handle(.received(.ack(clientSeq: 2, serverSeq: 1))) == [.retire(through: 2), .sendQueued(after: window, through: window + 2)])
        #expect(sync.handle(.queued(through: 101)) == [], "the window is full")
        #expect(sync.handle(.received(.ack(clientSeq: window + 2, serverSeq: 2))).last == .sendQueued(after: window + 2, through: 2 * window + 2))
    }

    /// Backoff grows while nothing gets through and starts afresh after any progress, not only
    /// after a whole replay: on a link cut every second, a replay may never finish in one go.
    @Test func backoffResetsAfterAnyProgress() {
        var sync = machine(epoch: 9, last: 4)
        _ = sync.handle(.start)
        for attempt in 1...3 {
            #expect(sync.handle(.disconnected(reason: "cut"), jitter: 1).last == .scheduleRetry(after: SyncMachine.retryDelay(attempt: attempt, jitter: 1)))
            _ = sync.handle(.retryDue)
        }
        _ = sync.handle(.connected)
        _ = sync.handle(.received(welcome(serverSeq: 90)))
        #expect(sync.handle(.disconnected(reason: "cut"), jitter: 1).last == .scheduleRetry(after: SyncMachine.retryDelay(attempt: 4, jitter: 1)),
                "a welcome alone is no progress")
        _ = sync.handle(.retryDue)
        _ = sync.handle(.connected)
        _ = sync.handle(.received(welcome(serverSeq: 90)))
        _ = sync.handle(.received(.broadcast(serverSeq: 5, replica: ReplicaID(8), clientSeq: 1, ops: [])))
        #expect(sync.handle(.disconnected(reason: "cut"), jitter: 1).last == .scheduleRetry(after: SyncMachine.retryDelay(attempt: 1, jitter: 1)))
        #expect(sync.lastServerSeq == 5, "replay progress is kept for the next hello")
    }

    /// Every hello names the batch applied at its last serverSeq (another's broadcast, or this
    /// replica's acknowledged batch); none after a snapshot, which names no batch.
    @Test func theHelloNamesTheLastBatchApplied() {
        var sync = machine(epoch: 9, last: 4, queued: 1)
        func hello() -> Hello? {
            _ = sync.handle(.start)
            guard case .send(.hello(let hello))? = sync.handle(.connected).first else { return nil }
            return hello
        }
        #expect(hello()?.lastEntry == nil, "nothing known from before")
        _ = sync.handle(.received(welcome(serverSeq: 6)))
        _ = sync.handle(.received(.broadcast(serverSeq: 5, replica: ReplicaID(8), clientSeq: 3, ops: [])))
        _ = sync.handle(.disconnected(reason: "cut"))
        _ = sync.handle(.retryDue)
        guard case .send(.hello(let afterBroadcast))? = sync.handle(.connected).first else { Issue.record("no hello"); return }
        #expect(afterBroadcast.lastServerSeq == 5 && afterBroadcast.lastEntry == LogPosition(replica: ReplicaID(8), clientSeq: 3))
        _ = sync.handle(.received(welcome(serverSeq: 5)))
        _ = sync.handle(.received(.caughtUp(serverSeq: 5)))
        _ = sync.handle(.received(.ack(clientSeq: 1, serverSeq: 6)))
        #expect(sync.lastEntry == LogPosition(replica: ReplicaID(5), clientSeq: 1), "its own batch")
        _ = sync.handle(.received(.ack(clientSeq: 1, serverSeq: 3)))
        #expect(sync.lastEntry == LogPosition(replica: ReplicaID(5), clientSeq: 1), "a duplicate's older sequence changes nothing")

        var fresh = machine(epoch: 9, last: 0)
        _ = fresh.handle(.start)
        _ = fresh.handle(.connected)
        _ = fresh.handle(.received(welcome(serverSeq: 70)))
        _ = fresh.handle(.received(.snapshot(serverSeq: 70, bytes: [])))
        #expect(fresh.lastServerSeq == 70 && fresh.lastEntry == nil)
    }

    /// A copy still giving itself back, read only (`weft cat` of it), reads the relay's document
    /// as any reader does: its hello does not say it restores (a relay replays nothing to one it
    /// cannot take restore batches on, and the copy took that for a broken protocol and looped).
    @Test func aCopyGivingItselfBackReadsLikeAnyReaderWhenReadOnly() {
        var reading = SyncMachine(document: notes, replica: ReplicaID(5), token: "", readOnly: true, epoch: 9, lastServerSeq: 1,
                                  ackedThrough: 0, queuedThrough: 1, restoringThrough: 1)
        _ = reading.handle(.start)
        guard case .send(.hello(let hello))? = reading.handle(.connected).first else { Issue.record("no hello"); return }
        #expect(!hello.restoring && hello.formerReplicas.isEmpty)
        _ = reading.handle(.received(welcome(epoch: 9, serverSeq: 2)))
        #expect(reading.handle(.received(.broadcast(serverSeq: 2, replica: ReplicaID(8), clientSeq: 1, ops: []))) == [.apply(serverSeq: 2, ops: [])])
        #expect(reading.handle(.received(.caughtUp(serverSeq: 2))) == [.caughtUp])

        var writing = SyncMachine(document: notes, replica: ReplicaID(5), token: "", readOnly: false, epoch: 9, lastServerSeq: 1,
                                  ackedThrough: 0, queuedThrough: 1, restoringThrough: 1)
        _ = writing.handle(.start)
        guard case .send(.hello(let restoring))? = writing.handle(.connected).first else { Issue.record("no hello"); return }
        #expect(restoring.restoring)
    }

    /// A copy still giving itself back that took more of the relay's log since, welcomed by a
    /// relay behind it, in another epoch, or with the restore-again flag (the relay's log holds
    /// another batch at its place), gives its copy as it is now back again: its queued restore
    /// batches lack what it took since, and its later batches may build on that. Having taken
    /// nothing since (its last serverSeq 0), or with the relay at or past it and no flag, it sends
    /// them as queued.
    @Test func aCopyGivingItselfBackGivesItBackAgainWhenTheRelayLostHistoryOnceMore() {
        func restoring(last: UInt64) -> SyncMachine {
            var machine = SyncMachine(document: notes, replica: ReplicaID(5), token: "", readOnly: false, epoch: 9, lastServerSeq: last,
                                      ackedThrough: 0, queuedThrough: 3, restoringThrough: 1)
            _ = machine.handle(.start)
            _ = machine.handle(.connected)
            return machine
        }
        var behind = restoring(last: 42)
        #expect(behind.handle(.received(welcome(epoch: 9, serverSeq: 9, restore: true))) == [.disconnect, .restore(epoch: 9)])
        var wiped = restoring(last: 42)
        #expect(wiped.handle(.received(welcome(epoch: 77, serverSeq: 50, restore: true))) == [.disconnect, .restore(epoch: 77)])
        var diverged = restoring(last: 42)
        #expect(diverged.handle(.received(welcome(epoch: 9, serverSeq: 50, restore: true, again: true))) == [.disconnect, .restore(epoch: 9)])
        var fresh = restoring(last: 0)
        _ = fresh.handle(.received(welcome(epoch: 77, serverSeq: 0, restore: true)))
        #expect(fresh.phase == .replaying)
        var level = restoring(last: 42)
        _ = level.handle(.received(welcome(epoch: 9, serverSeq: 42, restore: true)))
        #expect(level.phase == .replaying)
    }

    /// The same failure is said once while it lasts, not on every retry.
    @Test func aFailureIsSaidOnceWhileItLasts() {
        var sync = machine()
        _ = sync.handle(.start)
        #expect(sync.handle(.disconnected(reason: "nothing answers")).first == .notice("nothing answers"))
        _ = sync.handle(.retryDue)
        #expect(!sync.handle(.disconnected(reason: "nothing answers")).contains { if case .notice = $0 { true } else { false } })
        _ = sync.handle(.retryDue)
        #expect(sync.handle(.disconnected(reason: "cut")).first == .notice("cut"))
    }

    /// A batch the relay refuses for now, after a welcome and a replay each time (a copy given
    /// back that waits for another writer's copy), backs off as failures do and is said once;
    /// an acknowledgement ends it.
    @Test func aBatchRefusedForNowBacksOffThoughEachConnectionReplays() {
        var sync = machine(epoch: 9, last: 4, queued: 1)
        _ = sync.handle(.start)
        let refusal = WireError(.unavailable, "that replica still writes in this epoch")
        var notices = 0
        for attempt in 1...6 {
            _ = sync.handle(.connected)
            _ = sync.handle(.received(welcome(serverSeq: 5)))
            _ = sync.handle(.received(.broadcast(serverSeq: 5, replica: ReplicaID(8), clientSeq: 1, ops: [])))
            _ = sync.handle(.received(.caughtUp(serverSeq: 5)))
            let refused = sync.handle(.received(.error(refusal, fatal: true)))
            notices += refused.filter { if case .notice = $0 { true } else { false } }.count
            #expect(sync.refusalEndingConnection == "unavailable: that replica still writes in this epoch")
            let closed = sync.handle(.disconnected(reason: "the relay closed the connection"), jitter: 1)
            #expect(closed.last == .scheduleRetry(after: SyncMachine.retryDelay(attempt: attempt, jitter: 1)), "attempt \(attempt)")
            notices += closed.filter { if case .notice = $0 { true } else { false } }.count
            #expect(sync.refusalEndingConnection == nil)
            _ = sync.handle(.retryDue)
        }
        #expect(notices == 1, "said once while it lasts, and the closes after it not at all")
        _ = sync.handle(.connected)
        _ = sync.handle(.received(welcome(serverSeq: 5)))
        _ = sync.handle(.received(.caughtUp(serverSeq: 5)))
        #expect(sync.handle(.received(.ack(clientSeq: 1, serverSeq: 6))) == [.retire(through: 1)])
        #expect(sync.handle(.disconnected(reason: "cut"), jitter: 1).last == .scheduleRetry(after: SyncMachine.retryDelay(attempt: 1, jitter: 1)))
    }

    /// A batch the relay refuses for good (malformed, too large) is set aside rather than resent
    /// forever with every later edit queued behind it.
    @Test func aBatchRefusedForGoodIsSetAside() {
        var sync = machine(epoch: 9, last: 4, acked: 2, queued: 3)
        _ = sync.handle(.start)
        _ = sync.handle(.connected)
        _ = sync.handle(.received(welcome(serverSeq: 4, lastClientSeq: 2)))
        let actions = sync.handle(.received(.error(WireError(.tooLarge, "the batch has 600000 bytes"), fatal: true)))
        #expect(actions == [.disconnect, .setAside(reason: "too-large: the batch has 600000 bytes")])
        #expect(sync.handle(.disconnected(reason: "closed")) == [])

        var nothingSent = machine(epoch: 9, last: 4, acked: 3, queued: 3)
        _ = nothingSent.handle(.start)
        _ = nothingSent.handle(.connected)
        _ = nothingSent.handle(.received(welcome(serverSeq: 4, lastClientSeq: 3)))
        let refused = nothingSent.handle(.received(.error(WireError(.malformed, "bad hello"), fatal: true)))
        #expect(refused.last == .disconnect, "with no batch in flight the relay refused the connection, not an edit")
        #expect(nothingSent.phase == .failed("malformed: bad hello"))
    }

    /// A relay of an earlier version refuses a hello whose flags it does not know: the copy
    /// connects again at once with a hello that asks for nothing it can do without, says why, and
    /// stops only if that one is refused too.
    @Test func aHelloAnOlderRelayCannotReadIsSentAgainPlainer() {
        for readOnly in [false, true] {
            var sync = SyncMachine(document: notes, replica: ReplicaID(5), token: "t", readOnly: readOnly, epoch: 9, lastServerSeq: 4,
                                   ackedThrough: 2, queuedThrough: readOnly ? 0 : 3, userName: "ana",
                                   lastEntry: LogPosition(replica: ReplicaID(8), clientSeq: 1))
            _ = sync.handle(.start)
            guard case .send(.hello(let full))? = sync.handle(.connected).first else {
                Issue.record("no hello")
                continue
            }
            #expect(full.takesBundles && full.lastEntry != nil && full.userName == "ana" && full.wantsReceipts == !readOnly)
            let refused = sync.handle(.received(.error(WireError(.malformed, "hello has unknown flag bits 128"), fatal: true)))
            #expect(refused.contains(.scheduleRetry(after: .zero)), "\(refused)")
            #expect(refused.contains { if case .notice(let text) = $0 { text.contains("may be older than this weft") } else { false } })
            #expect(sync.handle(.retryDue) == [.connect])
            guard case .send(.hello(let plain))? = sync.handle(.connected).first else {
                Issue.record("no second hello")
                continue
            }
            #expect(!plain.takesBundles && plain.lastEntry == nil && plain.userName.isEmpty && !plain.wantsReceipts)
            #expect(plain.replica == full.replica && plain.epoch == 9 && plain.lastServerSeq == 4 && plain.readOnly == readOnly)
            _ = sync.handle(.received(.error(WireError(.malformed, "bad hello"), fatal: true)))
            #expect(sync.phase == .failed("malformed: bad hello"), "a plain hello refused too is the relay's last word")
        }
    }

    @Test func anotherEpochIsNeverMergedAndFatalErrorsStop() {
        var sync = machine(epoch: 9, last: 40, queued: 2)
        _ = sync.handle(.start)
        _ = sync.handle(.connected)
        #expect(sync.handle(.received(welcome(epoch: 11, serverSeq: 3))) == [.disconnect, .epochChanged(from: 9, to: 11)])
        #expect(sync.handle(.disconnected(reason: "closed")) == [])

        var refused = machine()
        _ = refused.handle(.start)
        _ = refused.handle(.connected)
        let actions = refused.handle(.received(.error(WireError(.unauthorized, "expired"), fatal: true)))
        #expect(actions.last == .disconnect)
        #expect(refused.phase == .failed("unauthorized: expired"))
        #expect(refused.handle(.disconnected(reason: "closed")) == [])
    }
}
