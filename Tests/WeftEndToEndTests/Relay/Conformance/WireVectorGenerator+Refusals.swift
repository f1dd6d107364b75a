import WeftCRDT
import WeftTestSupport
import WeftWire

extension WireVectorGenerator {
    /// A hello as hex, field by field (defaults: version 2, "notes", epoch 0, replica a1, nothing
    /// applied, no flags, no token, no key), for hellos the codec would not write.
    static func helloHex(version: String = "02", name: String = "05 6e 6f 74 65 73", epoch: String = "00 00 00 00 00 00 00 00",
                         last: String = "00", flags: String = "00", token: String = "00", key: String = "00") -> String {
        "01 \(version) \(name) \(epoch) a1 00 00 00 00 00 00 00 \(last) \(flags) \(token) \(key)"
    }

    /// An op batch as the `ops` field of a batch: its byte count, then it.
    static func opsField(_ batch: [UInt8]) -> String {
        var writer = ByteWriter()
        writer.varint(batch.count)
        return Hex.string(writer.bytes + batch)
    }

    /// Replica a1's "abc" at the start, as batch 1.
    static let abc: [Op] = [.insert(Insertion(id: CharID(replica: a, counter: 0), originLeft: nil, originRight: nil, text: "abc"))]

    struct Refusal {
        var name: String
        var about: String
        var rule: String
        /// Whether the connection says hello (and gets "abc" committed) before the refused message.
        var afterHello: Bool
        var path = "notes"
        /// The refused message, as a pattern; nil for the text message.
        var hex: String?
        var code: WireErrorCode
    }

    static func insertion(_ replica: ReplicaID, _ counter: UInt32, left: CharID? = nil, right: CharID? = nil, _ text: String) -> Op {
        .insert(Insertion(id: CharID(replica: replica, counter: counter), originLeft: left, originRight: right, text: text))
    }

    static func batchHex(_ ops: [Op], clientSeq: UInt64 = 2) -> String {
        Hex.string(ClientMessage.batch(clientSeq: clientSeq, ops: ops).encoded())
    }

