import ArgumentParser
import Foundation
import WeftCRDT
import WeftTestSupport

/// `weft-bench merge PATH`: a late joiner receiving every transaction of a concurrent trace.
struct MergeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Apply every agent's ops of a concurrent trace to a fresh replica, message by message, in causal order."
    )

    @OptionGroup var options: BenchmarkOptions

    func run() throws {
        let trace = try TraceLoader.concurrent(URL(fileURLWithPath: options.path))
        let (ops, _) = try TraceReplay.concurrent(trace)
        // Messages as they would arrive over the wire: decoding is part of the receiver's work.
        let messages = ops.filter { !$0.isEmpty }.map(OpCodec.encode)
        var result: Replica?
        let ms = try Measure.median(runs: options.runs) {
            var receiver = Replica(replicaID: ReplicaID(0xFEED))
            for message in messages { try receiver.apply(OpCodec.decode(message)) }
            result = receiver
        }
        let replica = result!
        let figures = try SnapshotFigures(of: replica, runs: options.runs)
        print(BenchmarkResult(trace: trace.name, mode: "merge", edits: trace.transactions.reduce(0) { $0 + $1.patches.count },
                              ms: ms, ok: replica.text == trace.endContent && replica.pendingCount == 0,
                              finalLength: replica.count, snapshotBytes: figures.bytes, loadMs: figures.loadMs,
                              heapBytes: figures.heapBytes, runs: options.runs).json)
    }
}
