import WeftCRDT
import WeftTestSupport
import WeftWire

extension WireVectorGenerator {
    static func dedup() -> [WireVector] {
        var vectors: [WireVector] = []
        vectors.append(vector("dedup/resend-acknowledged-again", "A batch sent again after its ack is acknowledged again with the same serverSeq, and broadcast to nobody.",
                              rules: ["rule 4"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            let ops = typing("once", at: 0, &alice)
            script.commit("a", clientSeq: 1, ops, as: 1, "batch 1")
            script.open("b")
            script.send("b", WireScript.hello(b), "hello")
            script.expect("b", WireScript.welcome(serverSeq: 1), "welcome")
            script.expect("b", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: ops), "replay")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up")
            script.commit("a", clientSeq: 1, ops, as: 1, "batch 1 again")
            script.expectQuiet("b", "nothing applied twice, nothing broadcast")
        })
        vectors.append(vector("dedup/old-serverseq-outside-the-run", "After a reconnect, a resent batch's ack carries its old serverSeq (below the client's lastServerSeq, outside the gapless run); the next new batch continues the run.",
                              rules: ["rule 3", "rule 4"]) { script in
            let (first, second) = writeInTurn(&script)
            script.close("a")
            script.expect("b", .presenceGone(replica: a), "a's connection ended")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 2), "hello again, serverSeq 2 applied")
            script.expect("a2", WireScript.welcome(serverSeq: 2, lastClientSeq: 1), "welcome: batch 1 is durable")
            script.expect("a2", .caughtUp(serverSeq: 2), "nothing to replay")
            script.commit("a2", clientSeq: 1, first, as: 1, "batch 1 resent anyway")
            var alice = Replica(replicaID: a)
            try! alice.apply(first + second)
            let third = typing("!", at: alice.count, &alice)
            script.commit("a2", clientSeq: 2, third, as: 3, "batch 2")
            script.expect("b", .broadcast(serverSeq: 3, replica: a, clientSeq: 2, ops: third), "only the new batch reaches b")
        })
        vectors.append(vector("dedup/acks-after-caught-up", "A batch resent at once after the hello is acknowledged after the replay and caught-up, never inside it.",
                              rules: ["rule 3", "rule 4"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            let one = typing("one", at: 0, &alice), two = typing("two", at: 3, &alice)
            script.commit("a", clientSeq: 1, one, as: 1, "batch 1")
            script.commit("a", clientSeq: 2, two, as: 2, "batch 2")
            script.close("a")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 0), "hello: nothing applied")
            script.send("a2", .batch(clientSeq: 2, ops: two), "batch 2 resent before the welcome is read")
            script.expect("a2", WireScript.welcome(serverSeq: 2, lastClientSeq: 2), "welcome")
            script.expect("a2", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: one), "replay 1")
            script.expect("a2", .broadcast(serverSeq: 2, replica: a, clientSeq: 2, ops: two), "replay 2")
            script.expect("a2", .caughtUp(serverSeq: 2), "caught-up")
            script.expect("a2", .ack(clientSeq: 2, serverSeq: 2), "then the duplicate's ack")
        })
        vectors.append(vector("dedup/compacted-duplicate", "A resent batch whose log entry compaction dropped is acknowledged with the snapshot's serverSeq.",
                              rules: ["rule 4"], relay: ["--compact-every", "2", "--compact-keep", "0"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            let one = typing("one", at: 0, &alice), two = typing("two", at: 3, &alice)
            script.commit("a", clientSeq: 1, one, as: 1, "batch 1")
            script.commit("a", clientSeq: 2, two, as: 2, "batch 2")
            script.wait(ms: 3_000, "the relay compacts its log into a snapshot at serverSeq 2")
            script.commit("a", clientSeq: 1, one, as: 2, "batch 1 again")
        })
        vectors.append(vector("dedup/skip-ahead", "A first batch numbered 2: a clientSeq gap is malformed.", rules: ["rule 5"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            script.send("a", .batch(clientSeq: 2, ops: typing("x", at: 0, &alice)), "batch 2 with no batch 1")
            script.expectError("a", .malformed, "refused; the connection closes")
        })
        vectors.append(vector("dedup/same-number-other-ops", "Other ops under a committed clientSeq are malformed; the committed batch stands.",
                              rules: ["rule 8"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            let ops = typing("kept", at: 0, &alice)
            script.commit("a", clientSeq: 1, ops, as: 1, "batch 1")
            var other = Replica(replicaID: a)
            script.send("a", .batch(clientSeq: 1, ops: typing("forged", at: 0, &other)), "batch 1 again, other ops")
            script.expectError("a", .malformed, "refused")
        })
        return vectors
    }
}