    static let refusalCases: [Refusal] = [
        Refusal(name: "text-message", about: "a text WebSocket message", rule: "Transport", afterHello: false, hex: nil, code: .malformed),
        Refusal(name: "batch-before-hello", about: "a batch as the first message", rule: "rule 1", afterHello: false,
                hex: batchHex(abc, clientSeq: 1), code: .malformed),
        Refusal(name: "presence-before-hello", about: "a presence as the first message", rule: "rule 1", afterHello: false,
                hex: "03 03 61 6e 61 00 00 00", code: .malformed),
        Refusal(name: "unknown-type-first", about: "a message of type 7f", rule: "Encoding", afterHello: false, hex: "7f 01 02 03", code: .malformed),
        Refusal(name: "hello-trailing-byte", about: "a hello with a byte after its last field", rule: "Encoding", afterHello: false,
                hex: helloHex() + " 00", code: .malformed),
        Refusal(name: "hello-truncated", about: "a hello without its last field", rule: "Encoding", afterHello: false,
                hex: "01 02 05 6e 6f 74 65 73 00 00 00 00 00 00 00 00 a1 00 00 00 00 00 00 00 00 00 00", code: .malformed),
        Refusal(name: "hello-unknown-flag", about: "a hello with flag bit 5 set", rule: "Encoding", afterHello: false,
                hex: helloHex(flags: "20"), code: .malformed),
        Refusal(name: "hello-lost-batches-without-receipt", about: "a hello with flag bit 2 and no receipt after its key", rule: "Healing a relay", afterHello: false,
                hex: helloHex(flags: "04"), code: .malformed),
        Refusal(name: "hello-user-name-missing", about: "a hello with flag bit 3 and no user name after its key", rule: "Encoding", afterHello: false,
                hex: helloHex(flags: "08"), code: .malformed),
        Refusal(name: "hello-user-name-empty", about: "a hello with flag bit 3 and an empty user name", rule: "rule 10", afterHello: false,
                hex: helloHex(flags: "08") + " 00", code: .malformed),
        Refusal(name: "hello-non-minimal-varint", about: "a hello whose last serverSeq is written 80 00", rule: "Encoding", afterHello: false,
                hex: helloHex(last: "80 00"), code: .malformed),
        Refusal(name: "hello-invalid-utf8", about: "a hello whose document name is not UTF-8", rule: "Encoding", afterHello: false,
                hex: helloHex(name: "02 c3 28"), code: .malformed),
        Refusal(name: "hello-other-document", about: "a hello for \"other\" on the connection for \"notes\"", rule: "rule 1", afterHello: false,
                hex: helloHex(name: "05 6f 74 68 65 72"), code: .malformed),
        Refusal(name: "hello-version-3", about: "a hello of protocol version 3", rule: "rule 2", afterHello: false,
                hex: helloHex(version: "03"), code: .upgradeRequired),
        Refusal(name: "hello-version-past-32-bits", about: "a hello whose version does not fit 32 bits", rule: "rule 2", afterHello: false,
                hex: helloHex(version: "80 80 80 80 10"), code: .malformed),
        Refusal(name: "bad-path", about: "a connection to \".hidden\": answered to its first message", rule: "Errors", afterHello: false,
                path: ".hidden", hex: helloHex(), code: .badName),
        Refusal(name: "hello-bad-name", about: "a hello naming \"bad name\"", rule: "Errors", afterHello: false,
                hex: helloHex(name: "08 62 61 64 20 6e 61 6d 65"), code: .badName),
        Refusal(name: "hello-name-too-long", about: "a hello naming a document of 129 bytes", rule: "Limits", afterHello: false,
                hex: helloHex(name: "81 01 <fill:129:61>"), code: .tooLarge),
        Refusal(name: "hello-token-too-long", about: "a hello with a token of 4,097 bytes", rule: "Limits", afterHello: false,
                hex: helloHex(token: "81 20 <fill:4097:61>"), code: .tooLarge),
        Refusal(name: "hello-key-too-long", about: "a hello with a replica key of 65 bytes", rule: "Limits", afterHello: false,
                hex: helloHex(key: "41 <fill:65:6b>"), code: .tooLarge),
        Refusal(name: "hello-user-name-too-long", about: "a hello with a user name of 65 bytes", rule: "Limits", afterHello: false,
                hex: helloHex(flags: "08") + " 41 <fill:65:61>", code: .tooLarge),
        Refusal(name: "message-too-large", about: "a message of 1,048,577 bytes", rule: "Limits", afterHello: false,
                hex: "03 <fill:1048576:00>", code: .tooLarge),
        Refusal(name: "second-hello", about: "a second hello", rule: "rule 1", afterHello: true, hex: helloHex(), code: .malformed),
        Refusal(name: "unknown-type", about: "a message of type 05 after the hello", rule: "Encoding", afterHello: true, hex: "05 00", code: .malformed),
        Refusal(name: "batch-clientseq-0", about: "a batch numbered 0", rule: "Client messages", afterHello: true,
                hex: "02 00 " + opsField(OpCodec.encode([insertion(a, 3, left: CharID(replica: a, counter: 2), "d")])), code: .malformed),
        Refusal(name: "batch-empty-ops", about: "a batch whose ops field has no bytes", rule: "Encoding", afterHello: true, hex: "02 02 00", code: .malformed),
        Refusal(name: "batch-no-ops", about: "a batch holding an op batch of zero ops", rule: "Encoding", afterHello: true,
                hex: "02 02 " + opsField([1, 0, 0]), code: .malformed),
        Refusal(name: "batch-trailing-byte-in-ops", about: "a batch whose op batch has a byte after its last op", rule: "Encoding", afterHello: true,
                hex: "02 02 " + opsField(OpCodec.encode([insertion(a, 3, left: CharID(replica: a, counter: 2), "d")]) + [0]), code: .malformed),
        Refusal(name: "batch-undecodable-ops", about: "a batch whose op batch is of version 2", rule: "Encoding", afterHello: true,
                hex: "02 02 " + opsField([2] + OpCodec.encode([insertion(a, 3, left: CharID(replica: a, counter: 2), "d")]).dropFirst()), code: .malformed),
        Refusal(name: "batch-ops-too-large", about: "a batch whose op batch has 524,289 bytes", rule: "Limits", afterHello: true,
                hex: "02 02 81 80 20 <fill:524289:00>", code: .tooLarge),
        Refusal(name: "batch-other-replicas-id", about: "an insertion carrying replica b2's id", rule: "rule 5", afterHello: true,
                hex: batchHex([insertion(b, 0, "x")]), code: .malformed),
        Refusal(name: "batch-counter-skips", about: "an insertion at counter 5 after a1's 3 characters", rule: "rule 5", afterHello: true,
                hex: batchHex([insertion(a, 5, left: CharID(replica: a, counter: 2), "x")]), code: .malformed),
        Refusal(name: "batch-counter-reused", about: "an insertion at counter 1, which a1 has used", rule: "rule 5", afterHello: true,
                hex: batchHex([insertion(a, 1, left: CharID(replica: a, counter: 2), "x")]), code: .malformed),
        Refusal(name: "batch-origin-missing", about: "an insertion after a character the document lacks", rule: "rule 5", afterHello: true,
                hex: batchHex([insertion(a, 3, left: CharID(replica: b, counter: 5), "x")]), code: .malformed),
        Refusal(name: "batch-deletion-missing", about: "a deletion of characters the document lacks", rule: "rule 5", afterHello: true,
                hex: batchHex([.delete(Deletion(spans: [IDSpan(start: CharID(replica: a, counter: 2), length: 4)]))]), code: .malformed),
        Refusal(name: "batch-right-before-left", about: "an insertion whose right origin (a) comes before its left origin (c)", rule: "rule 5", afterHello: true,
                hex: batchHex([insertion(a, 3, left: CharID(replica: a, counter: 2), right: CharID(replica: a, counter: 0), "x")]), code: .malformed),
        Refusal(name: "batch-malformed-op", about: "an insertion whose right origin is itself", rule: "rule 5", afterHello: true,
                hex: batchHex([insertion(a, 3, right: CharID(replica: a, counter: 3), "x")]), code: .malformed),
        Refusal(name: "restore-not-welcomed", about: "a restore on a connection not welcomed to restore", rule: "Healing a relay", afterHello: true,
                hex: Hex.string(ClientMessage.restore(clientSeq: 2, ops: [insertion(c, 0, "x")]).encoded()), code: .malformed),
        Refusal(name: "presence-colour", about: "a presence of colour 0x1000000", rule: "Encoding", afterHello: true,
                hex: "03 03 61 6e 61 80 80 80 08 00 00", code: .malformed),
        Refusal(name: "presence-anchor-kind", about: "a presence whose cursor is an anchor of kind 4", rule: "Encoding", afterHello: true,
                hex: "03 03 61 6e 61 00 04 00", code: .malformed),
        Refusal(name: "presence-invalid-utf8", about: "a presence whose user name is not UTF-8", rule: "Encoding", afterHello: true,
                hex: "03 02 c3 28 00 00 00", code: .malformed),
        Refusal(name: "presence-name-too-long", about: "a presence with a user name of 65 bytes", rule: "Limits", afterHello: true,
                hex: "03 41 <fill:65:61> 00 00 00", code: .tooLarge),
        Refusal(name: "presence-too-many-selections", about: "a presence with 65 selections", rule: "Limits", afterHello: true,
                hex: "03 03 61 6e 61 00 00 41 " + Array(repeating: "00 01", count: 65).joined(separator: " "), code: .tooLarge),
    ]

