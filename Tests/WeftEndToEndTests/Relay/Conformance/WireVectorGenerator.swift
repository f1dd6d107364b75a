import WeftCRDT
import WeftTestSupport
import WeftWire

/// Makes the files of `Conformance/wire`: exchanges with a fresh relay, written from what
/// PROTOCOL.md says it must answer (not recorded from Weft's relay), which `WireVectorTests`
/// then checks against a real `weft serve`.
enum WireVectorGenerator {
    static func files() -> [(name: String, file: WireVectorFile)] {
        [
            ("connection.json", "Hello, welcome, replay, caught-up and live traffic; snapshots; presence (rules 1, 3, 7, 9).", connection()),
            ("dedup.json", "Resends, duplicates and batch numbering (rules 3, 4, 5, 8).", dedup()),
            ("refusals.json", "The messages the relay refuses, with their codes (\"Every refusal\").", refusals()),
            ("access.json", "Read-only connections, tokens, replica keys, authors, rate limits, an unreachable store (rules 6, 8, 10; errors).", access()),
            ("epochs.json", "Epochs and healing a relay that lost history (\"Healing a relay\", \"Epoch changes\").", epochs()),
            ("documents.json", "Documents deleted and renamed while connections are open (\"Documents\"; the error gone).", documents()),
        ].map { name, about, vectors in
            (name, WireVectorFile(format: WireVectorFile.formatName, about: about, vectors: vectors))
        }
    }

    static let a = ReplicaID(0xA1), b = ReplicaID(0xB2), c = ReplicaID(0xC3), d = ReplicaID(0xD4)

    static func vector(_ name: String, _ about: String, rules: [String], relay: [String]? = nil, store: String? = nil,
                       _ build: (inout WireScript) -> Void) -> WireVector {
        var script = WireScript()
        build(&script)
        return WireVector(name: name, about: about, rules: rules, relay: relay, store: store, steps: script.steps)
    }

    /// Ops typing `text` at `position` of `replica`'s copy.
    static func typing(_ text: String, at position: Int, _ replica: inout Replica) -> [Op] {
        [try! replica.insert(text, at: position)!]
    }

