import ArgumentParser

/// `weft-bench`: figures for the CRDT core on the editing traces. Build it in release:
/// `swift run -c release weft-bench trace ../shared/traces/sequential/automerge-paper.json.gz`.
@main
struct WeftBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-bench",
        abstract: "Benchmarks of Weft's text CRDT on real editing traces and of the relay under load; prints one JSON line per run.",
        subcommands: [TraceBenchmark.self, MergeBenchmark.self, RelayBenchmark.self, CrowdBenchmark.self, FairnessBenchmark.self, SyncBenchmark.self, EditorBenchmark.self, HistoryBenchmark.self]
    )
}

/// Options both benchmarks take.
struct BenchmarkOptions: ParsableArguments {
    @Argument(help: "A gzip'd JSON trace (see shared/traces/README.md).")
    var path: String

    @Option(help: "Timed repetitions; the median is reported.")
    var runs: Int = 5

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }
}