    static func refusals() -> [WireVector] {
        refusalCases.map { refusal in
            vector("refusals/\(refusal.name)", "Refused with \(refusal.code): \(refusal.about).", rules: [refusal.rule, "Every refusal"]) { script in
                if refusal.afterHello {
                    script.join("a", a)
                    script.commit("a", clientSeq: 1, abc, as: 1, "batch 1: \"abc\"")
                } else {
                    script.open("a", path: refusal.path)
                }
                if let hex = refusal.hex {
                    script.send("a", hex: hex, refusal.about)
                } else {
                    script.sendText("a", "hello?", refusal.about)
                }
                script.expectError("a", refusal.code, "\(refusal.code), and the connection closes")
            }
        } + userRefusals()
    }

    /// The refusals that take more than one connection, or time: a replica bound to another user,
    /// revoked and expired tokens (rule 10, Errors).
    static func userRefusals() -> [WireVector] {
        var vectors: [WireVector] = []
        vectors.append(vector("refusals/hello-replica-of-another-user", "Refused with unauthorized: a hello as replica a1, which ana's hello bound to her, naming bo.",
                              rules: ["rule 10", "Every refusal"]) { script in
            script.open("a")
            script.send("a", WireScript.hello(a, user: "ana"), "hello as a1, user ana (flag bit 3): binds a1 to ana")
            script.expect("a", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
            script.open("b")
            script.send("b", WireScript.hello(a, user: "bo"), "hello as a1, user bo")
            script.expectError("b", .unauthorized, "a1 is ana's; the connection closes")
        })
        let ana = WireScript.token("write", user: "ana")
        vectors.append(vector("refusals/hello-revoked-user", "Refused with unauthorized: a hello with a token of ana's made before her tokens were revoked.",
                              rules: ["rule 10", "Every refusal"], relay: ["--require-auth"]) { script in
            script.open("a")
            script.send("a", WireScript.hello(a, token: ana), "hello with a token made for ana")
            script.expect("a", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
            script.close("a")
            script.revoke("ana", "every token of ana's made so far is revoked")
            script.wait(ms: 8_000, "the relay reads revocations every second; the margin is for a busy machine")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), token: ana), "hello again with the same token")
            script.expectError("a2", .unauthorized, "revoked; the connection closes")
        })
        vectors.append(vector("refusals/message-after-revocation", "Refused with unauthorized: the first message on a connection after the token it was opened with was revoked.",
                              rules: ["rule 10", "Every refusal"], relay: ["--require-auth"]) { script in
            script.open("a")
            script.send("a", WireScript.hello(a, token: ana), "hello with a token made for ana")
            script.expect("a", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
            script.revoke("ana", "every token of ana's made so far is revoked")
            script.wait(ms: 8_000, "the relay reads revocations every second; the margin is for a busy machine")
            script.send("a", .presence(Presence(userName: "ana", colour: 0, cursor: .start)), "a presence")
            script.expectError("a", .unauthorized, "revoked; the connection closes")
        })
        let brief = WireScript.token("write", seconds: 3)
        vectors.append(vector("refusals/message-after-expiry", "Refused with unauthorized: the first message on a connection after its token expired, and a hello with the expired token.",
                              rules: ["Errors", "Every refusal"], relay: ["--require-auth"]) { script in
            script.open("a")
            script.send("a", WireScript.hello(a, token: brief), "hello with a token valid for 3 seconds (more than 2 of them left)")
            script.expect("a", WireScript.welcome(serverSeq: 0), "welcome")
            script.expect("a", .caughtUp(serverSeq: 0), "caught-up")
            script.wait(ms: 4_000, "the token expires")
            script.send("a", .presence(Presence(userName: "ana", colour: 0, cursor: .start)), "a presence")
            script.expectError("a", .unauthorized, "expired; the connection closes")
            script.open("a2")
            script.send("a2", WireScript.hello(a, epoch: WireScript.epoch("E"), token: brief), "hello again with the same token")
            script.expectError("a2", .unauthorized, "expired; the connection closes")
        })
        return vectors
    }
}
