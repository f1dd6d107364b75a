import WeftCRDT
import WeftTestSupport
import WeftWire

extension WireVectorGenerator {
    static func documents() -> [WireVector] {
        var vectors: [WireVector] = []
        vectors.append(vector("documents/deleted-while-open", "Deleting a document (DELETE /documents/NAME) sends its open connections gone and closes them; a client of the deleted epoch is then welcomed to a new document, without the restore flag.",
                              rules: ["Documents", "Errors", "Epoch changes"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            script.join("b", b)
            let abc = typing("abc", at: 0, &alice)
            script.commit("a", clientSeq: 1, abc, as: 1, "batch 1: \"abc\"")
            script.expect("b", .broadcast(serverSeq: 1, replica: a, clientSeq: 1, ops: abc), "broadcast of serverSeq 1")
            script.request("DELETE", "/documents/notes", status: 200, "delete notes")
            script.expectError("a", .gone, "notes was deleted; the connection closes")
            script.expectError("b", .gone, "notes was deleted; the connection closes")
            script.open("b2")
            script.send("b2", WireScript.hello(b, epoch: WireScript.epoch("E"), lastServerSeq: 1), "hello: the deleted epoch E, serverSeq 1 applied")
            script.expect("b2", WireScript.welcome("E2", serverSeq: 0), "welcome: a new epoch E2, an empty document, no restore flag")
            script.expect("b2", .caughtUp(serverSeq: 0), "caught-up")
        })
        vectors.append(vector("documents/renamed-while-open", "Renaming a document (POST /documents/NAME?to=NEWNAME) sends its open connections gone; under the new name it goes on with its epoch, log and client sequences, and the old name is a new document.",
                              rules: ["Documents", "Errors"]) { script in
            var alice = Replica(replicaID: a)
            script.join("a", a)
            let abc = typing("abc", at: 0, &alice)
            script.commit("a", clientSeq: 1, abc, as: 1, "batch 1: \"abc\"")
            script.request("POST", "/documents/notes?to=plan", status: 200, "rename notes to plan")
            script.expectError("a", .gone, "notes was renamed to plan; the connection closes")
            script.open("a2", path: "plan")
            script.send("a2", WireScript.hello(a, document: "plan", epoch: WireScript.epoch("E"), lastServerSeq: 1), "hello for plan: epoch E, serverSeq 1 applied")
            script.expect("a2", WireScript.welcome(serverSeq: 1, lastClientSeq: 1), "welcome: epoch E, batch 1 durable")
            script.expect("a2", .caughtUp(serverSeq: 1), "caught-up")
            script.commit("a2", clientSeq: 2, typing("d", at: 3, &alice), as: 2, "batch 2: \"d\"")
            script.open("c")
            script.send("c", WireScript.hello(c), "hello for notes")
            script.expect("c", WireScript.welcome("E2", serverSeq: 0), "welcome: a new epoch E2, an empty document")
            script.expect("c", .caughtUp(serverSeq: 0), "caught-up")
        })
        return vectors
    }
}
