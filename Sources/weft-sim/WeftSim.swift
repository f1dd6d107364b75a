import ArgumentParser
import Foundation
import WeftSimulation

/// Runs the deterministic simulation of clients, relays and their store: one seed, several, or
/// seeds for a length of time (a soak). A failure prints its seed and events; the same command
/// with `--seed` replays it exactly.
@main
struct WeftSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weft-sim",
        abstract: "Simulates Weft clients and relays under seeded faults on a virtual clock and checks that nothing typed is lost."
    )

    @Option(help: "The first seed (default: one drawn from the time of day).")
    var seed: UInt64?

    @Option(help: "How many seeds to run, from --seed on (ignored with --minutes or --seconds).")
    var seeds: Int = 1

    @Option(help: "Run seeds for this many minutes (a soak).")
    var minutes: Double?

    @Option(help: "Run seeds for this many seconds.")
    var seconds: Double?

    @Option(help: "Events per run before the faults stop and everything must settle.")
    var steps: Int = 20_000

    @Option(help: "Clients that edit.")
    var clients: Int = 4

    @Option(help: "Clients that only read.")
    var readOnlyClients: Int = 1

    @Option(help: "Relays sharing the one store.")
    var relays: Int = 2

    @Option(help: "The largest paste, in characters.")
    var maxPaste: Int = 3 << 20

    @Flag(help: "Run without faults (only the workload and message delays).")
    var noFaults = false

    @Flag(help: "On a failure, also find the fewest steps that still fail.")
    var shortest = false

    mutating func validate() throws {
        guard clients >= 1, readOnlyClients >= 0, relays >= 1, steps >= 0, seeds >= 1, maxPaste >= 1 else {
            throw ValidationError("--clients, --relays and --seeds must be at least 1; --steps, --read-only-clients at least 0")
        }
    }

    func run() throws {
        let first = seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        let limit = (minutes.map { $0 * 60 } ?? seconds).map { Date().addingTimeInterval($0) }
        let started = Date()
        var totals = SimulationReport()
        var runs = 0
        var next = first
        while limit.map({ Date() < $0 }) ?? (runs < seeds) {
            let options = SimulationOptions(seed: next, steps: steps, clients: clients, readOnlyClients: readOnlyClients, relays: relays,
                                            faults: !noFaults, maxPaste: maxPaste)
            let runStarted = Date()
            switch SimulationRunner.run(options) {
            case .success(let report):
                runs += 1
                print(Self.line(seed: next, report, wall: Date().timeIntervalSince(runStarted)))
                fflush(nil)  // a soak's progress shows in a file as it goes
                totals.steps += report.steps
                totals.clientNanoseconds += report.clientNanoseconds
                totals.virtualNanoseconds += report.virtualNanoseconds
                totals.edits += report.edits
                totals.batchesCommitted += report.batchesCommitted
            case .failure(let failure):
                print(failure)
                if shortest {
                    let short = SimulationRunner.shortest(failure)
                    print("\nshortest run that fails (\(short.options.steps) steps):\n\(short)")
                }
                print("seed \(next) failed after \(runs) passing seeds and \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
                throw ExitCode.failure
            }
            next &+= 1
        }
        let wall = Date().timeIntervalSince(started)
        let clientHours = Double(totals.clientNanoseconds) / 3.6e12
        print(String(format: "%d seeds passed in %.1f s: %d events (%.0f events/s), %d edits, %d batches committed, %.2f simulated client-hours (%.2f client-hours per wall-clock minute)",
                     runs, wall, totals.steps, Double(totals.steps) / max(wall, 1e-9), totals.edits, totals.batchesCommitted,
                     clientHours, clientHours / max(wall / 60, 1e-9)))
    }

    static func line(seed: UInt64, _ report: SimulationReport, wall: Double) -> String {
        let faults = report.faults.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return String(format: "seed %llu: ok in %.2f s; %d events over %.0f virtual s, %d edits (largest paste %d), %d batches, final length %d, settled %.1f s after healing; faults: %@",
                      seed, wall, report.steps, Double(report.virtualNanoseconds) / 1e9, report.edits, report.largestPaste, report.batchesCommitted,
                      report.finalLength, Double(report.settleNanoseconds) / 1e9, faults)
    }
}
