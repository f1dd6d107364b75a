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

    @Option(help: "Replay the trace this many times one after another, each after the text the one before left (a history this many times as long).")
    var repeating = 1

    func validate() throws {
        guard repeating >= 1 else { throw ValidationError("--repeating must be at least 1") }
    }

    func run() throws {
        let trace = try TraceLoader.sequential(URL(fileURLWithPath: options.path)).repeated(repeating)
        var result: Replica?
        let ms = try Measure.median(runs: options.runs) {
            let (replica, ops) = try TraceReplay.sequential(trace)
            precondition(!ops.isEmpty)
            result = replica
        }
        let replica = result!
        let figures = try SnapshotFigures(of: replica, runs: options.runs)
        print(BenchmarkResult(trace: repeating == 1 ? trace.name : "\(trace.name)×\(repeating)", mode: "local", edits: trace.patches.count, ms: ms,
                              ok: replica.text == trace.endContent, finalLength: replica.count,
                              snapshotBytes: figures.bytes, loadMs: figures.loadMs, heapBytes: figures.heapBytes,
                              runs: options.runs).json)
    }
}

extension SequentialTrace {
    /// The trace `count` times over: each repetition types its edits after the text the ones
    /// before left, so the history is `count` times as long and ends with `count` copies of the text.
    func repeated(_ count: Int) -> SequentialTrace {
        guard count > 1 else { return self }
        var trace = self
        let length = endContent.unicodeScalars.count
        for round in 1..<count {
            trace.patches += patches.map { patch in
                var moved = patch
                moved.position += round * length
                return moved
            }
        }
        trace.endContent = String(repeating: endContent, count: count)
        return trace
    }
}
