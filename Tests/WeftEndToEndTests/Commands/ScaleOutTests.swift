import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import WeftTestSupport

/// Several relays on one PostgreSQL database (a real throwaway cluster), with real client
/// processes: edits made through any relay reach clients on every other, each exactly once,
/// through cut connections, a killed relay and a restarted database.
@Suite struct ScaleOutTests {
    static let seed: UInt64 = 0x5CA1_E001

    /// Three clients behind a load balancer that sends each connection to a random one of three
    /// relays and cuts connections at random; halfway through, one relay is killed with SIGKILL.
    @Test func clientsOnThreeRelaysConvergeExactlyOnceWhenOneDies() async throws {
        let wantedCuts = Int(ProcessInfo.processInfo.environment["WEFT_FAULT_CUTS"] ?? "") ?? 60
        let cluster = try await offCooperativePool { try PostgresCluster() }
        let root = TemporaryDirectory.path("scale-out")
        defer { try? FileManager.default.removeItem(at: root) }
        let relays = try (0..<3).map { try RelayProcess(dataDirectory: root.appendingPathComponent("relay\($0)"), extraArguments: ["--store", cluster.url()]) }
        let balancer = try FaultProxy(targetPorts: relays.map(\.port), seed: Self.seed, cutAfter: 20...250)
        let workload = TokenWorkload(seed: Self.seed, url: "ws://127.0.0.1:\(balancer.port)/shared",
                                     clients: (0..<3).map { WeftRun(home: root.appendingPathComponent("client\($0)")) })
        let killed = Mutex(false)
        try await workload.run(until: { balancer.cuts >= wantedCuts }, afterRound: {
            guard balancer.cuts >= wantedCuts / 2, killed.withLock({ done in defer { done = true }; return !done }) else { return }
            relays[0].kill()
        })
        balancer.setCutting(false)
        #expect(killed.withLock { $0 } && !relays[0].isRunning)
        #expect(balancer.cuts >= wantedCuts, "seed \(Self.seed)")
        try await workload.expectConverged(direct: relays.dropFirst().map { "ws://127.0.0.1:\($0.port)/shared" }, home: root)
        // The shared log: one entry per server sequence from 1 up, one per (replica, batch).
        let log = try cluster.query("SELECT count(*), max(server_seq), count(DISTINCT (replica, client_seq)) FROM weft_log WHERE document = 'shared'")
        let numbers = log.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").map(String.init)
        #expect(numbers.count == 3 && numbers[0] == numbers[1] && numbers[0] == numbers[2], "seed \(Self.seed): log \(log)")
    }

