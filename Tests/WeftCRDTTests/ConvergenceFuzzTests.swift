import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// Seeded fuzzing: replicas edit concurrently and exchange ops in random order, with duplicates
/// and delays; afterwards they must hold identical text, and no character typed and not deleted
/// may be missing. `WEFT_FUZZ_ROUNDS` runs many more rounds; a failure prints its seed.
@Suite(.ownThread) struct ConvergenceFuzzTests {
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE, 0xDEADBEEF, 20261122]
    static let rounds = Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120

    /// Text to insert: ASCII, accents as combining marks, CJK, emoji with modifiers and ZWJ, newlines.
    static let pieces: [String] = ["a", "b", "xyz", "hello ", "\n", "é", "e\u{301}", "日本", "👍🏽", "👩‍👩‍👧", "🇫🇷", "\t", "  ", "Ω"]

    struct Message {
        var ops: [Op]
        var sender: Int
    }

    @Test(arguments: seeds)
    func replicasConverge(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let replicaCount = 5
        var replicas: [Replica] = []
        for _ in 0..<replicaCount { replicas.append(Replica(replicaID: ReplicaID(random.next()))) }
        // Messages in flight to each replica; delivered in random order, some twice, some late.
        var inbox = Array(repeating: [Message](), count: replicaCount)
        /// Every character inserted, by id, and whether someone deleted it.
        var inserted: [CharID: Unicode.Scalar] = [:]
        var deleted: Set<CharID> = []

        func record(_ op: Op) {
            switch op {
            case .insert(let insertion):
                for (offset, scalar) in insertion.text.unicodeScalars.enumerated() {
                    inserted[CharID(replica: insertion.id.replica, counter: insertion.id.counter + UInt32(offset))] = scalar
                }
            case .delete(let deletion):
                for span in deletion.spans {
                    for counter in span.start.counter..<span.start.counter + span.length {
                        deleted.insert(CharID(replica: span.start.replica, counter: counter))
                    }
                }
            }
        }

        func deliver(to receiver: Int, count: Int) throws {
            for _ in 0..<count where !inbox[receiver].isEmpty {
                let index = Int.random(in: 0..<inbox[receiver].count, using: &random)
                let message = Int.random(in: 0..<10, using: &random) == 0
                    ? inbox[receiver][index]  // a duplicate: delivered now and again later
                    : inbox[receiver].remove(at: index)
                try replicas[receiver].apply(message.ops)
                replicas[receiver].checkInvariants()
            }
        }

        for round in 0..<Self.rounds {
            let author = Int.random(in: 0..<replicaCount, using: &random)
            var ops: [Op] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let length = replicas[author].count
                if length > 0, Int.random(in: 0..<3, using: &random) == 0 {
                    let start = Int.random(in: 0..<length, using: &random)
                    let end = min(length, start + Int.random(in: 1...6, using: &random))
                    if let op = try replicas[author].delete(start..<end) { ops.append(op) }
                } else {
                    let position = Int.random(in: 0...length, using: &random)
                    let text = Self.pieces.randomElement(using: &random)!
                    if let op = try replicas[author].insert(text, at: position) { ops.append(op) }
                }
                replicas[author].checkInvariants()
            }
            ops.forEach(record)
            for receiver in 0..<replicaCount where receiver != author {
                inbox[receiver].append(Message(ops: ops, sender: author))
            }
            // Deliver a few messages somewhere; the rest stay delayed.
            let receiver = Int.random(in: 0..<replicaCount, using: &random)
            try deliver(to: receiver, count: Int.random(in: 0...3, using: &random))
            if round % 40 == 39 {
                // A snapshot round trip mid-run must change nothing, pending ops included.
                let target = Int.random(in: 0..<replicaCount, using: &random)
                let loaded = try Replica(snapshot: replicas[target].encodeSnapshot(), replicaID: replicas[target].replicaID)
                loaded.checkInvariants()
                #expect(loaded.text == replicas[target].text, "seed \(seed): snapshot changed the text")
                #expect(loaded.version == replicas[target].version, "seed \(seed): snapshot changed the version")
                #expect(loaded.pendingCount == replicas[target].pendingCount, "seed \(seed): snapshot lost pending ops")
                replicas[target] = loaded
            }
        }
        for receiver in 0..<replicaCount {
            while !inbox[receiver].isEmpty { try deliver(to: receiver, count: inbox[receiver].count) }
        }

        let text = replicas[0].text
        for replica in replicas {
            #expect(replica.text == text, "seed \(seed): replicas diverged")
            #expect(replica.pendingCount == 0, "seed \(seed): ops left pending")
            #expect(replica.version == replicas[0].version, "seed \(seed): versions differ")
        }
        // Nothing typed and not deleted may vanish, nothing deleted may remain.
        let survivors = inserted.filter { !deleted.contains($0.key) }
        #expect(replicas[0].count == survivors.count, "seed \(seed): wrong visible count")
        var seen = 0
        for position in 0..<replicas[0].count {
            let id = replicas[0].id(at: position)
            if survivors[id] == replicas[0].scalar(at: position) { seen += 1 }
        }
        #expect(seen == survivors.count, "seed \(seed): characters changed or went missing")
        let loaded = try Replica(snapshot: replicas[0].encodeSnapshot(), replicaID: ReplicaID(42))
        #expect(loaded.text == text, "seed \(seed): final snapshot differs")
    }
}
