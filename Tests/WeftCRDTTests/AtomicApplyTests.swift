import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// `applyAtomically` against its model, plain `apply` on a throwaway copy: for batches a relay
/// might be sent, valid ones and ones broken in every way a hostile or buggy client could break
/// them (right origin before left, origins not yet typed, counters that skip, deletions of
/// characters nobody typed, a bad op after good ones that it depends on), it accepts exactly the
/// batches that apply whole with nothing waiting, and after a refusal the replica is exactly as
/// it was: same text, version and snapshot, and it goes on taking later batches like a replica
/// that never saw the refused one.
@Suite(.serialized, .ownThread) struct AtomicApplyTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xA70_111C, 20261202]
    static let pieces = ["a", "bc", "hello ", "\n", "é", "日本", "👍🏽"]

    @Test(arguments: seeds)
    func refusedBatchesChangeNothingAndTheRestApply(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var sender = Replica(replicaID: ReplicaID(0x5E))
        var other = Replica(replicaID: ReplicaID(0x07))
        var relay = Replica(replicaID: ReplicaID(0))
        var control = Replica(replicaID: ReplicaID(0))
        var refused = 0
        for step in 0..<400 {
            // Someone else types too, so batches reach across replicas.
            if Int.random(in: 0..<4, using: &random) == 0 {
                let op = try #require(try other.insert(Self.pieces.randomElement(using: &random)!, at: Int.random(in: 0...other.count, using: &random)))
                try sender.apply(op)
                try relay.applyAtomically([op])
                try control.apply(op)
            }
            var ops: [Op] = []
            var scratch = sender
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                if scratch.count > 0, Bool.random(using: &random) {
                    let start = Int.random(in: 0..<scratch.count, using: &random)
                    if let op = try scratch.delete(start..<min(scratch.count, start + Int.random(in: 1...4, using: &random))) { ops.append(op) }
                } else if let op = try scratch.insert(Self.pieces.randomElement(using: &random)!, at: Int.random(in: 0...scratch.count, using: &random)) {
                    ops.append(op)
                }
            }
            let broken = Int.random(in: 0..<3, using: &random) == 0
            if broken { ops = Self.breakOne(ops, in: relay, random: &random) }

            // The model: plain apply on a copy, whole and with nothing left waiting.
            var model = relay
            let applies = (try? model.apply(ops)) != nil && model.pendingCount == relay.pendingCount
            let before = (text: relay.text, version: relay.version, snapshot: relay.encodeSnapshot())
            do {
                try relay.applyAtomically(ops)
                #expect(applies, "seed \(seed) step \(step): took a batch plain apply refuses or leaves waiting")
                try control.apply(ops)
                if !broken { sender = scratch }
            } catch {
                refused += 1
                #expect(!applies || broken, "seed \(seed) step \(step): refused a valid batch: \(error)")
                #expect(relay.text == before.text && relay.version == before.version, "seed \(seed) step \(step): a refused batch changed the document")
                #expect(relay.encodeSnapshot() == before.snapshot, "seed \(seed) step \(step): a refused batch changed the state")
            }
            if step % 20 == 0 { relay.checkInvariants() }
            #expect(relay.text == control.text, "seed \(seed) step \(step): the relay and a replica that never saw refused batches differ")
            if relay.text != control.text { return }
        }
        relay.checkInvariants()
        #expect(refused > 20, "seed \(seed): only \(refused) batches were refused: the breaker is not breaking")
        #expect(try Replica(snapshot: relay.encodeSnapshot(), replicaID: ReplicaID(9)).text == control.text)
    }

    /// The relay hardening case: "abc", then "x" between right origin (R,0) and left origin (R,2).
    @Test func aRightOriginBeforeTheLeftOneIsRefusedWhole() throws {
        let r = ReplicaID(0x1111_1111_1111_1111)
        var relay = Replica(replicaID: ReplicaID(0))
        try relay.applyAtomically([.insert(Insertion(id: CharID(replica: r, counter: 0), originLeft: nil, originRight: nil, text: "abc"))])
        let before = relay.encodeSnapshot()
        // A good op first, then the bad one: the good one must not stay either.
        let batch: [Op] = [
            .insert(Insertion(id: CharID(replica: r, counter: 3), originLeft: CharID(replica: r, counter: 2), originRight: nil, text: "d")),
            .insert(Insertion(id: CharID(replica: r, counter: 4), originLeft: CharID(replica: r, counter: 2), originRight: CharID(replica: r, counter: 0), text: "x")),
        ]
        #expect(throws: CRDTError.self) { try relay.applyAtomically(batch) }
        #expect(relay.text == "abc" && relay.encodeSnapshot() == before)
        try relay.applyAtomically([batch[0]])
        #expect(relay.text == "abcd")
    }

    /// Breaks one op of `ops` (or appends a broken one) the way a hostile client might.
    static func breakOne(_ ops: [Op], in document: Replica, random: inout SeededGenerator) -> [Op] {
        var ops = ops
        let index = Int.random(in: 0..<ops.count, using: &random)
        switch (ops[index], Int.random(in: 0..<5, using: &random)) {
        case (.insert(var insertion), 0) where insertion.originLeft != nil && insertion.originRight != nil:
            swap(&insertion.originLeft, &insertion.originRight)
            ops[index] = .insert(insertion)
        case (.insert(var insertion), 1):
            insertion.originLeft = CharID(replica: ReplicaID(0xBAD), counter: 3)
            ops[index] = .insert(insertion)
        case (.insert(var insertion), 2):
            insertion.id.counter += 50
            ops[index] = .insert(insertion)
        case (.insert(var insertion), 3) where insertion.originLeft != nil:
            insertion.originRight = insertion.originLeft
            ops[index] = .insert(insertion)
        default:
            // A deletion of characters nobody typed, after everything else.
            ops.append(.delete(Deletion(spans: [IDSpan(start: CharID(replica: ReplicaID(0xBAD), counter: 0), length: 2)])))
        }
        // Sometimes a good op follows that builds on the broken batch, so more than one op is undone.
        if Bool.random(using: &random), case .insert(let last)? = ops.last {
            ops.append(.insert(Insertion(id: CharID(replica: last.id.replica, counter: last.id.counter + UInt32(last.length)),
                                         originLeft: CharID(replica: last.id.replica, counter: last.id.counter + UInt32(last.length) - 1),
                                         originRight: last.originRight, text: "z")))
        }
        return ops
    }
}
