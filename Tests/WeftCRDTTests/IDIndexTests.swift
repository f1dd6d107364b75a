import Testing
import WeftTestTraits
import WeftTestSupport
@testable import WeftCRDT

/// The id index by runs of counters against its model, a leaf per counter: seeded sequences of
/// new replicas, appends of every length, leaf splits moving scattered ranges, and atomic scopes
/// rolled back or kept; after every step each counter's leaf is the model's and the tables are
/// as compact as they can be.
@Suite(.ownThread) struct IDIndexTests {
    @Test(arguments: [1, 2, 3, 0x1D_1DE8, 20261203] as [UInt64])
    func everyCounterFindsTheModelsLeaf(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var index = IDIndex()
        var model: [[UInt32]] = [[]]
        var nextLeaf: UInt32 = 0
        var saved: (model: [[UInt32]], counts: [UInt32])?
        for step in 0..<1500 {
            switch Int.random(in: 0..<20, using: &random) {
            case 0 where model.count < 6:
                index.addReplica()
                model.append([])
            case 1...9:
                // New characters land in a recent leaf or a new one.
                let replica = Int.random(in: 0..<model.count, using: &random)
                let leaf = Bool.random(using: &random) || nextLeaf == 0 ? nextLeaf : UInt32.random(in: 0..<nextLeaf, using: &random)
                if leaf == nextLeaf { nextLeaf += 1 }
                let length = [1, 1, 2, 7, 40, 300].randomElement(using: &random)!
                index.append(replica: UInt32(replica), counter: UInt32(model[replica].count), leaf: leaf)
                model[replica].append(contentsOf: repeatElement(leaf, count: length))
            case 10...15:
                // A split: some ranges of one replica move to a new leaf.
                let replica = Int.random(in: 0..<model.count, using: &random)
                guard !model[replica].isEmpty else { continue }
                var ranges: [Range<UInt32>] = []
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let start = Int.random(in: 0..<model[replica].count, using: &random)
                    let end = min(model[replica].count, start + Int.random(in: 1...300, using: &random))
                    // Runs never overlap; touching ones may come in any order.
                    if ranges.contains(where: { $0.overlaps(UInt32(start)..<UInt32(end)) }) { continue }
                    ranges.append(UInt32(start)..<UInt32(end))
                }
                let leaf = nextLeaf
                nextLeaf += 1
                index.move(replica: UInt32(replica), ranges: ranges, count: UInt32(model[replica].count), to: leaf)
                for range in ranges { for counter in range { model[replica][Int(counter)] = leaf } }
            case 16, 17 where saved == nil:
                index.beginJournal()
                saved = (model, model.map { UInt32($0.count) })
            case 18 where saved != nil:
                index.rollBack(counts: saved!.counts)
                model = saved!.model
                saved = nil
            case 19 where saved != nil:
                index.endJournal()
                saved = nil
            default:
                continue
            }
            check(index, against: model, seed: seed, step: step, random: &random)
        }
    }

    private func check(_ index: IDIndex, against model: [[UInt32]], seed: UInt64, step: Int, random: inout SeededGenerator) {
        #expect(index.entries.count == model.count, "seed \(seed) step \(step): \(index.entries.count) tables for \(model.count) replicas")
        for (replica, leaves) in model.enumerated() {
            // Exactly one entry per change of leaf along the counters: as compact as it can be.
            let expected = leaves.indices.filter { $0 == 0 || leaves[$0] != leaves[$0 - 1] }.map { IDIndex.Entry(start: UInt32($0), leaf: leaves[$0]) }
            #expect(index.entries[replica] == expected, "seed \(seed) step \(step): replica \(replica) has \(index.entries[replica]), the model \(expected)")
            guard !leaves.isEmpty else { continue }
            for _ in 0..<20 {
                let counter = Int.random(in: 0..<leaves.count, using: &random)
                let found = index.leaf(replica: UInt32(replica), counter: UInt32(counter))
                #expect(found == leaves[counter], "seed \(seed) step \(step): replica \(replica) counter \(counter) is in leaf \(leaves[counter]), the index says \(found)")
            }
        }
    }
}
