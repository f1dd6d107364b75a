import Testing
import WeftCRDT
import WeftTestSupport

/// The start of a snapshot's text, read without building the document, is exactly the start of
/// the document's text, in every form a snapshot may be written; a snapshot cut short gives
/// nothing rather than something else.
@Suite struct SnapshotTextPrefixTests {
    static let pieces = ["a", "word ", "line\n", "日本語", "🧵", "e\u{301}", "\n\n", "tab\t"]

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func thePrefixIsTheTextsStart(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var replicas = (1...3).map { Replica(replicaID: ReplicaID(UInt64($0) * 0x1111)) }
        for step in 0..<300 {
            let index = Int.random(in: 0..<replicas.count, using: &random)
            var ops: [Op] = []
            if replicas[index].count > 0, Bool.random(using: &random), Int.random(in: 0..<3, using: &random) == 0 {
                let start = Int.random(in: 0..<replicas[index].count, using: &random)
                let end = min(replicas[index].count, start + Int.random(in: 1...8, using: &random))
                if let op = try replicas[index].delete(start..<end) { ops.append(op) }
            } else {
                let text = (0..<Int.random(in: 1...4, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
                if let op = try replicas[index].insert(text, at: Int.random(in: 0...replicas[index].count, using: &random)) { ops.append(op) }
            }
            // Others see it at once or later: exchange everything now and then.
            if step % 7 == 0 {
                let all = replicas.map { $0.restorationOps() }
                for other in replicas.indices { for batch in all { try replicas[other].apply(batch) } }
            } else {
                try replicas[(index + 1) % replicas.count].apply(ops)
            }
            if step % 25 == 0 { try check(replicas[index], random: &random, seed: seed, step: step) }
        }
    }

    private func check(_ replica: Replica, random: inout SeededGenerator, seed: UInt64, step: Int) throws {
        let text = replica.text
        let utf8 = Array(text.utf8)
        for choices in [SnapshotChoices.canonical, SnapshotChoices(tableOrder: .local, referencesEverywhere: true, explicitZeroOffsets: true)] {
            let bytes = replica.encodeSnapshot(choices)
            for limit in [0, 1, 2, 3, 5, 64, Int.random(in: 0...(utf8.count + 2), using: &random), Int.max] {
                let preview = try #require(Replica.visibleTextPrefix(ofSnapshot: bytes, limit: limit), "seed \(seed) step \(step)")
                var end = min(limit, utf8.count)
                while end < utf8.count, end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
                #expect(preview.text == String(decoding: utf8[0..<end], as: UTF8.self), "seed \(seed) step \(step) limit \(limit)")
                #expect(preview.totalBytes == utf8.count && preview.totalScalars == replica.count, "seed \(seed) step \(step)")
            }
            let cut = Int.random(in: 0..<bytes.count, using: &random)
            if let partial = Replica.visibleTextPrefix(ofSnapshot: Array(bytes[0..<cut]), limit: 64) {
                #expect(text.utf8.starts(with: partial.text.utf8), "seed \(seed) step \(step): a cut snapshot gave other text")
                #expect(partial.text.utf8.count == min(64, utf8.count) || partial.text.utf8.count >= min(64, utf8.count) - 3, "seed \(seed) step \(step)")
            }
        }
        #expect(Replica.visibleTextPrefix(ofSnapshot: Array("not a snapshot".utf8), limit: 10) == nil)
    }
}
