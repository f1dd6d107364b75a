import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// The relay as a process on 127.0.0.1, driven by clients that speak the protocol.
@Suite(.serialized) struct RelayTests {
    /// Connects and says hello; returns the client after welcome … caught-up, and what came.
    static func join(_ relay: RelayProcess, document: String = "notes", replica: ReplicaID, lastServerSeq: UInt64 = 0,
                     token: String = "", readOnly: Bool = false) async throws -> (RelayTestClient, Welcome, [ServerMessage]) {
        let client = try await RelayTestClient(port: relay.port, path: document)
        try await client.send(.hello(Hello(document: try DocumentName(document), epoch: 0, replica: replica,
                                           lastServerSeq: lastServerSeq, readOnly: readOnly, token: token)))
        guard case .welcome(let welcome)? = await client.receive() else { throw RelayTestFailure(description: "no welcome") }
        var replayed: [ServerMessage] = []
        while let message = await client.receive() {
            if case .caughtUp = message { return (client, welcome, replayed) }
            replayed.append(message)
        }
        throw RelayTestFailure(description: "no caught-up")
    }

    @Test func twoClientsExchangeOpsAndConverge() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var alice = Replica(replicaID: ReplicaID(0xA)), bob = Replica(replicaID: ReplicaID(0xB))
        let (aliceClient, welcome, _) = try await Self.join(relay, replica: alice.replicaID)
        let (bobClient, _, _) = try await Self.join(relay, replica: bob.replicaID)
        #expect(welcome.epoch != 0 && welcome.serverSeq == 0 && welcome.lastClientSeq == 0)

        let first = [try alice.insert("hello", at: 0)!]
        try await aliceClient.send(.batch(clientSeq: 1, ops: first))
        #expect(await aliceClient.receive() == .ack(clientSeq: 1, serverSeq: 1))
        #expect(await bobClient.receive() == .broadcast(serverSeq: 1, replica: alice.replicaID, clientSeq: 1, ops: first))
        try bob.apply(first)