    /// Replicas a1 and b2 join; a1 writes "hello" (serverSeq 1), then b2 " world" (serverSeq 2),
    /// each acknowledged to its writer and broadcast to the other. Returns a1's and b2's ops.
    static func writeInTurn(_ script: inout WireScript) -> (hello: [Op], world: [Op]) {
        var alice = Replica(replicaID: a), bob = Replica(replicaID: b)
        script.join("a", a)
        script.join("b", b)
        let hello = typing("hello", at: 0, &alice)
        script.commit("a", clientSeq: 1, hello, as: 1, "batch 1: \"hello\"")
        script.expect("b", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: hello), "broadcast of serverSeq 1")
        try! bob.apply(hello)
        let world = typing(" world", at: 5, &bob)
        script.commit("b", clientSeq: 1, world, as: 2, "batch 1 of b: \" world\"")
        script.expect("a", .broadcast(serverSeq: 2, replica: b, clientSeq: 1, ops: world), "broadcast of serverSeq 2")
        return (hello, world)
    }

    static func connection() -> [WireVector] {
        var vectors: [WireVector] = []
        vectors.append(vector("connection/hello-welcome-caught-up", "A first hello on a new document: welcome with its epoch, serverSeq 0, nothing durable, then caught-up.",
                              rules: ["rule 1", "The connection"]) { script in
            script.join("a", a)
        })
        vectors.append(vector("connection/batch-ack-broadcast", "A batch is acknowledged to its sender and broadcast to the other client, in one serverSeq order.",
                              rules: ["rule 3"]) { script in
            _ = writeInTurn(&script)
        })
        vectors.append(vector("connection/replay-then-live", "A client that applied serverSeq 1 gets 2 and 3 replayed, caught-up(3), then 4 live.",
                              rules: ["rule 3", "rule 7"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            var batches: [[Op]] = []
            for (index, word) in ["one ", "two ", "three ", "four"].enumerated() where index < 3 {
                batches.append(typing(word, at: alice.count, &alice))
                script.commit("a", clientSeq: UInt64(index + 1), batches[index], as: UInt64(index + 1), "batch \(index + 1)")
            }
            script.open("c")
            script.send("c", WireScript.hello(c, epoch: WireScript.epoch("E"), lastServerSeq: 1), "hello: epoch E, serverSeq 1 applied")
            script.expect("c", WireScript.welcome(serverSeq: 3), "welcome: the log is at 3")
            script.expect("c", .broadcast(serverSeq: 2, replica: a, clientSeq: 2, ops: batches[1]), "replay of 2")
            script.expect("c", .broadcast(serverSeq: 3, replica: a, clientSeq: 3, ops: batches[2]), "replay of 3")
            script.expect("c", .caughtUp(serverSeq: 3), "caught-up after the broadcast of 3")
            let four = typing("four", at: alice.count, &alice)
            script.commit("a", clientSeq: 4, four, as: 4, "batch 4")
            script.expect("c", .broadcast(serverSeq: 4, replica: a, clientSeq: 4, ops: four), "live broadcast of 4")
        })
        vectors.append(vector("connection/replay-carries-own-batches", "Reconnecting with serverSeq 0, a client gets its own committed batch back as a broadcast; the welcome says it is durable.",
                              rules: ["rule 3"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            let ops = typing("mine", at: 0, &alice)
            script.commit("a", clientSeq: 1, ops, as: 1, "batch 1")
            script.close("a")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 0), "hello again: epoch E, nothing applied")
            script.expect("a2", WireScript.welcome(serverSeq: 1, lastClientSeq: 1), "welcome: batch 1 is durable")
            script.expect("a2", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: ops), "its own batch, replayed")
            script.expect("a2", .caughtUp(serverSeq: 1), "caught-up")
        })
        vectors.append(vector("connection/snapshot-replay", "After compaction, a client further behind than the log gets the snapshot (canonical form), then caught-up at its serverSeq.",
                              rules: ["rule 7"], relay: ["--compact-every", "2", "--compact-keep", "0"]) { script in
            var alice = Replica(replicaID: a)
            var relay = Replica(replicaID: ReplicaID(0))
            script.join("a", a)
            for (index, word) in ["one ", "two"].enumerated() {
                let ops = typing(word, at: alice.count, &alice)
                try! relay.apply(ops)
                script.commit("a", clientSeq: UInt64(index + 1), ops, as: UInt64(index + 1), "batch \(index + 1)")
            }
            script.wait(ms: 3_000, "the relay compacts its log into a snapshot at serverSeq 2")
            script.open("b")
            script.send("b", WireScript.hello(b), "hello: nothing applied")
            script.expect("b", WireScript.welcome(serverSeq: 2), "welcome")
            script.expect("b", .snapshot(serverSeq: 2, bytes: relay.encodeSnapshot()), "the snapshot as of serverSeq 2: \"one two\"")
            script.expect("b", .caughtUp(serverSeq: 2), "caught-up")
        })
        vectors.append(vector("connection/presence", "Presence goes to the others, a newcomer gets the latest presence after caught-up, and presence-gone follows a connection's end.",
                              rules: ["rule 9"]) { script in
            let ana = Presence(userName: "ana", colour: 0xFF8800, cursor: .start, selections: [ClosedAnchorRange(from: .start, to: .end)])
            let bo = Presence(userName: "bo", colour: 0x0088FF, cursor: .after(CharID(replica: a, counter: 7)))
            script.join("a", a)
            script.join("b", b)
            script.send("a", .presence(ana), "a's presence")
            script.expect("b", .presence(replica: a, ana), "relayed to b")
            script.open("c")
            script.send("c", WireScript.hello(c), "hello")
            script.expect("c", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("c", .caughtUp(serverSeq: 0), "caught-up")
            script.expect("c", .presence(replica: a, ana), "a's latest presence, right after caught-up")
            script.send("b", .presence(bo), "b's presence, its cursor after a character nobody has yet")
            script.expect("a", .presence(replica: b, bo), "relayed to a")
            script.expect("c", .presence(replica: b, bo), "relayed to c")
            script.close("a")
            script.expect("b", .presenceGone(replica: a), "a left")
            script.expect("c", .presenceGone(replica: a), "a left")
        })
        vectors.append(vector("connection/documents-apart", "Two documents on one relay, each with its own epoch and serverSeqs; nothing crosses.",
                              rules: ["The connection"]) { script in
            var alice = Replica(replicaID: a), bob = Replica(replicaID: b)
            script.join("a", a)
            script.open("b", path: "team/plan")
            script.send("b", WireScript.hello(b, document: "team/plan"), "hello for team/plan")
            script.expect("b", WireScript.welcome("E2", serverSeq: 0), "welcome: another epoch")
            script.expect("b", .caughtUp(serverSeq: 0), "caught-up")
            let notes = typing("notes", at: 0, &alice)
            script.commit("a", clientSeq: 1, notes, as: 1, "batch to notes")
            script.expectQuiet("b", "team/plan hears nothing of notes")
            let plan = typing("plan", at: 0, &bob)
            script.commit("b", clientSeq: 1, plan, as: 1, "batch to team/plan")
        })
        return vectors
    }
}
