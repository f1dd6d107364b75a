import Testing
import WeftCRDT
import WeftTestSupport
import WeftTestTraits

/// `visibleRanges(of:)` against the model of asking for each character alone, on documents that
/// several replicas edited concurrently (spans split by insertions inside them, partly deleted).
@Suite(.serialized, .ownThread) struct SpanPositionTests {
    static let seeds: [UInt64] = [1, 2, 3, 0x5EED, 20261202]

    @Test(arguments: seeds)
    func rangesAreWhereEachCharacterIs(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var replicas = (0..<3).map { _ in Replica(replicaID: ReplicaID(random.next() | 1)) }
        var inserted: [IDSpan] = []
        for step in 0..<400 {
            let author = Int.random(in: 0..<replicas.count, using: &random)
            let count = replicas[author].count
            let op: Op?
            if count > 0, Int.random(in: 0..<3, using: &random) == 0 {
                let start = Int.random(in: 0..<count, using: &random)
                op = try replicas[author].delete(start..<min(count, start + Int.random(in: 1...8, using: &random)))
            } else {
                let text = String(repeating: "ab日\n", count: Int.random(in: 1...20, using: &random))
                op = try replicas[author].insert(text, at: Int.random(in: 0...count, using: &random))
                if case .insert(let insertion)? = op { inserted.append(IDSpan(start: insertion.id, length: UInt32(insertion.length))) }
            }
            for other in replicas.indices where other != author { if let op { try replicas[other].apply([op]) } }
            // Spans of any replica, some this one has not heard of (a counter past its count).
            let document = replicas[Int.random(in: 0..<replicas.count, using: &random)]
            var spans = (0..<Int.random(in: 1...4, using: &random)).compactMap { _ in inserted.randomElement(using: &random) }
            if let any = inserted.randomElement(using: &random) { spans.append(IDSpan(start: any.start, length: any.length + 50)) }
            #expect(document.visibleRanges(of: spans) == Self.model(document, spans), "seed \(seed) step \(step)")
        }
    }

    /// Each character on its own: where it is if still there, runs of neighbours joined.
    static func model(_ replica: Replica, _ spans: [IDSpan]) -> [Range<Int>] {
        var positions = Set<Int>()
        for span in spans {
            for index in 0..<span.length {
                let id = CharID(replica: span.start.replica, counter: span.start.counter + index)
                if let position = replica.position(of: .before(id)), position < replica.count, replica.id(at: position) == id {
                    positions.insert(position)
                }
            }
        }
        var ranges: [Range<Int>] = []
        for position in positions.sorted() {
            if let last = ranges.last, last.upperBound == position { ranges[ranges.count - 1] = last.lowerBound..<position + 1 } else { ranges.append(position..<position + 1) }
        }
        return ranges
    }
}
