import ArgumentParser
import Foundation
import Synchronization
import WeftCRDT
import WeftTestSupport
import WeftWire

/// `weft-bench fairness`: how much one document's heavy batches slow the others down.
struct FairnessBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairness",
        abstract: "Ack latency of a typist on one document, and /healthz latency, while other documents take 480 KB deletion batches back to back.",
        discussion: """
            Starts `weft serve` (the binary beside this one, or --weft) on a fresh data directory. On each \
            of --heavy documents (by default one per core, so they could occupy every thread of Swift's \
            shared pool), a writer fills it with --characters characters in long runs, then sends batches of about 480 KB \
            that each delete every other character of 196,000 (every deletion splits a run), the next as soon \
            as the last is acknowledged. Meanwhile a typist on another document sends --rate one-keystroke batches \
            a second for --seconds, /healthz is asked every 50 ms, and a reader reads the typist's document as \
            `weft cat` does (connect, hello, caught-up) every 100 ms. With --compact-every the relay also \
            compacts the heavy documents as it goes.
            """
    )

    @Option(help: "Keystroke batches per second on document A.")
    var rate: Double = 20

    @Option(help: "Seconds the typist types while B takes deletions.")
    var seconds = 20

    @Option(help: "Documents taking heavy batches at the same time (default: one per core).")
    var heavy = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Characters typed into each heavy document before the deletions (each 480 KB batch deletes 98,304 of them).")
    var characters = 4_000_000

    @Option(help: "The relay's --compact-every (its default when omitted).")
    var compactEvery: Int?

    @Option(help: "The weft executable to run as the relay (default: the one beside weft-bench).")
    var weft: String?

    func validate() throws {
        guard heavy >= 1 else { throw ValidationError("--heavy must be at least 1") }
        guard rate > 0, seconds >= 1 else { throw ValidationError("--rate must be positive and --seconds at least 1") }
        guard characters >= 2, characters <= Replica.maxInsertedCharacters else {
            throw ValidationError("--characters must be from 2 to \(Replica.maxInsertedCharacters)")
        }
    }

    func run() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-fairness-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let beside = BenchmarkWeft.url
        var arguments = ["--max-message-rate", "1000000"]
        if let compactEvery { arguments += ["--compact-every", "\(compactEvery)"] }
        let relay = try RelayProcess(dataDirectory: dataDirectory, extraArguments: arguments,
                                     executable: weft.map { URL(fileURLWithPath: $0) } ?? beside)
        let base = "ws://127.0.0.1:\(relay.port)"
        let light = try DocumentName("fairness-light")
        let writers = try (0..<heavy).map { index in
            let document = try DocumentName("fairness-heavy-\(index)")
            return HeavyDocumentWriter(url: "\(base)/\(document)", document: document, replica: ReplicaID(UInt64(index + 2)), characters: characters)
        }
        let heavyRuns = writers.map { writer in Task { try await writer.run() } }
        while !writers.allSatisfy({ $0.signals.deleting.load(ordering: .relaxed) }) { try await Task.sleep(for: .milliseconds(20)) }

        let probe = HealthProbe(relay: relay, every: .milliseconds(50))
        let reader = ReadProbe(url: "\(base)/\(light)", document: light, every: .milliseconds(100))
        let typist = RelayLoadClient(url: "\(base)/\(light)", document: light, replica: ReplicaID(1), rate: rate, window: 1,
                                     duration: .seconds(seconds), phase: .zero, barrier: LoadBarrier(clients: 1))
        let typed = try await typist.run()
        let health = probe.finish()
        let reads = await reader.finish().map(Measure.milliseconds).sorted()
        let heavyBusy = writers.allSatisfy { !$0.signals.exhausted.load(ordering: .relaxed) }
        for writer in writers { writer.signals.stop.store(true, ordering: .relaxed) }
        var heavyFigures: [HeavyDocumentWriter.Figures] = []
        for run in heavyRuns { heavyFigures.append(try await run.value) }

        let acks = typed.latencies.map(Measure.milliseconds).sorted()
        let healthz = health.map(Measure.milliseconds).sorted()
        let deletions = heavyFigures.flatMap(\.deletionAcks).map(Measure.milliseconds).sorted()
        let number = Measure.figure
        print("{\"bench\":\"fairness\",\"heavy_documents\":\(heavy),\"rate\":\(number(rate)),\"seconds\":\(seconds),\"characters\":\(characters)"
              + ",\"compact_every\":\(compactEvery.map(String.init) ?? "\"default\""),\"heavy_batch_bytes\":\(heavyFigures.first?.batchBytes ?? 0)"
              + ",\"heavy_batches_acked\":\(deletions.count),\"heavy_ack_p50_ms\":\(number(Measure.percentile(deletions, 0.5)))"
              + ",\"light_batches\":\(typed.sent),\"light_ack_p50_ms\":\(number(Measure.percentile(acks, 0.5)))"
              + ",\"light_ack_p99_ms\":\(number(Measure.percentile(acks, 0.99))),\"light_ack_max_ms\":\(number(acks.last ?? 0))"
              + ",\"healthz_asked\":\(healthz.count),\"healthz_p99_ms\":\(number(Measure.percentile(healthz, 0.99)))"
              + ",\"healthz_max_ms\":\(number(healthz.last ?? 0)),\"reads\":\(reads.count)"
              + ",\"read_p99_ms\":\(number(Measure.percentile(reads, 0.99))),\"read_max_ms\":\(number(reads.last ?? 0))}")
        guard heavyBusy else {
            throw BenchmarkFailure("a heavy document ran out of deletions before the typist finished: raise --characters or lower --seconds")
        }
        guard deletions.count >= 2 * heavy else { throw BenchmarkFailure("fewer than two deletion batches a heavy document were acknowledged") }
    }
}
