import WeftCRDT
import WeftTestSupport
import WeftWire

extension WireVectorGenerator {
    /// An epoch no relay gave: a copy of the document's lost past.
    static let unknownEpoch: UInt64 = 0x1234_5678_9ABC_DEF1

    /// Replica a1 writes "abc" as batch 1 (serverSeq 1) on a new document.
    static func writeABC(_ script: inout WireScript) {
        script.join("a", a)
        script.commit("a", clientSeq: 1, abc, as: 1, "batch 1: \"abc\"")
    }

    /// Replica a1, keeping receipts, writes "abc" as batch 1 and gets its receipt (proof R1).
    static func writeABCWithReceipt(_ script: inout WireScript) {
        script.open("a")
        script.send("a", WireScript.hello(a, receipts: true), "hello: flag bit 4, receipts")
        script.expect("a", WireScript.welcome(serverSeq: 0), "welcome: epoch E")
        script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
        script.send("a", .batch(clientSeq: 1, ops: abc), "batch 1: \"abc\"")
        script.expect("a", .ack(clientSeq: 1, serverSeq: 1), "ack")
        script.expect("a", .receipt(Receipt(clientSeq: 1, serverSeq: 1, proof: WireScript.proof("R1"))), "receipt: batch 1 is durable (proof R1)")
    }

