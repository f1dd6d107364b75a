import Foundation
import Synchronization
import Testing
import WeftCRDT
import WeftSync
import WeftTestSupport
import WeftWire

/// A `DocumentSession` run in this process over an in-memory transport and a manual clock: its
/// backoff, deadlines and timeouts land where the machine says, without a network and without
/// waiting, and what it sends and keeps survives cuts and restarts exactly once.
@Suite(.timeLimit(.minutes(1))) struct DocumentSessionTransportTests {
    static let address = try! DocumentAddress(parsing: "notes", defaultServer: DocumentAddress.builtInServer)

    /// A session on a fresh home, the transport and clock it runs on.
    struct Harness {
        let home: ClientHome
        let transport = InMemoryTransport()
        let clock = ManualClock()
        let jitterSeed: UInt64
        /// Made on first use: a test that hands the connections to a `ScriptedRelay` reads them there.
        var connections: AsyncStream<InMemoryConnection>.Iterator?

        init(jitterSeed: UInt64 = 7) {
            let root = TemporaryDirectory.make("session")
            home = ClientHome(data: root.appendingPathComponent("data"), config: root.appendingPathComponent("config"))
            self.jitterSeed = jitterSeed
        }

        /// Opens the document's session. A child another test forks in these microseconds holds
        /// a copy of the lock a closed session just let go, until it execs: that is waited out.
        func open(options: SessionOptions = SessionOptions()) async throws -> DocumentSession {
            let deadline = ContinuousClock.now + .seconds(10)
            let environment = SessionEnvironment(transport: transport, clock: SessionClock(clock), jitter: .seeded(jitterSeed))
            while true {
                let opened = Result { () throws(SyncError) -> DocumentSession in
                    try DocumentSession(address: DocumentSessionTransportTests.address, home: home, options: options, environment: environment)
                }
                switch opened {
                case .success(let session): return session
                case .failure(let error) where error.kind == .locked && ContinuousClock.now < deadline: try await Task.sleep(for: .milliseconds(5))
                case .failure(let error): throw error
                }
            }
        }

        mutating func nextConnection() async throws -> InMemoryConnection {
            if connections == nil { connections = transport.connections.makeAsyncIterator() }
            return try #require(await connections!.next())
        }

        /// Waits (without moving the clock) until something sleeps until `deadline`.
        func waitForSleeper(until deadline: Duration) async throws {
            try await waitUntil("something sleeps until \(deadline) (sleeping: \(clock.deadlines))") { clock.deadlines.contains(deadline) }
        }
    }

    @Test func aRefusedConnectionIsTriedAgainExactlyWhenTheBackoffSays() async throws {
        var harness = Harness()
        let session = try await harness.open()
        await session.start()
        try await harness.nextConnection().refuse(InMemoryConnection.Cut())
        var jitter = JitterSource.seeded(harness.jitterSeed)
        let backoff = SyncMachine.retryDelay(attempt: 1, jitter: jitter.next())
        try await harness.waitForSleeper(until: backoff)
        #expect(await session.status.connection == .offline(retryIn: backoff, attempt: 1))
        #expect(await session.connectionProblem == "the connection to 127.0.0.1:7878 failed")

        harness.clock.advance(by: backoff - .milliseconds(1))
        #expect(harness.clock.deadlines.contains(backoff), "the retry still waits a millisecond before its time")
        #expect(await session.status.connection == .offline(retryIn: .milliseconds(1), attempt: 1))
        harness.clock.advance(by: .milliseconds(1))
        let second = try await harness.nextConnection()
        #expect(second.address == Self.address)
        #expect(await session.status.connection == .connecting)
        await session.close()
    }

    @Test func aConnectionNeverWelcomedIsDroppedAtTheConnectDeadline() async throws {
        var harness = Harness()
        var options = SessionOptions()
        options.connectTimeout = .seconds(15)
        let session = try await harness.open(options: options)
        let events = Mutex<[SessionEvent]>([])
        await session.observe { event in events.withLock { $0.append(event) } }
        await session.start()
        let connection = try await harness.nextConnection()
        connection.accept()
        var sent = connection.messages.makeAsyncIterator()
        guard case .hello = try #require(await sent.next()) else { Issue.record("the first message is not a hello"); return }
        try await harness.waitForSleeper(until: .seconds(15))
        harness.clock.advance(by: .seconds(15) - .milliseconds(1))
        #expect(harness.clock.deadlines.contains(.seconds(15)), "the deadline waits until its time")
        harness.clock.advance(by: .milliseconds(1))
        #expect(await sent.next() == nil, "the session closes a connection the relay never welcomed")
        #expect(await session.connectionProblem == "the relay did not welcome the connection within 15 s")
        try await waitUntil("the session waits to retry") {
            if case .offline = await session.status.connection { true } else { false }
        }
        // Told as trouble that reconnecting mends (the editor clears it once the relay answers),
        // not as a notice that stays.
        let told = events.withLock { $0 }.compactMap { event -> String? in
            switch event {
            case .trouble(let text): "trouble: \(text)"
            case .notice(let text): "notice: \(text)"
            default: nil
            }
        }
        #expect(told == ["trouble: the relay did not welcome the connection in time; reconnecting"], "\(told)")
        await session.close()
    }

    /// A read that found the relay down leaves no cache: a later read must still ask the relay
    /// whether the document exists instead of taking an empty copy for this machine's.
    @Test func aCopyThatNeverSyncedAndHoldsNothingLeavesNoCache() async throws {
        var harness = Harness()
        let cache = harness.home.directory(for: Self.address).appendingPathComponent(DocumentFiles.cacheName)
        let reader = try await harness.open()
        await reader.start()
        try await harness.nextConnection().refuse(InMemoryConnection.Cut())
        await reader.close()
        #expect(!FileManager.default.fileExists(atPath: cache.path))

        let writer = try await harness.open()
        try await writer.apply([.init(position: 0, deleting: 0, inserting: "typed offline")])
        await writer.close()
        #expect(ReplicaCache.epoch(at: cache) == 0, "what was typed is kept, in a cache of no epoch yet")
    }

    @Test func waitingToSettleGivesUpAtItsTimeoutOnTheSessionsClock() async throws {
        var harness = Harness()
        let session = try await harness.open()
        try await session.apply([.init(position: 0, deleting: 0, inserting: "kept")])
        await session.start()
        let connection = try await harness.nextConnection()
        let waiting = Task { try await session.waitUntilSettled(timeout: .seconds(30)) }
        try await harness.waitForSleeper(until: .seconds(30))
        connection.refuse(InMemoryConnection.Cut())
        harness.clock.advance(by: .seconds(30))
        let failure = await #expect(throws: SyncError.self) { try await waiting.value }
        #expect(failure?.kind == .timeout)
        #expect(failure?.description.contains("1 batch still unsent") == true, "\(String(describing: failure))")
        #expect(await session.unsentCount == 1)
        await session.close()
    }
}

