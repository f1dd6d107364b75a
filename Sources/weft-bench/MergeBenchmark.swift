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
        // Agent order: a hash of the agent number made a deletion of git-makefile-x2 reach past
        // the end of the text (see TraceReplay.concurrent); in agent order every trace replays.
        let (ops, agents) = try TraceReplay.concurrent(trace, ids: TraceReplay.agentOrder)
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
        // Correct means converged: the receiver holds what every agent holds once it has every op.
        // The trace's own end text is reached only where this tie-break agrees with the
        // recording editor's, which the trace does not record (it names agents by number only).
        let converged = replica.pendingCount == 0 && agents.allSatisfy { $0.text == replica.text && $0.pendingCount == 0 }
        var figuresLine = BenchmarkResult(trace: trace.name, mode: "merge", edits: trace.transactions.reduce(0) { $0 + $1.patches.count },
                                     ms: ms, ok: converged,
                                     finalLength: replica.count, snapshotBytes: figures.bytes, loadMs: figures.loadMs,
                                     heapBytes: figures.heapBytes, runs: options.runs)
        figuresLine.endContent = replica.text == trace.endContent
        print(figuresLine.json)
    }
}