    static func epochs() -> [WireVector] {
        var vectors: [WireVector] = []
        vectors.append(vector("epochs/unknown-epoch", "A hello with an epoch the relay never gave: welcome with the current epoch and the restore flag, and no replay.",
                              rules: ["Healing a relay", "Epoch changes"]) { script in
            writeABC(&script)
            script.open("b")
            script.send("b", WireScript.hello(b, epoch: unknownEpoch, lastServerSeq: 5), "hello: an unknown epoch, serverSeq 5 applied")
            script.expect("b", WireScript.welcome(serverSeq: 1, restore: true), "welcome: epoch E, restore")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up at once: the client is about to come back as another replica")
        })
        vectors.append(vector("epochs/relay-behind", "A client that says it applied more than the relay's log holds, with no receipt to prove it: it is asked for its copy, and the epoch stays (a client's word alone moves no document).",
                              rules: ["Healing a relay", "Epoch changes"]) { script in
            writeABC(&script)
            script.open("b")
            script.send("b", WireScript.hello(b, epoch: WireScript.epoch("E"), lastServerSeq: 9, readOnly: true), "hello: read-only, epoch E, serverSeq 9 applied; the log is at 1")
            script.expect("b", WireScript.welcome(serverSeq: 1, readOnly: true, restore: true), "welcome: the same epoch E, read-only and restore")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up at once")
            script.open("c")
            script.send("c", WireScript.hello(c, epoch: WireScript.epoch("E"), lastServerSeq: 1), "hello: epoch E, serverSeq 1 applied")
            script.expect("c", WireScript.welcome(serverSeq: 1), "welcome: an ordinary one, epoch E")
            script.expect("c", .caughtUp(serverSeq: 1), "caught-up")
        })
        vectors.append(vector("epochs/another-batch-there", "A hello naming the batch it applied at its last serverSeq (flag bit 6), where the log holds another: the log went back and went on, and the client is asked for its copy (a restoring one to give it back again, welcome flag bit 2); naming the batch the log holds there is an ordinary hello.",
                              rules: ["Healing a relay", "Epoch changes"]) { script in
            writeABC(&script)
            script.open("b")
            script.send("b", WireScript.hello(b, epoch: WireScript.epoch("E"), lastServerSeq: 1, readOnly: true, lastEntry: LogPosition(replica: c, clientSeq: 1)),
                        "hello: read-only, epoch E, serverSeq 1 applied, which held replica c1's batch 1; the log holds a1's there")
            script.expect("b", WireScript.welcome(serverSeq: 1, readOnly: true, restore: true), "welcome: the same epoch E, read-only and restore")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up at once")
            script.open("c")
            script.send("c", WireScript.hello(c, epoch: WireScript.epoch("E"), lastServerSeq: 1, lastEntry: LogPosition(replica: a, clientSeq: 1)),
                        "hello: epoch E, serverSeq 1 applied, which held a1's batch 1")
            script.expect("c", WireScript.welcome(serverSeq: 1), "welcome: an ordinary one, epoch E")
            script.expect("c", .caughtUp(serverSeq: 1), "caught-up")
            script.open("d")
            script.send("d", WireScript.hello(d, epoch: WireScript.epoch("E"), lastServerSeq: 1, restoring: true, lastEntry: LogPosition(replica: c, clientSeq: 1)),
                        "hello: restoring, epoch E, serverSeq 1 applied since it gave its copy back, which held c1's batch 1")
            script.expect("d", WireScript.welcome(serverSeq: 1, restore: true, restoreAgain: true),
                          "welcome: restore and restore again: its restore batches lack what it took since")
            script.expect("d", .caughtUp(serverSeq: 1), "caught-up: nothing after its serverSeq")
        })
        vectors.append(vector("epochs/receipts", "A hello with flag bit 4 gets a receipt after each ack, and after the welcome when batches of its replica are durable; a duplicate's ack is followed by one too.",
                              rules: ["Healing a relay"]) { script in
            writeABCWithReceipt(&script)
            script.send("a", .batch(clientSeq: 1, ops: abc), "batch 1 again")
            script.expect("a", .ack(clientSeq: 1, serverSeq: 1), "ack of the duplicate")
            script.expect("a", .receipt(Receipt(clientSeq: 1, serverSeq: 1, proof: WireScript.proof("R1"))), "the same receipt")
            script.close("a")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 1, receipts: true), "hello: the same replica, flag bit 4")
            script.expect("a2", WireScript.welcome(serverSeq: 1, lastClientSeq: 1), "welcome: batch 1 durable")
            script.expect("a2", .receipt(Receipt(clientSeq: 1, serverSeq: 1, proof: WireScript.proof("R1"))), "its receipt, before the replay")
            script.expect("a2", .caughtUp(serverSeq: 1), "caught-up")
        })
        vectors.append(vector("epochs/lost-batches-claim-checked", "A hello with flag bit 2 shows a receipt: for batches the relay holds, it is an ordinary hello (the epoch stays); with a proof the relay never made, unauthorized.",
                              rules: ["Healing a relay"]) { script in
            writeABCWithReceipt(&script)
            script.close("a")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 1,
                                               lostBatches: Receipt(clientSeq: 1, serverSeq: 1, proof: WireScript.proof("R1"))),
                        "hello: flag bit 2 with the receipt for batch 1, which the relay holds")
            script.expect("a2", WireScript.welcome(serverSeq: 1, lastClientSeq: 1), "welcome: the same epoch E, no restore")
            script.expect("a2", .caughtUp(serverSeq: 1), "caught-up")
            script.close("a2")
            script.open("a3")
            script.send("a3", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 1,
                                               lostBatches: Receipt(clientSeq: 2, serverSeq: 2, proof: [UInt8](repeating: 0x5A, count: Receipt.proofBytes))),
                        "hello: flag bit 2 with a receipt for batch 2 the relay never gave")
            script.expectError("a3", .unauthorized, "refused")
        })
        vectors.append(vector("epochs/give-copy-back", "A restoring hello is welcomed to restore and replayed from the start; its restore batch, with another replica's ids, is committed and broadcast, known characters skipped; later batches follow.",
                              rules: ["Healing a relay"]) { script in
            writeABC(&script)
            var copy = Replica(replicaID: ReplicaID(0x0D))
            try! copy.apply(abc)
            try! copy.insert("lost ", at: 0)
            let restoration = copy.restorationOps()
            let restorer = ReplicaID(0xEE)
            script.open("r")
            script.send("r", WireScript.hello(restorer, epoch: WireScript.epoch("E"), restoring: true), "hello: a new replica, restoring (flag bit 1)")
            script.expect("r", WireScript.welcome(serverSeq: 1, restore: true), "welcome: restore, meaning restore messages are taken")
            script.expect("r", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: abc), "replay from the start")
            script.expect("r", .caughtUp(serverSeq: 1), "caught-up")
            script.send("r", .restore(clientSeq: 1, ops: restoration), "restore 1: the copy, \"abc\" (known) and replica 0d's \"lost \"")
            script.expect("r", .ack(clientSeq: 1, serverSeq: 2), "ack")
            script.expect("a", .broadcast(serverSeq: 2, replica: restorer, clientSeq: 1, ops: restoration), "broadcast like a batch")
            try! copy.apply(restoration)
            var own = Replica(replicaID: restorer)
            try! own.apply(copy.restorationOps())
            let later = [try! own.insert("!", at: own.count)!]
            script.commit("r", clientSeq: 2, later, as: 3, "batch 2, the replica's own")
            script.expect("a", .broadcast(serverSeq: 3, replica: restorer, clientSeq: 2, ops: later), "broadcast")
        })
        vectors.append(vector("epochs/restore-skipping-ahead", "A restore batch whose insertion starts past its replica's characters is malformed.",
                              rules: ["Healing a relay"]) { script in
            writeABC(&script)
            script.open("r")
            script.send("r", WireScript.hello(ReplicaID(0xEE), epoch: WireScript.epoch("E"), restoring: true), "hello: restoring")
            script.expect("r", WireScript.welcome(serverSeq: 1, restore: true), "welcome: restore")
            script.expect("r", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: abc), "replay")
            script.expect("r", .caughtUp(serverSeq: 1), "caught-up")
            script.send("r", .restore(clientSeq: 1, ops: [insertion(ReplicaID(0x0D), 3, "x")]), "restore: replica 0d's counter 3, which has no characters")
            script.expectError("r", .malformed, "refused")
        })
        vectors.append(vector("epochs/restore-under-a-writer", "A restore batch that adds characters under a replica bound to a key in this epoch (it writes its own) is refused as unavailable (that replica's own copy may give them back later), and the replica's own next batch commits.",
                              rules: ["Healing a relay", "rule 8"]) { script in
            script.join("a", a, key: "a's key")
            script.commit("a", clientSeq: 1, abc, as: 1, "batch 1: \"abc\"")
            script.open("r")
            script.send("r", WireScript.hello(ReplicaID(0xEE), epoch: WireScript.epoch("E"), restoring: true, key: "r's key"), "hello: restoring")
            script.expect("r", WireScript.welcome(serverSeq: 1, restore: true), "welcome: restore")
            script.expect("r", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: abc), "replay")
            script.expect("r", .caughtUp(serverSeq: 1), "caught-up")
            script.send("r", .restore(clientSeq: 1, ops: [insertion(a, 3, left: CharID(replica: a, counter: 2), "x")]),
                        "restore: replica a1's counter 3, the next it writes itself")
            script.expectError("r", .unavailable, "refused for now")
            script.expect("a", .presenceGone(replica: ReplicaID(0xEE)), "the restorer left")
            script.commit("a", clientSeq: 2, [insertion(a, 3, left: CharID(replica: a, counter: 2), "d")], as: 2, "batch 2: a1's own counter 3")
        })
        vectors.append(vector("epochs/restore-under-an-earlier-replica", "A restoring hello may name replicas its copy wrote as before, each with its key (flag bit 5): a restore batch may add characters under those of them bound to that key, though they are bound in this epoch.",
                              rules: ["Healing a relay", "rule 8"]) { script in
            script.join("a", a, key: "a's key")
            script.commit("a", clientSeq: 1, abc, as: 1, "batch 1: \"abc\"")
            script.close("a")
            script.open("r")
            script.send("r", WireScript.hello(ReplicaID(0xEE), epoch: WireScript.epoch("E"), restoring: true, key: "r's key", former: [(a, "a's key")]),
                        "hello: restoring, and replica a1 with its key")
            script.expect("r", WireScript.welcome(serverSeq: 1, restore: true), "welcome: restore")
            script.expect("r", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: abc), "replay")
            script.expect("r", .caughtUp(serverSeq: 1), "caught-up")
            let offline = [insertion(a, 3, left: CharID(replica: a, counter: 2), "d")]
            script.send("r", .restore(clientSeq: 1, ops: offline), "restore: a1's counter 3, typed offline")
            script.expect("r", .ack(clientSeq: 1, serverSeq: 2), "ack: serverSeq 2")
        })
        vectors.append(vector("epochs/read-only-restoring", "A read-only restoring hello: welcome with the read-only and restore flags, nothing replayed, and restore messages refused with read-only.",
                              rules: ["Healing a relay", "rule 6"]) { script in
            writeABC(&script)
            script.open("r")
            script.send("r", WireScript.hello(ReplicaID(0xEE), epoch: WireScript.epoch("E"), readOnly: true, restoring: true), "hello: read-only, restoring")
            script.expect("r", WireScript.welcome(serverSeq: 1, readOnly: true, restore: true), "welcome: read-only and restore")
            script.expect("r", .caughtUp(serverSeq: 1), "caught-up at once")
            script.send("r", .restore(clientSeq: 1, ops: abc), "a restore")
            script.expectError("r", .readOnly, fatal: false, "refused, not fatal")
        })
        vectors.append(vector("epochs/read-only-unknown-epoch", "A read-only client of an unknown epoch is told too (read-only and restore flags), and replayed nothing.",
                              rules: ["Healing a relay", "Epoch changes"]) { script in
            writeABC(&script)
            script.open("b")
            script.send("b", WireScript.hello(b, epoch: unknownEpoch, lastServerSeq: 3, readOnly: true), "hello: read-only, an unknown epoch")
            script.expect("b", WireScript.welcome(serverSeq: 1, readOnly: true, restore: true), "welcome: read-only and restore")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up at once")
        })
        vectors.append(vector("epochs/new-client-after-epoch-change", "What a client that set its copy aside connects with: a new replica, epoch 0, serverSeq 0; it is welcomed and replayed as any new client.",
                              rules: ["Epoch changes"]) { script in
            writeABC(&script)
            script.open("n")
            script.send("n", WireScript.hello(ReplicaID(0xF00D), key: "a fresh key"), "hello: a fresh replica and key, epoch 0, serverSeq 0")
            script.expect("n", WireScript.welcome(serverSeq: 1), "welcome: epoch E")
            script.expect("n", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: abc), "the whole document")
            script.expect("n", .caughtUp(serverSeq: 1), "caught-up")
        })
        return vectors
    }
}
