import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// `restorationOps` and `merge(snapshot:)` against the model of ordinary delivery: replicas edit
/// concurrently and see only part of each other's ops; a copy rebuilt from restoration ops, and
/// copies that merge each other's snapshots, must hold exactly what a replica that received every
/// op the ordinary way holds (same text, same version, same order of concurrent insertions),
/// and restoring twice changes nothing.
@Suite(.serialized, .ownThread) struct RestorationTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xBAC_C0DE, 20261202]
    static let pieces = ["a", "bc", "hello ", "\n", "é", "日本", "👍🏽", "  "]

    @Test(arguments: seeds)
    func restoredAndMergedCopiesMatchOrdinaryDelivery(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var replicas = (0..<4).map { _ in Replica(replicaID: ReplicaID(random.next() | 1)) }
        var everything = Replica(replicaID: ReplicaID(2))
        for round in 0..<150 {
            let author = Int.random(in: 0..<replicas.count, using: &random)
            var ops: [Op] = []
            let count = replicas[author].count
            if count > 0, Int.random(in: 0..<3, using: &random) == 0 {
                let start = Int.random(in: 0..<count, using: &random)
                if let op = try replicas[author].delete(start..<min(count, start + Int.random(in: 1...5, using: &random))) { ops.append(op) }
            } else {
                let text = Self.pieces.randomElement(using: &random)!
                if let op = try replicas[author].insert(text, at: Int.random(in: 0...count, using: &random)) { ops.append(op) }
            }
            try everything.apply(ops)
            // Only some replicas hear of it now: the copies drift apart, as offline people's do.
            for other in replicas.indices where other != author && Int.random(in: 0..<3, using: &random) == 0 {
                try replicas[other].apply(ops)
            }
            if round % 30 == 29 {
                // Two copies heal each other through snapshots, whatever each lacked.
                let (a, b) = (Int.random(in: 0..<4, using: &random), Int.random(in: 0..<4, using: &random))
                let snapshotA = replicas[a].encodeSnapshot(), snapshotB = replicas[b].encodeSnapshot()
                try replicas[a].merge(snapshot: snapshotB)
                try replicas[b].merge(snapshot: snapshotA)
                replicas[a].checkInvariants()
                #expect(replicas[a].text == replicas[b].text, "seed \(seed) round \(round): merged copies differ")
                #expect(replicas[a].version == replicas[b].version, "seed \(seed) round \(round): merged versions differ")
            }
        }
        // Rebuilt op by op from one copy's restoration ops, nothing ever waits.
        for source in replicas {
            var rebuilt = Replica(replicaID: ReplicaID(3))
            for op in source.restorationOps() {
                try rebuilt.apply(op)
                #expect(rebuilt.pendingCount == 0, "seed \(seed): a restoration op waited for a later one")
            }
            rebuilt.checkInvariants()
            #expect(rebuilt.text == source.text, "seed \(seed): the rebuilt copy has other text")
            #expect(rebuilt.version == source.version, "seed \(seed): the rebuilt copy has another version")
        }
        // Every copy merging every other's state ends where ordinary delivery of every op ends.
        let snapshots = replicas.map { $0.encodeSnapshot() }
        for index in replicas.indices {
            for snapshot in snapshots { try replicas[index].merge(snapshot: snapshot) }
            let before = replicas[index].text
            try replicas[index].merge(snapshot: snapshots[(index + 1) % snapshots.count])
            #expect(replicas[index].text == before, "seed \(seed): merging twice changed the text")
            #expect(replicas[index].text == everything.text, "seed \(seed): merged copy \(index) differs from ordinary delivery")
            #expect(replicas[index].version == everything.version, "seed \(seed): merged copy \(index) has another version")
            replicas[index].checkInvariants()
        }
    }

    @Test func deletedTextStaysDeletedAndEmptyIsEmpty() throws {
        var source = Replica(replicaID: ReplicaID(1))
        try source.insert("hello world", at: 0)
        try source.delete(0..<6)
        var reader = Replica(replicaID: ReplicaID(9))
        try reader.apply(source.restorationOps())
        #expect(reader.text == "world")
        #expect(reader.version == source.version)
        #expect(Replica(replicaID: ReplicaID(4)).restorationOps().isEmpty)
    }
}