        let second = [try bob.insert(" world", at: 5)!]
        try await bobClient.send(.batch(clientSeq: 1, ops: second))
        #expect(await bobClient.receive() == .ack(clientSeq: 1, serverSeq: 2))
        guard case .broadcast(let serverSeq, _, _, let ops)? = await aliceClient.receive() else { Issue.record("no broadcast"); return }
        #expect(serverSeq == 2)
        try alice.apply(ops)
        #expect(alice.text == "hello world" && bob.text == alice.text)
        await aliceClient.close()
        await bobClient.close()
    }

    @Test func reconnectingGetsExactlyWhatWasMissedAndResendsAreAckedOnce() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, _, _) = try await Self.join(relay, replica: alice.replicaID)
        var batches: [[Op]] = []
        for (index, word) in ["one ", "two ", "three"].enumerated() {
            let ops = [try alice.insert(word, at: alice.count)!]
            batches.append(ops)
            try await client.send(.batch(clientSeq: UInt64(index + 1), ops: ops))
            #expect(await client.receive() == .ack(clientSeq: UInt64(index + 1), serverSeq: UInt64(index + 1)))
        }
        await client.close()

        // A reader that had applied serverSeq 1 gets 2 and 3, nothing else.
        let (reader, welcome, replayed) = try await Self.join(relay, replica: ReplicaID(0xC), lastServerSeq: 1)
        #expect(welcome.serverSeq == 3)
        #expect(replayed == [
            .broadcast(serverSeq: 2, replica: alice.replicaID, clientSeq: 2, ops: batches[1]),
            .broadcast(serverSeq: 3, replica: alice.replicaID, clientSeq: 3, ops: batches[2]),
        ])

        // Alice comes back not knowing batch 3 was stored: the relay says 3 is durable; she
        // resends it anyway and it is acknowledged again, as serverSeq 3, and not applied twice.
        let (again, aliceWelcome, _) = try await Self.join(relay, replica: alice.replicaID, lastServerSeq: 3)
        #expect(aliceWelcome.lastClientSeq == 3)
        try await again.send(.batch(clientSeq: 3, ops: batches[2]))
        #expect(await again.receive() == .ack(clientSeq: 3, serverSeq: 3))
        // The reader gets no broadcast of it (presence comings and goings may arrive meanwhile).
        while let message = await reader.receive(timeout: .milliseconds(300)) {
            if case .broadcast = message { Issue.record("the resent batch was broadcast again: \(message)") }
        }
        let (late, _, all) = try await Self.join(relay, replica: ReplicaID(0xD))
        #expect(all.count == 3)
        await reader.close()
        await again.close()
        await late.close()
    }

    @Test func everyAcknowledgedOpSurvivesSIGKILL() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        var alice = Replica(replicaID: ReplicaID(0xA))
        do {
            let relay = try RelayProcess(dataDirectory: directory)
            let (client, _, _) = try await Self.join(relay, replica: alice.replicaID)
            for clientSeq in 1...40 {
                try await client.send(.batch(clientSeq: UInt64(clientSeq), ops: [try alice.insert("\(clientSeq),", at: alice.count)!]))
            }
            var acked = 0
            while acked < 40, let message = await client.receive() {
                if case .ack = message { acked += 1 }
            }
            #expect(acked == 40)
            relay.kill()
        }
        let restarted = try RelayProcess(dataDirectory: directory)
        let (reader, welcome, replayed) = try await Self.join(restarted, replica: ReplicaID(0xB))
        #expect(welcome.serverSeq == 40)
        var copy = Replica(replicaID: ReplicaID(0xB))
        for case .broadcast(_, _, _, let ops) in replayed { try copy.apply(ops) }
        #expect(copy.text == alice.text)
        await reader.close()
    }

    @Test func hostileConnectionsAreClosedAndHarmNothing() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        // 20 messages a second (bursts of 40): the flood below passes it however slowly a busy
        // machine sends, and every other check sends a handful.
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--max-message-rate", "20"])
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (owner, _, _) = try await Self.join(relay, replica: alice.replicaID)
        try await owner.send(.batch(clientSeq: 1, ops: [try alice.insert("safe", at: 0)!]))
        #expect(await owner.receive() == .ack(clientSeq: 1, serverSeq: 1))

        func expectRefusal(_ code: WireErrorCode, path: String = "notes", _ send: (RelayTestClient) async throws -> Void) async throws {
            let client = try await RelayTestClient(port: relay.port, path: path)
            // The relay may close before everything is written (a bad name is refused at once).
            try? await send(client)
            var got: WireError?
            while let message = await client.receive() {
                if case .error(let error, fatal: true) = message { got = error; break }
            }
            #expect(got?.code == code, "expected \(code), got \(String(describing: got))")
            #expect(await client.closes(), "the connection stays open after \(code)")
        }
        let hello = Hello(document: try DocumentName("notes"), epoch: 0, replica: ReplicaID(0xE), lastServerSeq: 0)
        try await expectRefusal(.malformed) { try await $0.sendRaw(.text("hello?")) }
        try await expectRefusal(.malformed) { try await $0.sendRaw(.binary(.init(bytes: [0x7f, 1, 2, 3]))) }
        try await expectRefusal(.malformed) { client in
            var stray = Replica(replicaID: ReplicaID(0xE))
            try await client.send(.batch(clientSeq: 1, ops: [try stray.insert("x", at: 0)!]))
        }
        try await expectRefusal(.upgradeRequired) {
            var bytes = ClientMessage.hello(hello).encoded()
            bytes[1] = 9
            try await $0.sendRaw(.binary(.init(bytes: bytes)))
        }
        try await expectRefusal(.badName, path: ".hidden") { try await $0.send(.hello(hello)) }
        try await expectRefusal(.tooLarge) { try? await $0.sendRaw(.binary(.init(bytes: [UInt8](repeating: 1, count: WireLimits.maxFrameBytes + 10)))) }
        try await expectRefusal(.malformed) { client in
            try await client.send(.hello(hello))
            let missing = Op.insert(Insertion(id: CharID(replica: ReplicaID(0xE), counter: 0),
                                              originLeft: CharID(replica: ReplicaID(0x99), counter: 5), originRight: nil, text: "x"))
            try await client.send(.batch(clientSeq: 1, ops: [missing]))
        }
        try await expectRefusal(.rateLimited) { client in
            try await client.send(.hello(hello))
            let presence = ClientMessage.presence(Presence(userName: "flood", colour: 0, cursor: .start))
            // The relay closes the connection part way: later sends fail, as they should.
            for _ in 0..<3_000 { do { try await client.send(presence) } catch { break } }
        }

        // The owner saw at most the flooder's presence come and go: no ops, no errors; the
        // document is as it was, and the relay still serves.
        while let message = await owner.receive(timeout: .milliseconds(300)) {
            switch message {
            case .presence, .presenceGone: continue
            default: Issue.record("the owner received \(message)")
            }
        }
        let (reader, welcome, replayed) = try await Self.join(relay, replica: ReplicaID(0xF))
        #expect(welcome.serverSeq == 1 && replayed.count == 1)
        await reader.close()
        await owner.close()
    }

    @Test func healthzAnswersOverHTTP() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(relay.port)/healthz")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == "ok\n")
    }

    @Test func tokensAreRequiredWhenAskedAndReadOnlyOnesWriteNothing() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--require-auth"])
        let signer = TokenSigner(secret: try ServerSecret.loadOrCreate(in: directory))
        let now = UInt64(Date().timeIntervalSince1970)
        let notes = try DocumentName("notes")
        let writer = signer.sign(AccessToken(document: notes, scope: .readWrite, issuedAt: now, expiresAt: now + 600))
        let reader = signer.sign(AccessToken(document: notes, scope: .read, issuedAt: now, expiresAt: now + 600))
        let otherDocument = signer.sign(AccessToken(document: try DocumentName("other"), scope: .readWrite, issuedAt: now, expiresAt: now + 600))

        for token in ["", otherDocument, writer + "x"] {
            let client = try await RelayTestClient(port: relay.port, path: "notes")
            try await client.send(.hello(Hello(document: notes, epoch: 0, replica: ReplicaID(1), lastServerSeq: 0, token: token)))
            guard case .error(let error, fatal: true)? = await client.receive() else { Issue.record("accepted token \(token.prefix(12))"); continue }
            #expect(error.code == .unauthorized)
        }

        // A read-only token makes no document by reading it: its first writer does.
        var alice = Replica(replicaID: ReplicaID(0xA))
        let early = try await RelayTestClient(port: relay.port, path: "notes")
        try await early.send(.hello(Hello(document: notes, epoch: 0, replica: alice.replicaID, lastServerSeq: 0, token: reader)))
        guard case .error(let missing, fatal: true)? = await early.receive() else { Issue.record("a reader made the document"); return }
        #expect(missing.code == .noDocument)

        var bob = Replica(replicaID: ReplicaID(0xB))
        let (writing, bobWelcome, _) = try await Self.join(relay, replica: bob.replicaID, token: writer)
        #expect(!bobWelcome.readOnly && bobWelcome.serverSeq == 0)
        try await writing.send(.batch(clientSeq: 1, ops: [try bob.insert("ok", at: 0)!]))
        #expect(await writing.receive() == .ack(clientSeq: 1, serverSeq: 1))

        let (readOnly, welcome, replayed) = try await Self.join(relay, replica: alice.replicaID, token: reader)
        #expect(welcome.readOnly && replayed.count == 1)
        try await readOnly.send(.batch(clientSeq: 1, ops: [try alice.insert("sneaky", at: 0)!]))
        guard case .error(let refusal, fatal: false)? = await readOnly.receive() else { Issue.record("write accepted"); return }
        #expect(refusal.code == .readOnly)
        await readOnly.close()
        await writing.close()
    }
}
