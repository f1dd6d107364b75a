import WeftCRDT
import WeftTestSupport
import WeftWire

extension WireVectorGenerator {
    static func access() -> [WireVector] {
        var vectors: [WireVector] = []
        vectors.append(vector("access/read-only-hello", "A read-only hello is welcomed read-only; its batch and restore are refused with read-only, and the connection goes on reading.",
                              rules: ["rule 6"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            script.open("b")
            script.send("b", WireScript.hello(b, readOnly: true), "hello, read-only")
            script.expect("b", WireScript.welcome(serverSeq: 0, readOnly: true), "welcome, read-only flag")
            script.expect("b", .caughtUp(serverSeq: 0), "caught-up")
            script.send("b", .batch(clientSeq: 1, ops: [insertion(b, 0, "x")]), "a batch anyway")
            script.expectError("b", .readOnly, fatal: false, "refused, not fatal")
            script.send("b", .restore(clientSeq: 1, ops: [insertion(b, 0, "x")]), "a restore anyway")
            script.expectError("b", .readOnly, fatal: false, "refused, not fatal")
            let ops = typing("hi", at: 0, &alice)
            script.commit("a", clientSeq: 1, ops, as: 1, "a writes")
            script.expect("b", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: ops), "b still reads")
        })
        vectors.append(vector("access/read-only-hello-of-no-document", "A read-only hello of a document the relay does not hold is refused with no-document and makes nothing: a second is refused too, and the first writer makes it.",
                              rules: ["rule 6", "Errors"]) { script in
            script.open("b")
            script.send("b", WireScript.hello(b, readOnly: true), "hello, read-only, of a document nobody made")
            script.expectError("b", .noDocument, "no-document, and the connection closes")
            script.open("c")
            script.send("c", WireScript.hello(c, readOnly: true), "the same again")
            script.expectError("c", .noDocument, "no-document: the first made nothing")
            script.join("a", a)
            script.open("d")
            script.send("d", WireScript.hello(d, readOnly: true), "once a writer made it")
            script.expect("d", WireScript.welcome(serverSeq: 0, readOnly: true), "welcome, read-only flag")
            script.expect("d", .caughtUp(serverSeq: 0), "caught-up")
        })
        vectors.append(vector("access/tokens", "On a relay that requires tokens: a write token writes, a read-only token is welcomed read-only and refused writes.",
                              rules: ["rule 6", "Errors"], relay: ["--require-auth"]) { script in
            var alice = Replica(replicaID: a)
            script.open("a")
            script.send("a", WireScript.hello(a, token: WireScript.token("write")), "hello with a write token")
            script.expect("a", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
            let ok = typing("ok", at: 0, &alice)
            script.commit("a", clientSeq: 1, ok, as: 1, "batch")
            script.open("b")
            script.send("b", WireScript.hello(b, token: WireScript.token("read")), "hello with a read-only token (the hello itself not read-only)")
            script.expect("b", WireScript.welcome(serverSeq: 1, readOnly: true), "welcome, read-only flag")
            script.expect("b", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: ok), "replay")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up")
            script.send("b", .batch(clientSeq: 1, ops: [insertion(b, 0, "x")]), "a batch")
            script.expectError("b", .readOnly, fatal: false, "refused")
        })
        for (name, about, token) in [("no-token", "no token", ""), ("token-for-another-document", "a token for \"other\"", WireScript.token("write", for: "other")),
                                     ("not-a-token", "a token that is not one", "not a token")] {
            vectors.append(vector("access/\(name)", "A relay that requires tokens refuses a hello with \(about): unauthorized.",
                                  rules: ["Errors"], relay: ["--require-auth"]) { script in
                script.open("a")
                script.send("a", WireScript.hello(a, token: token), "hello with \(about)")
                script.expectError("a", .unauthorized, "refused")
            })
        }
        vectors.append(vector("access/replica-keys", "The first hello with a key binds the replica: a hello with another key, or none, is refused, read-only too; the key's owner comes back.",
                              rules: ["rule 8"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a, key: "a's key")
            script.commit("a", clientSeq: 1, typing("mine", at: 0, &alice), as: 1, "batch 1")
            for (connection, key, readOnly) in [("f1", "forged", false), ("f2", "", false), ("f3", "forged", true)] {
                script.open(connection)
                script.send(connection, WireScript.hello(a, readOnly: readOnly, key: key),
                            "hello as replica a1 with \(key.isEmpty ? "no key" : "another key")\(readOnly ? ", read-only" : "")")
                script.expectError(connection, .unauthorized, "refused")
            }
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 1, key: "a's key"), "hello with a's key")
            script.expect("a2", WireScript.welcome(serverSeq: 1, lastClientSeq: 1), "welcome")
            script.expect("a2", .caughtUp(serverSeq: 1), "caught-up")
        })
        vectors.append(vector("access/authors", "A replica is bound to the first user it is used by, named in the hello (flag bit 3, unverified) or by the token (verified): a hello naming another user is refused, the same user comes back.",
                              rules: ["rule 10"]) { script in
            var alice = Replica(replicaID: a)
            script.open("a")
            script.send("a", WireScript.hello(a, user: "ana"), "hello as a1, user ana (flag bit 3): binds a1 to ana")
            script.expect("a", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
            let hi = typing("hi", at: 0, &alice)
            script.commit("a", clientSeq: 1, hi, as: 1, "batch 1, recorded as ana's")
            script.open("f1")
            script.send("f1", WireScript.hello(a, user: "bo"), "hello as a1, user bo")
            script.expectError("f1", .unauthorized, "a1 is ana's")
            script.open("b")
            script.send("b", WireScript.hello(b, token: WireScript.token("write", user: "bo")), "hello as b2 with a token made for bo: binds b2 to bo")
            script.expect("b", WireScript.welcome(serverSeq: 1), "welcome")
            script.expect("b", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: hi), "replay of 1")
            script.expect("b", .caughtUp(serverSeq: 1), "caught-up")
            script.open("f2")
            script.send("f2", WireScript.hello(b, user: "ana"), "hello as b2, user ana, no token")
            script.expectError("f2", .unauthorized, "b2 is bo's")
            script.close("a")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), lastServerSeq: 1, user: "ana"), "hello as a1, user ana, again")
            script.expect("a2", WireScript.welcome(serverSeq: 1, lastClientSeq: 1), "welcome: batch 1 is durable")
            script.expect("a2", .caughtUp(serverSeq: 1), "caught-up")
        })
        vectors.append(vector("access/rate-limited", "Past the message rate (here 1 a second, bursts of 2): rate-limited, and the connection closes; ten messages sent at once are more than it allows even if the relay reads them over a few seconds.",
                              rules: ["Errors", "Limits"], relay: ["--max-message-rate", "1"]) { script in
            script.join("a", a)
            let presence = ClientMessage.presence(Presence(userName: "ana", colour: 0, cursor: .start))
            for number in 1...10 { script.send("a", presence, "presence \(number)") }
            script.expectError("a", .rateLimited, "one of them is over the rate (the third, when they come within a second)")
        })
        vectors.append(vector("access/unavailable", "A relay whose store fails answers unavailable: to a batch it cannot commit (to every connection on the document), and to a hello for a document it cannot open.",
                              rules: ["Errors"], store: "postgres") { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            script.commit("a", clientSeq: 1, typing("one", at: 0, &alice), as: 1, "batch 1")
            script.failStore("the store fails from now on")
            script.send("a", .batch(clientSeq: 2, ops: typing("two", at: 3, &alice)), "batch 2")
            script.expectError("a", .unavailable, "it cannot be committed; the connection closes")
            script.open("b", path: "other")
            script.send("b", WireScript.hello(b, document: "other"), "hello for a document the relay has not opened")
            script.expectError("b", .unavailable, "the relay cannot open it")
        })
        return vectors
    }
}
