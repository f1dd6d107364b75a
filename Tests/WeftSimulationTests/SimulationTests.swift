import Testing
import WeftSimulation
import WeftTestTraits

/// The whole system under seeded faults: clients, relays and their store on a virtual clock. A
/// failure names its seed and the events before it; `weft-sim --seed N` with the options it
/// prints replays it exactly.
@Suite(.serialized, .ownThread) struct SimulationTests {
    /// Seeds with pastes up to 100 000 characters: many faults, fast runs.
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]
    /// Seeds whose pastes reach 1.2 million characters, over the protocol's batch limit (the
    /// client cuts them into batches; a relay refusing one would fail the run).
    static let largePasteSeeds: [UInt64] = [10, 12]

    func expectPasses(_ options: SimulationOptions) {
        switch SimulationRunner.run(options) {
        case .success(let report):
            #expect(report.edits > 0 && report.batchesCommitted > 0, "seed \(options.seed) did nothing")
        case .failure(let failure):
            Issue.record("\(failure)")
        }
    }

    @Test(arguments: seeds) func nothingTypedIsLostUnderFaults(seed: UInt64) {
        expectPasses(SimulationOptions(seed: seed, steps: 2_500, maxPaste: 100_000))
    }

    @Test(arguments: largePasteSeeds) func pastesOverTheBatchLimitArriveWhole(seed: UInt64) {
        expectPasses(SimulationOptions(seed: seed, steps: 2_500, maxPaste: 1_200_000))
    }

    /// Seeds whose store is both restored from an older backup and lost altogether (with the
    /// relays stopped meanwhile): copies give back what it lost, and nothing typed is lost.
    static let storeLossSeeds: [UInt64] = [15, 19, 21]

    @Test(arguments: storeLossSeeds) func theStoreGoingBackOrLostLosesNothingTyped(seed: UInt64) {
        let options = SimulationOptions(seed: seed, steps: 2_500, maxPaste: 100_000)
        switch SimulationRunner.run(options) {
        case .success(let report):
            #expect(report.faults["store restored from a backup", default: 0] > 0 && report.faults["store lost", default: 0] > 0,
                    "seed \(seed) did not both restore and lose the store: \(report.faults)")
        case .failure(let failure):
            Issue.record("\(failure)")
        }
    }

    /// Three relays, six writers and two readers on one store.
    @Test func manyClientsOnManyRelays() {
        expectPasses(SimulationOptions(seed: 31, steps: 3_000, clients: 6, readOnlyClients: 2, relays: 3, maxPaste: 50_000))
    }

    /// A seed is a run: the same options give the same events and the same outcome.
    @Test func aSeedReplaysExactly() throws {
        let options = SimulationOptions(seed: 5, steps: 1_500, maxPaste: 20_000)
        guard case .success(let first) = SimulationRunner.run(options), case .success(let second) = SimulationRunner.run(options) else {
            Issue.record("seed 5 failed")
            return
        }
        #expect(first.steps == second.steps)
        #expect(first.virtualNanoseconds == second.virtualNanoseconds)
        #expect(first.edits == second.edits && first.batchesCommitted == second.batchesCommitted)
        #expect(first.finalLength == second.finalLength && first.faults == second.faults)
    }
}
