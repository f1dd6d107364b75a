import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// Users on a real relay: tokens naming users bind replicas to them, nobody writes as another,
/// revocation closes open connections, and the history records who committed what.
@Suite(.ownThread) struct RelayUserTests {
    let notes = try! DocumentName("notes")

    func token(_ user: String?, _ directory: URL, scope: AccessScope = .readWrite) throws -> String {
        let now = UInt64(Date().timeIntervalSince1970)
        return TokenSigner(secret: try ServerSecret.loadOrCreate(in: directory))
            .sign(AccessToken(document: notes, scope: scope, issuedAt: now, expiresAt: now + 600, user: user))
    }

    /// Hello, then everything up to caught-up; the welcome, or the error that refused it.
    func join(_ relay: RelayProcess, replica: ReplicaID, token: String = "", userName: String = "", key: String = "") async throws -> (RelayTestClient, Result<Welcome, WireError>) {
        let client = try await RelayTestClient(port: relay.port, path: "notes")
        try await client.send(.hello(Hello(document: notes, epoch: 0, replica: replica, lastServerSeq: 0, token: token, replicaKey: Array(key.utf8),
                                           userName: userName)))
        switch await client.receive() {
        case .welcome(let welcome)?:
            while let message = await client.receive() { if case .caughtUp = message { break } }
            return (client, .success(welcome))
        case .error(let error, _)?:
            return (client, .failure(error))
        case let other:
            throw RelayTestFailure(description: "expected a welcome or an error, got \(String(describing: other))")
        }
    }

    func history(_ relay: RelayProcess, token: String) throws -> HistoryPage {
        let answer = try #require(relay.history(of: "notes", token: token))
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        return try HistoryPage(decoding: answer.body)
    }

    /// Without tokens, names are the client's word: the replica's own client (it shows the key)
    /// under another name (`$USER` differs between shells) is taken, and its batches stay under
    /// the first name; another name without the key is refused.
    @Test func theSameClientUnderAnotherUnverifiedNameKeepsItsReplica() async throws {
        let directory = TemporaryDirectory.path("unverified")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var copy = Replica(replicaID: ReplicaID(0xA))
        let (first, welcomed) = try await join(relay, replica: copy.replicaID, userName: "ana", key: "ana's key")
        #expect((try? welcomed.get()) != nil)
        try await first.send(.batch(clientSeq: 1, ops: [try copy.insert("hi", at: 0)!]))
        #expect(await first.receive() == .ack(clientSeq: 1, serverSeq: 1))
        await first.close()

        let (again, welcomedAgain) = try await join(relay, replica: copy.replicaID, userName: "root", key: "ana's key")
        #expect((try? welcomedAgain.get()) != nil, "the same client, another name")
        try await again.send(.batch(clientSeq: 2, ops: [try copy.insert("!", at: 2)!]))
        #expect(await again.receive() == .ack(clientSeq: 2, serverSeq: 2))
        let (_, keyless) = try await join(relay, replica: ReplicaID(0xB), userName: "bo")
        #expect((try? keyless.get()) != nil)
        let (_, nameless) = try await join(relay, replica: ReplicaID(0xB), userName: "mallory")
        guard case .failure(let refusal) = nameless else { Issue.record("another name without a key was taken"); return }
        #expect(refusal.code == .unauthorized && refusal.message.contains("belongs to bo"))
        let page = try history(relay, token: "")
        #expect(page.entries.map(\.author) == [BatchAuthor(name: "ana", verified: false), BatchAuthor(name: "ana", verified: false)])
        await again.close()
    }

