import WeftCRDT
import WeftTestSupport

/// Makes the files of `Conformance/crdt`: scenarios of replicas editing concurrently, their
/// batches delivered to one receiver in many orders, and what Weft holds afterwards
/// (`CRDTVectorRecorder`). Deterministic: the same code makes the same bytes.
enum CRDTVectorGenerator {
    static func files() -> [(name: String, file: CRDTVectorFile)] {
        [
            ("concurrent.json", "Insertions at one place by 2 to 4 replicas that did not see each other's, typed forwards, backwards or both, delivered in five orders.", concurrent()),
            ("deletions.json", "Deletions of text others delete, type into or type next to at the same time.", deletions()),
            ("waiting.json", "Ops delivered before what they refer to: they wait, and apply when it comes; some still wait at the end.", waiting()),
            ("duplicates.json", "The same ops delivered several times, and cut into pieces differently on the way.", duplicates()),
            ("random.json", "Random editing sessions of 3 or 4 replicas that sync now and then, delivered shuffled with repeats.", random()),
            ("snapshots.json", "Snapshots written in every form a reader must accept, loaded, then edited further.", snapshots()),
            ("restoration.json", "A document's whole state given back as ops (PROTOCOL.md, \"Healing a relay\"): to an empty replica, to one that has part of it, twice.", restoration()),
            ("refused.json", "Op batches, ops and snapshots a replica must refuse.", refused()),
        ].map { name, about, vectors in
            (name, CRDTVectorFile(format: CRDTVectorFile.formatName, about: about, vectors: vectors))
        }
    }

    // MARK: Delivery orders

    /// How a scenario's batches reach the receiver.
    enum Delivery: String, CaseIterable {
        /// In the order made: nothing waits.
        case inOrder = "in-order"
        case shuffled
        /// Last made first: almost everything waits.
        case reversed
        /// Shuffled, and about half of the batches delivered a second time somewhere.
        case repeated
        /// Some batches cut into pieces delivered in any order, and the whole batch again later.
        case recut
    }

    static func arrange(_ batches: [[Op]], _ delivery: Delivery, dice: inout Dice) -> [[Op]] {
        switch delivery {
        case .inOrder:
            return batches
        case .shuffled:
            return dice.shuffled(batches)
        case .reversed:
            return batches.reversed()
        case .repeated:
            var result = dice.shuffled(batches)
            for batch in batches where dice.chance(percent: 50) { result.insert(batch, at: dice.below(result.count + 1)) }
            return result
        case .recut:
            var result: [[Op]] = []
            for batch in batches {
                let pieces = batch.flatMap { Recut.pieces(of: $0, at: dice.below(7)) }
                if pieces.count > batch.count, dice.chance(percent: 70) {
                    result += pieces.map { [$0] }
                    result.insert(batch, at: dice.below(result.count + 1))
                } else {
                    result.append(batch)
                }
            }
            return dice.shuffled(result)
        }
    }

    // MARK: Concurrent insertions at one place

    /// Replica id sets: small ones, ones that differ only as unsigned 64-bit numbers (a signed
    /// comparison orders them differently), and arbitrary ones.
    static let idSets: [(name: String, ids: [UInt64])] = [
        ("small-ids", [0x1, 0x2, 0x3, 0x4]),
        ("high-bit-ids", [0x8000_0000_0000_0001, 0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE, 0x8000_0000_0000_0000]),
        ("random-ids", [0x9E37_79B9_7F4A_7C15, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, 0x5555_AAAA_5555_AAAA]),
    ]
    static let words = ["abc", "XY", "héllo", "日本語", "👍🏽!", "1234"]

    enum Direction: String, CaseIterable { case forwards, backwards, mixed }

    static func concurrent() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        var seed: UInt64 = 1
        for direction in Direction.allCases {
            for (setName, ids) in idSets {
                for peerCount in 2...4 {
                    for (index, delivery) in Delivery.allCases.enumerated() {
                        seed += 1
                        var dice = Dice(seed: seed)
                        let keystrokes = index % 2 == 0
                        // Half at the start of an empty document (no origins), half between two characters.
                        let inside = (peerCount + index) % 2 == 1
                        var peers = ids.prefix(peerCount).map(VectorPeer.init)
                        if inside {
                            peers[0].type("<>", at: 0)
                            for other in 1..<peerCount { peers[other].receive(peers[0].batches) }
                        }
                        let position = inside ? 1 : 0
                        var typed: [String] = []
                        for peer in peers.indices {
                            let word = words[(peer + Int(seed)) % words.count]
                            typed.append(word)
                            let backwards = direction == .backwards || (direction == .mixed && peer % 2 == 1)
                            if backwards {
                                peers[peer].typeBackwards(word, at: position, keystrokes: keystrokes)
                            } else {
                                peers[peer].type(word, at: position, keystrokes: keystrokes)
                            }
                        }
                        let batches = peers.flatMap(\.batches)
                        let name = "concurrent/\(direction.rawValue)/\(setName)/\(peerCount)-replicas/\(keystrokes ? "keystrokes" : "words")/\(delivery.rawValue)"
                        let about = "\(peerCount) replicas type \(typed.map { "\"\($0)\"" }.joined(separator: ", ")) \(direction == .mixed ? "forwards and backwards in turn" : direction.rawValue) "
                            + "\(inside ? "between \"<\" and \">\"" : "into an empty document"), \(keystrokes ? "a batch a keystroke" : "a batch a word"); delivered \(delivery.rawValue)."
                        vectors.append(converged(name, about, peers: peers, deliver: arrange(batches, delivery, dice: &dice)))
                    }
                }
            }
        }
        return vectors
    }

    /// The vector of `deliver`, checked to end where every peer ends once it has everything.
    static func converged(_ name: String, _ about: String, peers: [VectorPeer], deliver: [[Op]]) -> CRDTVector {
        let vector = CRDTVectorRecorder.vector(name, about, deliver: deliver)
        var everyone = peers
        for index in everyone.indices {
            everyone[index].receiveAll(of: peers)
            precondition(everyone[index].replica.text == vector.text, "\(name): peer \(index) holds \(everyone[index].replica.text), the receiver \(vector.text ?? "")")
            precondition(Hex.string(everyone[index].replica.encodeSnapshot()) == vector.snapshot, "\(name): peer \(index) writes another snapshot")
        }
        return vector
    }
}
