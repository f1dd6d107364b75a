import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// `OpCodec.split` against its model, applying the ops whole: for random edits of every size by
/// several replicas (insertions from one scalar to tens of thousands, deletions across many runs),
/// every piece encodes within the budget and applying the pieces in order leaves exactly the
/// document that applying the ops whole leaves.
@Suite(.serialized, .ownThread) struct OpSplitTests {
    static let seeds: [UInt64] = [1, 2, 3, 0x5EED_5011, 20261202]
    static let pieces = ["a", "é", "日本語", "👍🏽", "👩‍👩‍👧", "\n", "hello world ", "e\u{301}"]

    @Test(arguments: seeds)
    func piecesFitTheBudgetAndApplyLikeTheWhole(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var authors = (0..<3).map { _ in Replica(replicaID: ReplicaID(random.next() | 1)) }
        var whole = Replica(replicaID: ReplicaID(7))
        var pieced = Replica(replicaID: ReplicaID(8))
        for step in 0..<200 {
            let index = Int.random(in: 0..<authors.count, using: &random)
            var ops: [Op] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let count = authors[index].count
                if count > 0, Bool.random(using: &random) {
                    let start = Int.random(in: 0..<count, using: &random)
                    let length = Int.random(in: 1...(Bool.random(using: &random) ? 4 : count), using: &random)
                    if let op = try authors[index].delete(start..<min(count, start + length)) { ops.append(op) }
                } else {
                    let size = [1, 3, 40, 900, 6_000].randomElement(using: &random)!
                    var text = ""
                    var scalars = 0
                    while scalars < size {
                        let piece = Self.pieces.randomElement(using: &random)!
                        text += piece
                        scalars += piece.unicodeScalars.count
                    }
                    let at = Int.random(in: 0...count, using: &random)
                    if let op = try authors[index].insert(text, at: at) { ops.append(op) }
                }
            }
            // Everyone sees everything, so later edits reach across authors' text.
            for other in authors.indices where other != index { try authors[other].apply(ops) }
            let budget = [OpCodec.minimumSplitBytes, 200, 1_000, 64 << 10].randomElement(using: &random)!
            let batches = OpCodec.split(ops, maxBytes: budget)
            for batch in batches {
                let bytes = OpCodec.encode(batch).count
                #expect(bytes <= budget, "seed \(seed) step \(step): a piece of \(bytes) bytes over a budget of \(budget)")
                #expect(!batch.isEmpty, "seed \(seed) step \(step): an empty piece")
            }
            try whole.apply(ops)
            for batch in batches { try pieced.apply(batch) }
            if step % 25 == 0 { pieced.checkInvariants() }
            #expect(pieced.text == whole.text, "seed \(seed) step \(step): split ops left another text")
            #expect(pieced.version == whole.version, "seed \(seed) step \(step): split ops left another version")
            #expect(pieced.pendingCount == 0, "seed \(seed) step \(step): split ops wait for each other")
            if pieced.text != whole.text { return }
        }
        // Concurrent insertions at the split ops' places still order as against the whole ops.
        let snapshotWhole = try Replica(snapshot: whole.encodeSnapshot(), replicaID: ReplicaID(9))
        let snapshotPieced = try Replica(snapshot: pieced.encodeSnapshot(), replicaID: ReplicaID(9))
        #expect(snapshotWhole.text == snapshotPieced.text, "seed \(seed): snapshots differ")
    }

    @Test func aHugeInsertionBecomesBatchesUnderTheLimit() throws {
        var author = Replica(replicaID: ReplicaID(3))
        let text = String(repeating: "0123456789abcdef\n", count: 200_000)  // 3.4 MB
        let op = try #require(try author.insert(text, at: 0))
        let batches = OpCodec.split([op], maxBytes: 512 << 10)
        #expect(batches.count == 7)
        #expect(batches.allSatisfy { OpCodec.encode($0).count <= 512 << 10 })
        var reader = Replica(replicaID: ReplicaID(4))
        for batch in batches { try reader.apply(batch) }
        #expect(reader.text == text)
    }

    @Test func noOpsMakeNoBatches() {
        #expect(OpCodec.split([], maxBytes: 1_000).isEmpty)
    }
}
