import ArgumentParser
import Foundation
import WeftCRDT
import WeftTestSupport
import WeftWire

/// `weft-bench relay`: N writers on one document over loopback; ack latency and throughput.
struct RelayBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Writers on one document through a real relay on 127.0.0.1: ack latency percentiles and committed batches per second.",
        discussion: """
            Starts `weft serve` (the binary beside this one) on a fresh data directory, unless --url names \
            a running relay. With --postgres the relays share a throwaway PostgreSQL cluster (initdb, \
            loopback, trust) instead, and --relays starts several, writers spread over them in turn. Each batch is one keystroke (one insertion op). With --rate each client sends \
            that many batches a second (open loop); without it each keeps --window batches unacknowledged \
            (saturation). Every writer checks that it is sent every serverSeq exactly once and in order \
            (its own batches as acks, the others' as broadcasts), and the run fails unless each got \
            every other writer's batches.
            """
    )

    @Option(help: "Writers (one WebSocket connection each).")
    var clients = 50

    @Option(help: "Batches per second per writer; omit to saturate.")
    var rate: Double?

    @Option(help: "Unacknowledged batches each writer keeps in flight when saturating.")
    var window = 64

    @Option(help: "Seconds of load.")
    var seconds = 10

    @Option(help: "A running relay's address (ws://127.0.0.1:PORT) instead of starting one.")
    var url: String?

    @Flag(help: "Keep the document in a throwaway PostgreSQL cluster shared by the relays instead of SQLite.")
    var postgres = false

    @Option(help: "Relays to start on the shared database (with --postgres); writer i uses relay i mod N.")
    var relays = 1

    @Option(help: "The weft executable to run as the relay (default: the one beside weft-bench).")
    var weft: String?

    @Flag(help: "Writers do not ask for bundles (hello flag bit 7): every message is its own WebSocket message, as for a relay or client that predates them.")
    var noBundles = false

    func validate() throws {
        guard relays >= 1 else { throw ValidationError("--relays must be at least 1") }
        guard relays == 1 || postgres else { throw ValidationError("several relays need a shared store: add --postgres") }
        guard url == nil || weft == nil else { throw ValidationError("--url measures a running relay: leave out --weft") }
        guard url == nil || (!postgres && relays == 1) else { throw ValidationError("--url measures a running relay: leave out --postgres and --relays") }
        guard clients >= 1, window >= 1, seconds >= 1 else { throw ValidationError("--clients, --window and --seconds must be at least 1") }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
    }

    func run() async throws {
        var started: [RelayProcess] = []
        var cluster: PostgresCluster?
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-relay-\(UUID())")
        defer {
            started = []  // the relays stop before their database
            cluster = nil
            try? FileManager.default.removeItem(at: dataDirectory)
        }
        let bases: [String]
        if let url {
            bases = [url]
        } else {
            let beside = BenchmarkWeft.url
            let executable = weft.map { URL(fileURLWithPath: $0) } ?? beside
            // The bench measures the relay, not its flood protection: lift the per-connection limit.
            var arguments = ["--max-message-rate", "1000000"]
            if postgres {
                cluster = try PostgresCluster()
                arguments += ["--store", cluster!.url()]
            }
            for index in 0..<relays {
                started.append(try RelayProcess(dataDirectory: dataDirectory.appendingPathComponent("relay\(index)"), extraArguments: arguments, executable: executable))
            }
            bases = started.map { "ws://127.0.0.1:\($0.port)" }
        }
        let document = try DocumentName("bench-\(UInt32.random(in: 0...UInt32.max))")
        let barrier = LoadBarrier(clients: clients)
        let load = (0..<clients).map { index in
            RelayLoadClient(url: "\(bases[index % bases.count])/\(document)", document: document, replica: ReplicaID(UInt64(index + 1)),
                            rate: rate, window: window, duration: .seconds(seconds), takesBundles: !noBundles,
                            phase: rate.map { .seconds(Double(index) / Double(clients) / $0) } ?? .zero, barrier: barrier)
        }
        let results = try await withThrowingTaskGroup(of: RelayLoadClient.Figures.self) { group in
            for client in load { group.addTask { try await client.run() } }
            var all: [RelayLoadClient.Figures] = []
            for try await figures in group { all.append(figures) }
            return all
        }
        let latencies = results.flatMap(\.latencies).map(Measure.milliseconds).sorted()
        func percentile(_ p: Double) -> Double { Measure.percentile(latencies, p) }
        let batches = results.reduce(0) { $0 + $1.sent }
        let broadcasts = results.reduce(0) { $0 + $1.broadcasts }
        let expectedBroadcasts = batches * (clients - 1)
        let perSecond = Double(batches) / Double(seconds)
        let number = Measure.figure
        let settings = "{\"bench\":\"relay\",\"store\":\"\(postgres ? "postgres" : "sqlite")\",\"relays\":\(relays),\"clients\":\(clients)"
            + ",\"rate\":\(rate.map(number) ?? "\"saturate\""),\"window\":\(rate == nil ? window : 0),\"bundles\":\(!noBundles)"
        let throughput = ",\"seconds\":\(seconds),\"batches\":\(batches),\"ops_per_s\":\(number(perSecond))"
        let acks = ",\"ack_p50_ms\":\(number(percentile(0.5))),\"ack_p99_ms\":\(number(percentile(0.99))),\"ack_max_ms\":\(number(latencies.last ?? 0))"
        print(settings + throughput + acks + ",\"broadcasts\":\(broadcasts),\"broadcasts_expected\":\(expectedBroadcasts)}")
        if broadcasts != expectedBroadcasts { throw BenchmarkFailure("broadcasts received \(broadcasts), expected \(expectedBroadcasts)") }
    }
}