/// Seeded runs of a session against a scripted relay: typing of every size (pastes over the batch
/// limit included), relay writes, acks lost with cuts, connections cut, time moved on, the session
/// closed and opened again. After every step the session's text is the model's, and the relay has
/// every batch the client sent exactly once, in order, without a gap; after healing, everything
/// is acknowledged and the relay's copy equals the model.
@Suite(.timeLimit(.minutes(10))) struct DocumentSessionPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5]
    static let steps = Int(ProcessInfo.processInfo.environment["WEFT_SESSION_STEPS"] ?? "") ?? 300

    @Test(arguments: seeds)
    func whatIsTypedReachesTheRelayExactlyOnceThroughCutsAndRestarts(seed: UInt64) async throws {
        var random = SeededGenerator(seed: seed)
        let harness = DocumentSessionTransportTests.Harness(jitterSeed: seed)
        defer { try? FileManager.default.removeItem(at: harness.home.data.deletingLastPathComponent()) }
        let relay = ScriptedRelay()
        let transport = harness.transport
        let attaching = Task {
            for await connection in transport.connections { await relay.attach(connection) }
        }
        defer { attaching.cancel() }
        var session = try await harness.open()
        await session.start()
        var model: [Unicode.Scalar] = []
        var log: [String] = []
        var pastedOverTheLimit = false  // once a run: each costs the debug build about a second
        func fail(_ what: String) -> String {
            "seed \(seed), step \(log.count): \(what) (replay: WEFT_SESSION_STEPS=\(log.count) and seed \(seed); last steps: \(log.suffix(8).joined(separator: "; ")))"
        }

        for _ in 0..<Self.steps {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<40:
                let edit = Self.randomEdit(length: model.count, allowingPasteOverTheLimit: !pastedOverTheLimit, using: &random)
                if edit.inserting.unicodeScalars.count > 100_000 { pastedOverTheLimit = true }
                log.append("type \(edit.position)-\(edit.deleting)+\(edit.inserting.unicodeScalars.count)")
                try await session.apply([edit])
                model.replaceSubrange(edit.position..<(edit.position + edit.deleting), with: edit.inserting.unicodeScalars)
            case 40..<65:
                try await waitUntil("the relay's inbox is still") {
                    let before = await relay.waiting
                    try await Task.sleep(for: .milliseconds(1))
                    return await relay.waiting == before
                }
                let acknowledging = Int.random(in: 0..<10, using: &random) > 0
                log.append(acknowledging ? "relay answers" : "relay commits, cut before its acks")
                await relay.handleWaiting(acknowledging: acknowledging)
            case 65..<72:
                log.append("cut")
                await relay.cut()
            case 72..<85:
                let next = harness.clock.deadlines.first ?? .seconds(1)
                let step = max(.zero, next - harness.clock.now.offset)
                log.append("time +\(step)")
                harness.clock.advance(by: step)
            case 85..<95:
                // Only onto a live connection, so that the write reaches the session now.
                guard await relay.isConnected, await session.isSettled, await session.status.connection == .online else { continue }
                let edit = Self.randomEdit(length: model.count, allowingPasteOverTheLimit: false, using: &random)
                log.append("relay writes \(edit.position)-\(edit.deleting)+\(edit.inserting.unicodeScalars.count)")
                try await relay.write(edit)
                model.replaceSubrange(edit.position..<(edit.position + edit.deleting), with: edit.inserting.unicodeScalars)
                let expected = String(String.UnicodeScalarView(model))
                try await waitUntil(fail("the relay's write reaches the session")) { await session.text == expected }
            default:
                log.append("restart")
                await session.close()
                session = try await harness.open()
                await session.start()
            }
            // The whole text every step while it is small; past a big paste its length every step
            // and the whole text every 25 (copying a megabyte each step would be most of the run).
            let count = await session.count
            #expect(count == model.count, "\(fail("the session holds \(count) characters, the model \(model.count)"))")
            if model.count < 50_000 || log.count % 25 == 0 {
                let text = await session.text
                #expect(text == String(String.UnicodeScalarView(model)), "\(fail("the session's text is not the model's"))")
                if text != String(String.UnicodeScalarView(model)) { return }
            }
            try await Self.checkLog(of: relay, session: session, fail)
        }

        // Heal: the relay answers everything and time moves on until the session is settled.
        log.append("heal")
        var rounds = 0
        while true {
            let settled = await session.isSettled, unsent = await session.unsentCount
            if settled, unsent == 0 { break }
            rounds += 1
            if rounds >= 2_000 {
                let status = await session.status, connected = await relay.isConnected
                Issue.record("\(fail("the session does not settle once the relay answers everything: \(status), settled \(settled), relay connected \(connected), sleepers \(harness.clock.deadlines) at \(harness.clock.now.offset)"))")
                return
            }
            await relay.handleWaiting(acknowledging: true)
            if !(await relay.isConnected) || rounds % 50 == 0, let next = harness.clock.deadlines.first {
                harness.clock.advance(by: max(.zero, next - harness.clock.now.offset))
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        let expected = String(String.UnicodeScalarView(model))
        #expect(await session.text == expected, "\(fail("after healing, the session's text is not the model's"))")
        #expect(await relay.copy.text == expected, "\(fail("after healing, the relay's copy is not the model's"))")
        try await Self.checkLog(of: relay, session: session, fail)
        await session.close()
    }

    /// The client's batches in the relay's log are 1, 2, 3, … without a gap or one out of order
    /// (resends after lost acks are the relay's to drop, as a real one does); the relay's copy
    /// matching the model after healing is what shows none was applied twice.
    static func checkLog(of relay: ScriptedRelay, session: DocumentSession, _ fail: (String) -> String) async throws {
        let replica = await session.replicaID
        let sequences = await relay.log.filter { $0.replica == replica }.map(\.clientSeq)
        try #require(sequences.elementsEqual(1..<UInt64(sequences.count + 1)), "\(fail("the relay's log holds the client's batches \(sequences.prefix(20))…, not each once in order"))")
        let violations = await relay.violations
        try #require(violations.isEmpty, "\(fail(violations.joined(separator: "; ")))")
    }

    /// An edit of `length` scalars of text: mostly a few characters typed or deleted, sometimes a
    /// line pasted, rarely (`allowingPasteOverTheLimit`) a paste larger than a batch may be, so it
    /// is queued as several.
    static func randomEdit(length: Int, allowingPasteOverTheLimit: Bool, using random: inout SeededGenerator) -> TextEdit {
        let alphabet: [Unicode.Scalar] = ["a", "b", " ", "\n", "é", "日", "本", "👍", "\u{1F3FD}", "z"]
        let size: Int
        switch Int.random(in: 0..<1_000, using: &random) {
        case 0..<5 where allowingPasteOverTheLimit: size = 600_000
        case 3..<60: size = Int.random(in: 100...5_000, using: &random)
        default: size = Int.random(in: 0...12, using: &random)
        }
        let position = Int.random(in: 0...length, using: &random)
        let deleting = Bool.random(using: &random) ? Int.random(in: 0...min(length - position, 20), using: &random) : 0
        var text = String.UnicodeScalarView()
        let unit = alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
        for index in 0..<size { text.append(index % 7 == 0 ? alphabet[index % alphabet.count] : unit) }
        return TextEdit(position: position, deleting: deleting, inserting: String(text))
    }
}
