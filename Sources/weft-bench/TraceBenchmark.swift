import ArgumentParser
import Foundation
import WeftCRDT
import WeftTestSupport

/// `weft-bench trace PATH`: a sequential trace replayed as local edits, each producing its op.
struct TraceBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Replay a sequential trace as local edits (each producing the op it would send)."
    )

    @OptionGroup var options: BenchmarkOptions

    func run() throws {
        let trace = try TraceLoader.sequential(URL(fileURLWithPath: options.path))
        var result: Replica?
        let ms = try Measure.median(runs: options.runs) {
            let (replica, ops) = try TraceReplay.sequential(trace)
            precondition(!ops.isEmpty)
            result = replica
        }
        let replica = result!
        let figures = try SnapshotFigures(of: replica, runs: options.runs)
        print(BenchmarkResult(trace: trace.name, mode: "local", edits: trace.patches.count, ms: ms,
                              ok: replica.text == trace.endContent, finalLength: replica.count,
                              snapshotBytes: figures.bytes, loadMs: figures.loadMs, heapBytes: figures.heapBytes,
                              runs: options.runs).json)
    }
}