    @Test func aReplicaBelongsToItsFirstUserAndTheHistorySaysWhoWrote() async throws {
        let directory = TemporaryDirectory.path("users")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--require-auth"])
        let ana = try token("ana", directory), bo = try token("bo", directory)
        var anaCopy = Replica(replicaID: ReplicaID(0xA))

        let (anaClient, anaWelcome) = try await join(relay, replica: anaCopy.replicaID, token: ana, userName: "not-ana")
        #expect((try? anaWelcome.get()) != nil)
        try await anaClient.send(.batch(clientSeq: 1, ops: [try anaCopy.insert("hi", at: 0)!]))
        #expect(await anaClient.receive() == .ack(clientSeq: 1, serverSeq: 1))

        // bo, with a valid token of his own, cannot use ana's replica, even read-only or with her name in hello.
        let (_, stolen) = try await join(relay, replica: anaCopy.replicaID, token: bo, userName: "ana")
        guard case .failure(let refusal) = stolen else { Issue.record("bo was welcomed on ana's replica"); return }
        #expect(refusal.code == .unauthorized && refusal.message.contains("belongs to ana"))

        var boCopy = Replica(replicaID: ReplicaID(0xB))
        let (boClient, boWelcome) = try await join(relay, replica: boCopy.replicaID, token: bo)
        #expect((try? boWelcome.get()) != nil)
        _ = try boCopy.apply(try OpCodec.decode(try #require(history(relay, token: bo).entries.first).ops))
        try await boClient.send(.batch(clientSeq: 1, ops: [try boCopy.insert("!", at: 2)!]))
        #expect(await boClient.receive() == .ack(clientSeq: 1, serverSeq: 2))

        // Presence shows the token's user, whatever name the client puts in it.
        try await anaClient.send(.presence(Presence(userName: "not-ana", colour: 0xFF0000, cursor: .start)))
        var shown: Presence?
        while shown == nil, let message = await boClient.receive(timeout: .seconds(10)) {
            if case .presence(_, let presence) = message { shown = presence }
        }
        #expect(shown?.userName == "ana", "\(String(describing: shown))")

        let page = try history(relay, token: try token("cy", directory, scope: .read))
        #expect(page.floor == 0 && !page.more)
        #expect(page.entries.map(\.serverSeq) == [1, 2])
        #expect(page.entries.map(\.author) == [BatchAuthor(name: "ana", verified: true), BatchAuthor(name: "bo", verified: true)])
        #expect(page.entries.allSatisfy { $0.committedAt != nil })
        // The history is token-checked like the document.
        #expect(relay.history(of: "notes", token: "")?.status == 401)
        #expect(relay.history(of: "notes", token: ana + "x")?.status == 401)
        await anaClient.close()
        await boClient.close()
    }

    @Test func revokingAUserClosesTheirOpenConnectionAndLeavesOthers() async throws {
        let directory = TemporaryDirectory.path("revoke")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--require-auth"])
        var anaCopy = Replica(replicaID: ReplicaID(0xA)), boCopy = Replica(replicaID: ReplicaID(0xB))
        let anaToken = try token("ana", directory)
        let (anaClient, _) = try await join(relay, replica: anaCopy.replicaID, token: anaToken)
        let (boClient, _) = try await join(relay, replica: boCopy.replicaID, token: try token("bo", directory))
        try await anaClient.send(.batch(clientSeq: 1, ops: [try anaCopy.insert("a", at: 0)!]))
        #expect(await anaClient.receive() == .ack(clientSeq: 1, serverSeq: 1))

        let revoked = try BuiltProduct.run("weft", ["token", "revoke", "--data", directory.path, "--user", "ana"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stderr.contains("revoked every token of ana"))
        // Relays read revocations every second; on a busy machine later. Ana goes on typing (one
        // batch a second) until a message of hers meets the revocation.
        var refused: WireError?
        var clientSeq: UInt64 = 1
        var accepted: UInt64 = 0
        let deadline = ContinuousClock.now + .seconds(60)
        typing: while refused == nil, ContinuousClock.now < deadline {
            clientSeq += 1
            try await anaClient.send(.batch(clientSeq: clientSeq, ops: [try anaCopy.insert("b", at: anaCopy.count)!]))
            while let message = await anaClient.receive(timeout: .seconds(1)) {
                if case .error(let error, fatal: true) = message { refused = error; break typing }
                if case .ack = message { accepted += 1 }
            }
        }
        #expect(refused?.code == .unauthorized && refused?.message.contains("revoked") == true)
        #expect(await anaClient.closes(within: .seconds(10)))
        // A new connection with the old token is refused at hello.
        let (_, again) = try await join(relay, replica: anaCopy.replicaID, token: anaToken)
        guard case .failure(let error) = again else { Issue.record("a revoked token was welcomed"); return }
        #expect(error.code == .unauthorized)

        // bo goes on; a token made for ana after the revocation works.
        while let message = await boClient.receive(timeout: .milliseconds(300)) { _ = message }
        let entries = try history(relay, token: try token("bo", directory)).entries
        #expect(entries.map(\.serverSeq) == Array(1...(1 + accepted)), "the batch that met the revocation was not committed")
        for entry in entries { _ = try boCopy.apply(try OpCodec.decode(entry.ops)) }
        try await boClient.send(.batch(clientSeq: 1, ops: [try boCopy.insert("c", at: 1)!]))
        // Broadcasts of ana's last batches may still be on their way on a busy machine.
        var answer: ServerMessage?
        while let message = await boClient.receive(timeout: .seconds(10)) {
            if case .broadcast = message { continue }
            answer = message
            break
        }
        #expect(answer == .ack(clientSeq: 1, serverSeq: 2 + accepted))
        try await Task.sleep(for: .milliseconds(1_100))
        let (_, renewed) = try await join(relay, replica: anaCopy.replicaID, token: try token("ana", directory))
        #expect((try? renewed.get()) != nil, "a token made after the revocation")
        await boClient.close()
    }

    @Test func withoutTokensTheClientsNameIsRecordedUnverified() async throws {
        let directory = TemporaryDirectory.path("unverified")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var copy = Replica(replicaID: ReplicaID(0xC))
        let (client, _) = try await join(relay, replica: copy.replicaID, userName: "cy")
        try await client.send(.batch(clientSeq: 1, ops: [try copy.insert("x", at: 0)!]))
        #expect(await client.receive() == .ack(clientSeq: 1, serverSeq: 1))
        // Another name on the same replica is refused; no name at all binds nothing and is let through.
        let (_, other) = try await join(relay, replica: copy.replicaID, userName: "dee")
        guard case .failure(let refusal) = other else { Issue.record("dee was welcomed on cy's replica"); return }
        #expect(refusal.code == .unauthorized)
        let page = try history(relay, token: "")
        #expect(page.entries.map(\.author) == [BatchAuthor(name: "cy", verified: false)])
        await client.close()
    }
}
