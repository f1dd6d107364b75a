import ArgumentParser
import Foundation
import WeftCRDT
import WeftSync
import WeftTestSupport

/// `weft-bench sync`: the client side's figures, through a real relay on 127.0.0.1.
struct SyncBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Offline-queue appends per second, catching up after missed ops, and keystroke latency between two clients."
    )

    @Option(help: "Ops another client makes while this one is away.")
    var missed = 10_000

    @Option(help: "Keystrokes timed from one client to the other.")
    var keystrokes = 1_000

    @Option(help: "Durable queue appends timed (each one fsync'd).")
    var appends = 2_000

    @Option(help: "The relay's --compact-every (its default: 10,000; at that size a reader 10,000 behind gets a snapshot).")
    var compactEvery = 10_000

    func run() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-sync-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

        // 1. Queue appends: one keystroke batch each, fsync'd before the next.
        let queue = try OfflineQueue(url: root.appendingPathComponent("bench.weftq"), newReplica: ReplicaID(1))
        var typist = Replica(replicaID: ReplicaID(1))
        let started = ContinuousClock.now
        for _ in 0..<appends { try queue.append([[try typist.insert("x", at: typist.count)!]]) }
        let appendSeconds = Measure.milliseconds(ContinuousClock.now - started) / 1000

        let weft = BenchmarkWeft.url
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"), extraArguments: ["--max-message-rate", "100000", "--compact-every", "\(compactEvery)"], executable: weft)
        let address = try DocumentAddress(parsing: "ws://127.0.0.1:\(relay.port)/bench", defaultServer: DocumentAddress.builtInServer)
        let writerHome = ClientHome(data: root.appendingPathComponent("writer"), config: root.appendingPathComponent("config"))
        let readerHome = ClientHome(data: root.appendingPathComponent("reader"), config: root.appendingPathComponent("config"))
        var fast = SessionOptions()
        fast.maxMessagesPerSecond = 100_000

        // 2. The reader syncs once and leaves; the writer makes `missed` one-keystroke batches.
        do {
            let reader = try DocumentSession(address: address, home: readerHome, options: fast)
            await reader.start()
            try await reader.waitUntilSettled(timeout: .seconds(30))
            await reader.close()
        }
        let writer = try DocumentSession(address: address, home: writerHome, options: fast)
        await writer.start()
        try await writer.waitUntilSettled(timeout: .seconds(30))
        for start in stride(from: 0, to: missed, by: 500) {
            let count = await writer.count
            try await writer.apply((0..<min(500, missed - start)).map { TextEdit(position: count + $0, deleting: 0, inserting: "m") })
        }
        try await writer.waitUntilSettled(timeout: .seconds(120))
        let expected = await writer.text

        // The reader comes back: from opening its cached copy until it is current.
        let reconnectStart = ContinuousClock.now
        let reader = try DocumentSession(address: address, home: readerHome, options: fast)
        await reader.start()
        try await reader.waitUntilSettled(timeout: .seconds(60))
        let reconnectMs = Measure.milliseconds(ContinuousClock.now - reconnectStart)
        guard await reader.text == expected else { throw BenchmarkFailure("the reader's text differs from the writer's after catching up") }

        // 3. Keystrokes: the writer types one character; timed until the reader has applied it.
        // Waiting on a stream, not polling: a spinning benchmark would take a core from the relay.
        let (arrivals, arrived) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
        await reader.observe { event in if case .remote = event { arrived.yield(.now) } }
        var next = arrivals.makeAsyncIterator()
        var latencies: [Double] = []
        for _ in 0..<keystrokes {
            let sent = ContinuousClock.now
            let count = await writer.count
            try await writer.apply([TextEdit(position: count, deleting: 0, inserting: "k")])
            guard let at = await next.next() else { throw BenchmarkFailure("a keystroke never reached the other client") }
            latencies.append(Measure.milliseconds(at - sent))
            try await Task.sleep(for: .milliseconds(5))
        }
        latencies.sort()
        await reader.close()
        await writer.close()
        let number = Measure.figure
        func percentile(_ p: Double) -> Double { Measure.percentile(latencies, p) }
        print("{\"bench\":\"sync\",\"queue_appends_per_s\":\(number(Double(appends) / appendSeconds)),\"missed_ops\":\(missed)"
              + ",\"compact_every\":\(compactEvery),\"catch_up_ms\":\(number(reconnectMs)),\"keystrokes\":\(keystrokes)"
              + ",\"keystroke_p50_ms\":\(number(percentile(0.5))),\"keystroke_p99_ms\":\(number(percentile(0.99)))}")
    }
}
