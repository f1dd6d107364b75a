import Testing
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// The map of retyped characters against a dictionary from each retyped id to its new id:
/// seeded records of spans (in document order, backwards as an undo walks, or anywhere), chains
/// of retyping the retyped, and after every record random ids and spans looked up in both.
@Suite("Retyped characters")
struct RetypedCharactersTests {
    @Test(arguments: [1, 2, 3, 20261205] as [UInt64])
    func lookupsAreTheModels(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var map = RetypedCharacters()
        var model: [CharID: CharID] = [:]
        let retyper = ReplicaID(9)
        var nextCounter: UInt32 = 0
        var known: [CharID] = []
        for replica in 1...3 { for counter in 0..<4_000 as Range<UInt32> { known.append(CharID(replica: ReplicaID(UInt64(replica)), counter: counter)) } }
        let backwards = Bool.random(using: &random)
        var cursor = known.count
        func modelCurrent(_ id: CharID) -> CharID {
            var id = id
            while let next = model[id] { id = next }
            return id
        }
        for step in 0..<3_000 {
            // Spans of ids not retyped yet, one to five characters each.
            var spans: [IDSpan] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let start: Int
                if backwards, step < 2_000 {
                    cursor = max(0, cursor - Int.random(in: 1...6, using: &random))
                    start = cursor
                } else {
                    start = Int.random(in: 0..<known.count, using: &random)
                }
                var length: UInt32 = 0
                let first = known[start]
                while length < UInt32.random(in: 1...5, using: &random), start + Int(length) < known.count,
                      case let id = known[start + Int(length)], id.replica == first.replica, id.counter == first.counter + length,
                      model[id] == nil, !spans.contains(where: { $0.start.replica == id.replica && UInt64(id.counter) >= UInt64($0.start.counter) && UInt64(id.counter) < $0.endCounter }) {
                    length += 1
                }
                if length > 0 { spans.append(IDSpan(start: first, length: length)) }
            }
            guard !spans.isEmpty else { continue }
            let target = CharID(replica: retyper, counter: nextCounter)
            map.record(spans, retypedFrom: target)
            for span in spans {
                for offset in 0..<span.length {
                    model[CharID(replica: span.start.replica, counter: span.start.counter + offset)] = CharID(replica: retyper, counter: nextCounter)
                    known.append(CharID(replica: retyper, counter: nextCounter))
                    nextCounter += 1
                }
            }
            for _ in 0..<20 {
                let id = known[Int.random(in: 0..<known.count, using: &random)]
                #expect(map.current(id) == modelCurrent(id), "seed \(seed) step \(step): \(id)")
                let span = IDSpan(start: id, length: UInt32.random(in: 1...12, using: &random))
                let expected = (0..<span.length).map { modelCurrent(CharID(replica: id.replica, counter: id.counter + $0)) }
                let found = map.current(span).flatMap { piece in (0..<piece.length).map { CharID(replica: piece.start.replica, counter: piece.start.counter + $0) } }
                #expect(found == expected, "seed \(seed) step \(step): span \(span)")
            }
        }
    }
}