    /// Two relays on one database, a client on each. While PostgreSQL is down neither relay
    /// acknowledges anything and both say so on /healthz; once it is back they recover by
    /// themselves and the edit made meanwhile arrives exactly once.
    @Test func nothingIsAcknowledgedWhileTheDatabaseIsDown() async throws {
        let cluster = try await offCooperativePool { try PostgresCluster() }
        let root = TemporaryDirectory.path("scale-out-db")
        defer { try? FileManager.default.removeItem(at: root) }
        let relays = try (0..<2).map { try RelayProcess(dataDirectory: root.appendingPathComponent("relay\($0)"), extraArguments: ["--store", cluster.url()]) }
        let urls = relays.map { "ws://127.0.0.1:\($0.port)/shared" }
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))

        #expect(try await alice.run(["apply", "--timeout", "30", urls[0]], input: editLines([(0, 0, "<first>")])).status == 0)
        #expect(try await bob.run(["cat", "--timeout", "30", urls[1]]).stdout == "<first>", "an edit through relay 0 reaches a client of relay 1")
        for relay in relays { #expect(try await health(relay).status == 200) }

        try await offCooperativePool { try cluster.stop() }
        for relay in relays {
            let down = try await eventually { let answer = try await health(relay); return answer.status == 503 ? answer : nil }
            #expect(down.body.contains("unhealthy"), "\(down.body)")
        }
        let during = try await alice.run(["apply", "--timeout", "3", urls[0]], input: editLines([(7, 0, "<during>")]))
        #expect(during.status == 1, "not acknowledged while the database is down: \(during.stderr)")
        #expect(try await alice.run(["status", urls[0]]).stdout.contains("1 unsent"))
        #expect(try await bob.run(["cat", "--offline", urls[1]]).stdout == "<first>")

        try await offCooperativePool { try cluster.start() }
        for relay in relays { _ = try await eventually { try await health(relay).status == 200 ? true : nil } }
        // No edits: apply only sends what is queued and waits for its acknowledgment.
        let flushed = try await alice.run(["apply", "--timeout", "60", urls[0]], input: "")
        #expect(flushed.status == 0, "\(flushed.stderr)")
        #expect(try await alice.run(["cat", "--offline", urls[0]]).stdout == "<first><during>")
        #expect(try await alice.run(["status", urls[0]]).stdout.contains("nothing unsent"))
        #expect(try await bob.run(["cat", "--timeout", "60", urls[1]]).stdout == "<first><during>")
        let log = try cluster.query("SELECT count(*), max(server_seq) FROM weft_log").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(log == "2|2", "each edit committed once: \(log)")
    }

    /// Relays on one database share the token secret: a token made with `--store` opens the
    /// document on each of them, and one made for another relay's secret opens it on none.
    @Test func aTokenFromTheSharedStoreWorksOnEveryRelay() async throws {
        let cluster = try await offCooperativePool { try PostgresCluster() }
        let root = TemporaryDirectory.path("scale-out-token")
        defer { try? FileManager.default.removeItem(at: root) }
        let relays = try (0..<2).map {
            try RelayProcess(dataDirectory: root.appendingPathComponent("relay\($0)"), extraArguments: ["--store", cluster.url(), "--require-auth"])
        }
        let made = try await offCooperativePool { try BuiltProduct.run("weft", ["token", "create", "--store", cluster.url(), "--doc", "team/plan"]) }
        #expect(made.status == 0, "\(made.stderr)")
        let token = made.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))
        let wrote = try await alice.run(["apply", "--timeout", "30", "--token", token, "ws://127.0.0.1:\(relays[0].port)/team/plan"], input: editLines([(0, 0, "shared secret")]))
        #expect(wrote.status == 0, "\(wrote.stderr)")
        #expect(try await bob.run(["cat", "--timeout", "30", "--token", token, "ws://127.0.0.1:\(relays[1].port)/team/plan"]).stdout == "shared secret")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        let local = try await offCooperativePool { try BuiltProduct.run("weft", ["token", "create", "--data", root.appendingPathComponent("elsewhere").path, "--doc", "team/plan"]) }
        let foreign = local.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let refused = try await bob.run(["cat", "--timeout", "10", "--token", foreign, "ws://127.0.0.1:\(relays[1].port)/team/plan"])
        #expect(refused.status == 2, "a token signed with another secret is refused: \(refused.stderr)")
    }

    /// A database the server refuses is a start-up error with the server's reason, not a wait.
    @Test func aRefusedDatabaseStopsTheRelayWithTheReason() async throws {
        let cluster = try await offCooperativePool { try PostgresCluster() }
        let root = TemporaryDirectory.path("scale-out-refused")
        defer { try? FileManager.default.removeItem(at: root) }
        let started = try await offCooperativePool {
            Result { try RelayProcess(dataDirectory: root.appendingPathComponent("relay"), extraArguments: ["--store", cluster.url(database: "missing")]) }
        }
        guard case .failure(let error) = started else { Issue.record("the relay started on a database that does not exist"); return }
        #expect("\(error)".contains("database \"missing\" does not exist"), "\(error)")
        let token = try await offCooperativePool { try BuiltProduct.run("weft", ["token", "create", "--store", cluster.url(database: "missing"), "--doc", "plan"]) }
        #expect(token.status != 0 && token.stderr.contains("database \"missing\" does not exist"), "\(token.stderr)")
    }

    private func health(_ relay: RelayProcess) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(relay.port)/healthz")!)
        request.timeoutInterval = 10
        let (body, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: body, as: UTF8.self))
    }

    /// Polls `probe` every 100 ms for up to 30 s until it returns a value.
    private func eventually<T>(_ probe: () async throws -> T?) async throws -> T {
        for _ in 0..<300 {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw FaultTestFailure(description: "timed out after 30 s")
    }
}
